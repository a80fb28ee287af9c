#!/usr/bin/env python3
"""netsieve ip -j versus the kernel's ip -j (see run.sh).

The kernel side: a namespace nsvj<pid> with eth0/eth1 as veths (their peers
up, so the carrier is up). The netsieve side: `netsieve shell` with eth0/eth1
as dummy interfaces. Routes, neighbours and addresses are compared whole;
link objects member by member for the members netsieve prints (in the same
order), with the values that depend on the device kind (flags, qdisc,
operstate, ifindex) left out: a dummy is not a veth.
"""
import json
import os
import subprocess
import sys

NS = 'nsvj%d' % os.getpid()

SETUP = [
    'link set eth0 address 02:00:00:00:00:10',
    'link set eth1 address 02:00:00:00:00:11',
    'link set eth0 up',
    'link set eth1 up',
    'addr add 10.0.0.1/24 dev eth0',
    'addr add 10.0.0.2/24 dev eth0',
    'addr add 10.0.0.77/24 brd + dev eth0',
    'addr add 172.16.1.1/16 dev eth1',
    'route add default via 10.0.0.254',
    'route add 192.168.5.0/24 via 10.0.0.3 metric 7',
    'route add 192.168.6.0/24 via 172.16.0.9 proto static',
    'route add blackhole 10.9.0.0/16',
    'route add 10.8.0.0/16 dev eth1 scope link',
    'neigh add 10.0.0.254 lladdr 02:00:00:00:00:fe dev eth0 nud permanent',
    'neigh add 172.16.0.9 lladdr 02:00:00:00:01:09 dev eth1 nud permanent',
]

# Compared whole (after json.loads).
WHOLE = [
    '-j route show',
    '-j route show table local',
    '-j route show dev eth1',
    '-j route show 192.168.5.0/24',
    '-4 -j route show table all',
    '-j route show table local dev eth0',
    '-j neigh show',
    '-j neigh show dev eth0',
]
# Link-carrying listings: addr_info whole, link members as described.
LINKS = [
    '-j -4 addr show dev eth0',
    '-j -4 addr show dev eth1',
    '-j -4 addr show',
    '-j link show dev eth0',
    '-j -s link show dev eth1',
    '-j -br link show dev eth0',
    '-j -br -4 addr show dev eth0',
]
KIND_DEPENDENT = {'ifindex', 'flags', 'qdisc', 'operstate', 'stats64'}


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=30, **kw)


def kernel(args):
    p = run(['ip', '-n', NS] + args.split())
    if p.returncode:
        raise RuntimeError('kernel: ip %s: %s' % (args, p.stderr))
    return p.stdout


def netsieve_all(nsv):
    """Every listing from one netsieve shell: [(rc, stdout)]."""
    lines = ['ip link add eth0 type dummy', 'ip link add eth1 type dummy']
    lines += ['ip ' + s for s in SETUP]
    lines += ['ip ' + c for c in WHOLE + LINKS]
    p = run([nsv, 'shell', '-x'], input='\n'.join(lines) + '\n')
    out = []
    cur = []
    for line in p.stdout.splitlines():
        if line.startswith('# rc='):
            out.append((int(line[5:]), '\n'.join(cur)))
            cur = []
        else:
            cur.append(line)
    setup = out[:len(SETUP) + 2]
    for (rc, text), cmd in zip(setup, ['link add'] * 2 + SETUP):
        if rc:
            raise RuntimeError('netsieve: ip %s: rc %d %s' % (cmd, rc,
                                                               p.stderr))
    return out[len(SETUP) + 2:]


def main():
    nsv = os.path.join(sys.argv[1], 'netsieve')
    if os.geteuid() != 0 or run(['ip', 'netns', 'add', NS]).returncode:
        print('ipjson: skipped: needs root and network namespaces')
        return 0
    failed = passed = 0
    try:
        kernel('link set lo up')
        for i in (0, 1):
            kernel('link add eth%d type veth peer name p%d' % (i, i))
            kernel('link set p%d up' % i)
        for s in SETUP:
            kernel(s)
        ours = netsieve_all(nsv)
        for cmd, (rc, text) in zip(WHOLE + LINKS, ours):
            k = json.loads(kernel(cmd))
            try:
                n = json.loads(text)
            except ValueError as e:
                n = 'not JSON (%s): %r' % (e, text)
            why = compare(cmd, k, n) if rc == 0 else 'rc %d' % rc
            if why:
                print('FAIL ip %s: %s\n  kernel:   %s\n  netsieve: %s'
                      % (cmd, why, json.dumps(k), json.dumps(n)))
                failed += 1
            else:
                print('ok - ip %s' % cmd)
                passed += 1
    finally:
        run(['ip', 'netns', 'del', NS])
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


def compare(cmd, k, n):
    if cmd in WHOLE and 'neigh' in cmd:
        # The kernel lists neighbours in hash order; netsieve sorted.
        key = lambda e: json.dumps(e, sort_keys=True)
        return None if sorted(k, key=key) == sorted(n, key=key) else 'differs'
    if cmd in WHOLE:
        return None if k == n else 'differs'
    if not isinstance(n, list) or len(n) != len(k):
        return 'not one object per device'
    for ko, no in zip(k, n):
        keys = [x for x in no if x not in KIND_DEPENDENT]
        kkeys = [x for x in ko if x in keys]
        if kkeys != keys:
            return 'members %s, kernel order %s' % (keys, kkeys)
        for x in keys:
            if ko[x] != no[x]:
                return 'member %s' % x
        if 'stats64' in ko and ('stats64' not in no or
                                set(ko['stats64']['rx']) != set(no['stats64']['rx']) or
                                set(ko['stats64']['tx']) != set(no['stats64']['tx'])):
            return 'stats64 members'
        if 'flags' in no and not set(no['flags']) <= set(ko['flags']) | {'NOARP'}:
            return 'flags'
    return None


if __name__ == '__main__':
    sys.exit(main())
