# SPDX-License-Identifier: MIT
"""End-to-end tests of `netsieve replay`: build input pcaps, run the replay
command, and check the output pcaps, the trace (text and JSON) and the saved
counters. Usage: test_replay.py BUILD_DIR [NAME...]

Topology used by most cases (a router between two hosts):

    host A 10.0.1.2 --- eth0 10.0.1.1 [netsieve] eth1 10.0.2.1 --- host B 10.0.2.2
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib as P  # noqa: E402

R0_MAC = '02:00:00:00:00:01'
R1_MAC = '02:00:00:00:00:02'
A_MAC = '02:00:00:00:01:02'
B_MAC = '02:00:00:00:02:02'
R0, R1, A, B = '10.0.1.1', '10.0.2.1', '10.0.1.2', '10.0.2.2'
SEC = 10**9
T0 = 1700000000 * SEC

SETUP = """# router between 10.0.1.0/24 (eth0) and 10.0.2.0/24 (eth1)
ip link set eth0 address %(R0_MAC)s
ip link set eth1 address %(R1_MAC)s
ip addr add 10.0.1.1/24 dev eth0
ip addr add 10.0.2.1/24 dev eth1
ip link set eth0 up
ip link set eth1 up
ip neigh add 10.0.1.2 lladdr %(A_MAC)s dev eth0 nud permanent
ip neigh add 10.0.2.2 lladdr %(B_MAC)s dev eth1 nud permanent
sysctl -w net.ipv4.ip_forward=1
iptables-restore rules.v4
""" % dict(R0_MAC=R0_MAC, R1_MAC=R1_MAC, A_MAC=A_MAC, B_MAC=B_MAC)

RULES = """*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p udp -m udp --dport 53 -j DROP
-A FORWARD -s 10.0.1.0/24 -j ACCEPT
COMMIT
"""


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def a_to_b(ttl=64, seq=1, bad_csum=False):
    return P.ipv4(A, B, 1, P.icmp_echo(seq=seq), ttl=ttl, bad_csum=bad_csum)


def b_to_a(seq=1):
    return P.ipv4(B, A, 1, P.icmp_echo(seq=seq))


def from_a(ip_packet):
    return P.eth(R0_MAC, A_MAC, 0x0800, ip_packet)


def from_b(ip_packet):
    return P.eth(R1_MAC, B_MAC, 0x0800, ip_packet)


class Case:
    def __init__(self, build, root, name):
        self.bin = os.path.join(build, 'netsieve')
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), 'w') as f:
            f.write(text)
        return self.path(name)

    def pcap(self, name, pkts, linktype=P.LINKTYPE_ETHERNET, nano=True):
        P.write_pcap(self.path(name), pkts, linktype, nano)
        return self.path(name)

    def router(self, extra_rules=None):
        self.write('setup.ns', SETUP)
        self.write('rules.v4', extra_rules or RULES)
        return self.path('setup.ns')

    def replay(self, args, rc=0):
        p = subprocess.run([self.bin, 'replay'] + args, cwd=self.dir,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        if rc is not None and p.returncode != rc:
            raise Fail('replay %s: exit %d, wanted %d\nstdout: %s\nstderr: %s'
                       % (' '.join(args), p.returncode, rc, p.stdout,
                          p.stderr))
        return p

    def out(self, name):
        lt, pkts = P.read_pcap(self.path(name))
        check(lt == P.LINKTYPE_ETHERNET, '%s: linktype %d' % (name, lt))
        return [(ts, P.decode(d)) for ts, d in pkts]

    def trace(self, name='trace.txt'):
        with open(self.path(name)) as f:
            return f.read()

    def std_run(self, in0=None, in1=None, extra=(), trace='trace.txt'):
        """Replay with the router setup; returns (out0, out1, trace)."""
        args = ['--setup', self.router()]
        if in0 is not None:
            args += ['--in', 'eth0=' + self.pcap('in0.pcap', in0)]
        if in1 is not None:
            args += ['--in', 'eth1=' + self.pcap('in1.pcap', in1)]
        args += ['--out', 'eth0=out0.pcap', '--out', 'eth1=out1.pcap',
                 '--trace', trace, '--save-counters', 'counters.txt']
        args += list(extra)
        self.replay(args)
        return (self.out('out0.pcap'), self.out('out1.pcap'),
                self.trace(trace))


def pkt_block(trace, n):
    """The lines of packet n's block in a text trace."""
    m = re.search(r'^pkt %d .*?(?=^pkt |\Z)' % n, trace, re.M | re.S)
    check(m, 'no "pkt %d" block in trace:\n%s' % (n, trace))
    return m.group(0)


def has_line(block, line):
    check(any(l.strip() == line for l in block.splitlines()),
          'no line "%s" in:\n%s' % (line, block))


# ---------------------------------------------------------------- cases


def t_forward(c):
    out0, out1, tr = c.std_run([(T0 + 5, from_a(a_to_b()))])
    check(out0 == [], 'nothing goes back out eth0: %s' % out0)
    check(len(out1) == 1, 'one frame out eth1: %s' % out1)
    ts, d = out1[0]
    check(ts == T0 + 5, 'stamped with the input time: %d' % ts)
    check(d['src_mac'] == R1_MAC and d['dst_mac'] == B_MAC, 'macs %s' % d)
    check(d['src'] == A and d['dst'] == B, 'addresses %s' % d)
    check(d['ttl'] == 63 and d['ip_csum_ok'], 'ttl/csum %s' % d)
    check(d['icmp_type'] == 8 and d['icmp_seq'] == 1, 'icmp %s' % d)
    b = pkt_block(tr, 1)
    check(b.startswith('pkt 1 eth0 10.0.1.2 > 10.0.2.2 ICMP echo-request'),
          'header line: %s' % b)
    has_line(b, 'filter:FORWARD:rule:2 (-A FORWARD -s 10.0.1.0/24 -j ACCEPT): ACCEPT')
    has_line(b, '-> sent out eth1')
    cnt = open(c.path('counters.txt')).read()
    check(re.search(r'^\[1:%d\] -A FORWARD -s 10\.0\.1\.0/24 -j ACCEPT$'
                    % len(a_to_b()), cnt, re.M),
          'counter of the ACCEPT rule:\n' + cnt)


def t_drop_rule(c):
    pkt = from_a(P.ipv4(A, B, 17, P.udp(A, B, 5353, 53, b'query')))
    out0, out1, tr = c.std_run([(T0, pkt)])
    check(out0 == [] and out1 == [], 'dropped: nothing out')
    b = pkt_block(tr, 1)
    check(b.startswith('pkt 1 eth0 10.0.1.2:5353 > 10.0.2.2:53 UDP'),
          'header: %s' % b)
    has_line(b, 'filter:FORWARD:rule:1 (-A FORWARD -p udp -m udp --dport 53 -j DROP): DROP')
    has_line(b, '-> dropped by filter:FORWARD:rule:1 (-A FORWARD -p udp -m udp --dport 53 -j DROP)')
    check('filter:FORWARD:rule:2' not in b, 'no step after the drop:\n' + b)
    cnt = open(c.path('counters.txt')).read()
    check(re.search(r'^\[1:33\] -A FORWARD -p udp -m udp --dport 53 -j DROP$',
                    cnt, re.M), 'counter of the DROP rule:\n' + cnt)
    check(re.search(r'^\[0:0\] -A FORWARD -s 10\.0\.1\.0/24 -j ACCEPT$',
                    cnt, re.M), 'ACCEPT rule untouched:\n' + cnt)


def t_hotdrop_after_log(c):
    """A match's hotdrop is the drop's cause, not the LOG rule before it."""
    rules = RULES.replace('-A FORWARD -p udp',
                          '-A FORWARD -j LOG --log-prefix "seen "\n'
                          '-A FORWARD -p udp')
    # UDP with a 4-byte header: the udp match cannot read the ports.
    short = from_a(P.ipv4(A, B, 17, b'\x13\x88\x00'))
    c.write('setup.ns', SETUP)
    c.write('rules.v4', rules)
    c.pcap('in0.pcap', [(T0, short), (T0 + 1, short)])
    c.replay(['--setup', 'setup.ns', '--in', 'eth0=in0.pcap',
              '--out', 'eth1=out1.pcap', '--trace', 'trace.txt',
              '--save-counters', 'counters.txt'])
    check(c.out('out1.pcap') == [], 'hotdropped: nothing out')
    b = pkt_block(c.trace(), 1)
    has_line(b, 'filter:FORWARD:rule:1 (-A FORWARD -j LOG --log-prefix "seen ")')
    has_line(b, 'filter:FORWARD:rule:2 (-A FORWARD -p udp -m udp --dport 53 -j DROP): DROP (hotdrop)')
    has_line(b, '-> dropped by filter:FORWARD:rule:2 (-A FORWARD -p udp -m udp --dport 53 -j DROP) (hotdrop)')
    check('dropped by filter:FORWARD:rule:1' not in b,
          'the LOG rule dropped nothing:\n' + b)
    check('filter:FORWARD:rule:3' not in b, 'no step after it:\n' + b)
    cnt = open(c.path('counters.txt')).read()
    check(re.search(r'^\[2:\d+\] -A FORWARD -j LOG', cnt, re.M)
          and re.search(r'^\[0:0\] -A FORWARD -p udp', cnt, re.M),
          'the LOG rule counts, the hotdropping rule does not:\n' + cnt)
    c.replay(['--setup', 'setup.ns', '--in', 'eth0=in0.pcap',
              '--out', 'eth1=out1.pcap', '--trace', 'trace.json',
              '--trace-format', 'json'])
    o = json.loads(c.trace('trace.json').splitlines()[0])
    check({'table': 'filter', 'chain': 'FORWARD', 'type': 'rule',
           'rulenum': 2, 'rule': '-A FORWARD -p udp -m udp --dport 53 -j DROP', 'verdict': 'DROP',
           'hotdrop': True} in o['steps'],
          'hotdrop step %s' % o['steps'])
    check(o['fates'][-1]['by'] == 'filter:FORWARD:rule:2'
          and o['fates'][-1]['rule'] == '-A FORWARD -p udp -m udp --dport 53 -j DROP',
          'drop fate %s' % o['fates'])


def t_policy_drop(c):
    rules = RULES.replace(':FORWARD ACCEPT', ':FORWARD DROP')
    c.write('setup.ns', SETUP)
    c.write('rules.v4', rules)
    c.pcap('in1.pcap', [(T0, from_b(b_to_a()))])
    c.replay(['--setup', 'setup.ns', '--in', 'eth1=in1.pcap',
              '--out', 'eth0=out0.pcap', '--trace', 'trace.txt',
              '--save-counters', 'counters.txt'])
    check(c.out('out0.pcap') == [], 'policy DROP: nothing out')
    b = pkt_block(c.trace(), 1)
    has_line(b, 'filter:FORWARD:policy:3 (-P FORWARD DROP): DROP')
    has_line(b, '-> dropped by filter:FORWARD:policy:3 (-P FORWARD DROP)')
    cnt = open(c.path('counters.txt')).read()
    check(re.search(r'^:FORWARD DROP \[1:%d\]$' % len(b_to_a()), cnt, re.M),
          'policy counter:\n' + cnt)


def t_echo_reply(c):
    req = P.ipv4(A, R0, 1, P.icmp_echo(ident=77, seq=9, data=b'ping!'))
    out0, out1, tr = c.std_run([(T0 + 123456789, from_a(req))])
    check(out1 == [], 'nothing out eth1')
    check(len(out0) == 1, 'one reply out eth0: %s' % out0)
    ts, d = out0[0]
    check(ts == T0 + 123456789, 'reply stamped with the request time')
    check(d['src_mac'] == R0_MAC and d['dst_mac'] == A_MAC, 'macs %s' % d)
    check(d['src'] == R0 and d['dst'] == A, 'addresses %s' % d)
    check(d['icmp_type'] == 0 and d['icmp_id'] == 77 and d['icmp_seq'] == 9
          and d['icmp_data'] == b'ping!', 'echo reply %s' % d)
    check(d['ip_csum_ok'] and d['icmp_csum_ok'], 'checksums %s' % d)
    b = pkt_block(tr, 1)
    has_line(b, '-> answered (echo reply out eth0)')
    has_line(b, 'reply 10.0.1.1 > 10.0.1.2 ICMP echo-reply')
    check(re.search(r'^    filter:OUTPUT:policy:1 \(-P OUTPUT ACCEPT\): '
                    r'ACCEPT$', b, re.M),
          'reply steps indented under the request:\n' + b)
    check(re.search(r'^    -> sent out eth0$', b, re.M), 'reply sent:\n' + b)


def t_ttl_expired(c):
    bad = a_to_b(ttl=1)
    out0, out1, tr = c.std_run([(T0 + 7, from_a(bad))])
    check(out1 == [], 'not forwarded: %s' % out1)
    check(len(out0) == 1, 'one ICMP error out eth0: %s' % out0)
    ts, d = out0[0]
    check(ts == T0 + 7, 'error stamped with the packet time')
    check(d['dst_mac'] == A_MAC and d['src'] == R0 and d['dst'] == A,
          'addressed to A %s' % d)
    check(d['icmp_type'] == 11 and d['icmp_code'] == 0, 'time-exceeded %s' % d)
    check(d['inner'][:20] == bad[:20], 'quotes the original IP header')
    check(d['ip_csum_ok'] and d['icmp_csum_ok'], 'checksums %s' % d)
    b = pkt_block(tr, 1)
    has_line(b, '-> dropped: IP_TTL_EXPIRED (TTL expired in transit)')
    has_line(b, 'reply 10.0.1.1 > 10.0.1.2 ICMP ttl-zero-during-transit')


def t_bad_csum(c):
    out0, out1, tr = c.std_run([(T0, from_a(a_to_b(bad_csum=True)))])
    check(out0 == [] and out1 == [], 'nothing out')
    has_line(pkt_block(tr, 1), '-> dropped: IP_CSUM (bad IP header checksum)')


def t_raw_ip(c):
    setup = c.router()
    c.pcap('raw.pcap', [(T0 + 1000, a_to_b(seq=1))], P.LINKTYPE_RAW)
    c.pcap('v4.pcap', [(T0 + 2000, a_to_b(seq=2))], P.LINKTYPE_IPV4,
           nano=False)
    c.replay(['--setup', setup, '--in', 'eth0=raw.pcap', '--in',
              'eth0=v4.pcap', '--out', 'eth1=out1.pcap', '--trace',
              'trace.txt'])
    out1 = c.out('out1.pcap')
    check([d['icmp_seq'] for _, d in out1] == [1, 2],
          'both raw-IP packets forwarded: %s' % out1)
    check(out1[1][0] == T0 + 2000, 'microsecond pcap time kept')
    for _, d in out1:
        check(d['src_mac'] == R1_MAC and d['dst_mac'] == B_MAC
              and d['ttl'] == 63, 'Ethernet frame built: %s' % d)
    has_line(pkt_block(c.trace(), 2), '-> sent out eth1')


def t_interleave(c):
    in0 = [(T0 + 1 * SEC, from_a(a_to_b(seq=1))),
           (T0 + 3 * SEC, from_a(a_to_b(seq=3)))]
    # Not sorted inside the file: replay sorts by time across all inputs.
    in1 = [(T0 + 2 * SEC, from_b(b_to_a(seq=2))),
           (T0 + SEC // 2, from_b(b_to_a(seq=0))),
           (T0 + 3 * SEC, from_b(b_to_a(seq=4)))]
    out0, out1, tr = c.std_run(in0, in1)
    heads = re.findall(r'^pkt (\d+) (\S+) (\S+) > (\S+)', tr, re.M)
    check(heads == [('1', 'eth1', B, A), ('2', 'eth0', A, B),
                    ('3', 'eth1', B, A), ('4', 'eth0', A, B),
                    ('5', 'eth1', B, A)],
          'timestamp order, ties by --in order:\n' + tr)
    check([(ts - T0, d['icmp_seq']) for ts, d in out1] ==
          [(SEC, 1), (3 * SEC, 3)], 'eth1 output %s' % out1)
    check([(ts - T0, d['icmp_seq']) for ts, d in out0] ==
          [(SEC // 2, 0), (2 * SEC, 2), (3 * SEC, 4)], 'eth0 output %s' % out0)
    has_line(pkt_block(tr, 1),
             'filter:FORWARD:policy:3 (-P FORWARD ACCEPT): ACCEPT')


def t_json(c):
    udp = from_a(P.ipv4(A, B, 17, P.udp(A, B, 1000, 53)))
    c.std_run([(T0, udp), (T0 + 1, from_a(a_to_b()))],
              extra=['--trace-format', 'json'], trace='trace.json')
    lines = c.trace('trace.json').splitlines()
    check(len(lines) == 2, 'one JSON object per input packet: %s' % lines)
    o1, o2 = [json.loads(l) for l in lines]
    check(o1['pkt'] == 1 and o1['in'] == 'eth0' and o1['ts_ns'] == T0
          and o1['len'] == len(udp), 'packet fields %s' % o1)
    check({'table': 'filter', 'chain': 'FORWARD', 'type': 'rule',
           'rulenum': 1, 'rule': '-A FORWARD -p udp -m udp --dport 53 -j DROP', 'verdict': 'DROP'}
          in o1['steps'], 'rule step %s' % o1['steps'])
    check(o1['fates'][-1]['fate'] == 'dropped'
          and o1['fates'][-1]['reason'] == 'NETFILTER_DROP'
          and o1['fates'][-1]['by'] == 'filter:FORWARD:rule:1'
          and o1['fates'][-1]['rule'] == '-A FORWARD -p udp -m udp --dport 53 -j DROP',
          'drop fate %s' % o1['fates'])
    check(o2['fates'] == [{'fate': 'sent', 'out': 'eth1'}],
          'sent fate %s' % o2['fates'])
    check(o2['replies'] == [], 'no replies %s' % o2)


def t_reject(c):
    rules = RULES.replace(
        'COMMIT',
        '-A INPUT -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset\n'
        '-A INPUT -p udp -m udp --dport 9 -j REJECT\n'
        'COMMIT')
    syn = P.ipv4(A, R0, 6, P.tcp(A, R0, 40000, 23, 'S', seq=5000))
    udp = P.ipv4(A, R0, 17, P.udp(A, R0, 40001, 9))
    c.write('setup.ns', SETUP)
    c.write('rules.v4', rules)
    c.pcap('in0.pcap', [(T0 + 1, from_a(syn)), (T0 + 2, from_a(udp))])
    c.replay(['--setup', 'setup.ns', '--in', 'eth0=in0.pcap', '--in',
              'eth1=' + c.pcap('none.pcap', []), '--out', 'eth0=out0.pcap',
              '--trace', 'trace.txt', '--save-counters', 'counters.txt'])
    out0 = c.out('out0.pcap')
    check(len(out0) == 2, 'a reset and an ICMP error: %s' % out0)
    (t1, rst), (t2, unr) = out0
    check(t1 == T0 + 1 and t2 == T0 + 2, 'stamped with their causes')
    check(rst['proto'] == 6 and rst['sport'] == 23 and rst['dport'] == 40000
          and rst['tcp_flags'] & 0x04 and rst['tcp_ack'] == 5001
          and rst['l4_csum_ok'] and rst['dst_mac'] == A_MAC,
          'TCP reset %s' % rst)
    check(unr['icmp_type'] == 3 and unr['icmp_code'] == 3
          and unr['src'] == R0 and unr['dst'] == A, 'port unreachable %s'
          % unr)
    tr = c.trace()
    b = pkt_block(tr, 1)
    has_line(b, '-> dropped by filter:INPUT:rule:1 (-A INPUT -p tcp -m tcp '
             '--dport 23 -j REJECT --reject-with tcp-reset)')
    check(re.search(r'^  reply 10\.0\.1\.1:23 > 10\.0\.1\.2:40000 TCP \[R',
                    b, re.M), 'the reset under its cause:\n' + b)
    b = pkt_block(tr, 2)
    has_line(b, '-> dropped by filter:INPUT:rule:2 (-A INPUT -p udp -m udp '
             '--dport 9 -j REJECT --reject-with icmp-port-unreachable)')
    has_line(b, 'reply 10.0.1.1 > 10.0.1.2 ICMP port-unreachable')
    cnt = open(c.path('counters.txt')).read()
    check(re.search(r'^\[1:%d\] -A INPUT -p udp -m udp --dport 9 -j REJECT '
                    r'--reject-with icmp-port-unreachable$' % len(udp), cnt,
                    re.M), 'REJECT counter:\n' + cnt)


def t_log_lines(c):
    rules = RULES.replace('COMMIT', '-A FORWARD -j LOG --log-prefix "fwd: "'
                          '\nCOMMIT')
    c.write('setup.ns', SETUP)
    c.write('rules.v4', rules)
    c.pcap('in1.pcap', [(T0, from_b(b_to_a()))])
    p = c.replay(['--setup', 'setup.ns', '--in', 'eth1=in1.pcap', '--out',
                  'eth0=out0.pcap'])
    check(re.search(r'fwd: IN=eth1 OUT=eth0 .*SRC=10\.0\.2\.2 DST=10\.0\.1\.2',
                    p.stderr), 'LOG line on stderr: %r' % p.stderr)
    check(len(c.out('out0.pcap')) == 1, 'LOG lets it pass')


def t_arp(c):
    # No static neighbour for B: the packet waits for ARP, an ARP request
    # goes out of eth1, B's answer (a later input) releases the packet.
    c.write('setup.ns', SETUP.replace('ip neigh add 10.0.2.2', '# '))
    c.write('rules.v4', RULES)
    reply = P.eth(R1_MAC, B_MAC, 0x0806, P.struct.pack(
        '!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 2, P.mac(B_MAC), P.ip(B),
        P.mac(R1_MAC), P.ip(R1)))
    c.pcap('in0.pcap', [(T0 + 1000, from_a(a_to_b()))])
    c.pcap('in1.pcap', [(T0 + 2000, reply)])
    c.replay(['--setup', 'setup.ns', '--in', 'eth0=in0.pcap', '--in',
              'eth1=in1.pcap', '--out', 'eth1=out1.pcap', '--trace',
              'trace.txt'])
    out1 = c.out('out1.pcap')
    check(len(out1) == 2, 'ARP request, then the packet: %s' % out1)
    check(out1[0][1].get('arp_op') == 1 and out1[0][1]['arp_tpa'] == B
          and out1[0][1]['dst_mac'] == 'ff:ff:ff:ff:ff:ff', 'who-has B')
    check(out1[1][1]['dst_mac'] == B_MAC and out1[1][1]['icmp_type'] == 8,
          'the queued packet, to the learnt MAC')
    check(all(ts == T0 + 1000 for ts, _ in out1), 'stamped with the cause')
    b = pkt_block(c.trace(), 1)
    has_line(b, '-> queued (waiting for the neighbour)')
    has_line(b, '-> sent out eth1')
    has_line(b, 'generated ARP who-has 10.0.2.2 tell 10.0.2.1')
    check(pkt_block(c.trace(), 2).startswith(
        'pkt 2 eth1 ARP 10.0.2.2 is-at 02:00:00:00:02:02'), c.trace())


def t_odd_frames(c):
    # Bad input is a counted, traced drop, never a failure of the replay.
    big = from_a(P.ipv4(A, B, 17, P.udp(A, B, 1, 2, b'x' * 3000)))
    lldp = P.eth('01:80:c2:00:00:0e', A_MAC, 0x88cc, b'\0' * 46)
    short = from_a(a_to_b())[:20]
    out0, out1, tr = c.std_run([(T0, big), (T0 + 1, lldp), (T0 + 2, short),
                                (T0 + 3, b'\x02\x00')])
    check(out0 == [] and out1 == [], 'nothing out')
    has_line(pkt_block(tr, 1), '-> dropped: PKT_TOO_BIG (frame larger than '
             'a packet buffer)')
    check(pkt_block(tr, 2).startswith('pkt 2 eth0 ethertype 0x88cc'), tr)
    check('-> dropped: ' in pkt_block(tr, 2), tr)
    check('-> dropped: ' in pkt_block(tr, 3), tr)
    check(pkt_block(tr, 4).startswith('pkt 4 eth0 runt frame (2 bytes)'), tr)
    check('-> dropped: PKT_TOO_SMALL' in pkt_block(tr, 4), tr)


def t_example(c):
    # The shipped example (examples/gateway, examples/replay-demo.sh) keeps
    # telling the story its comments tell.
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    p = subprocess.run([os.path.join(root, 'examples', 'replay-demo.sh'),
                        os.path.dirname(c.bin)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=60)
    check(p.returncode == 0, 'demo exit %d: %s' % (p.returncode, p.stderr))
    tr = p.stdout
    has_line(pkt_block(tr, 1), '-> sent out eth1')
    has_line(pkt_block(tr, 2), '-> dropped by filter:FORWARD:rule:1 '
             '(-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 22 -j DROP)')
    has_line(pkt_block(tr, 3), '-> answered (echo reply out eth0)')
    has_line(pkt_block(tr, 4), '-> sent out eth0')
    has_line(pkt_block(tr, 5),
             '-> dropped: IP_TTL_EXPIRED (TTL expired in transit)')
    has_line(pkt_block(tr, 6), '-> dropped by filter:INPUT:rule:1 '
             '(-A INPUT -i eth1 -p tcp -m tcp --dport 22 -j DROP)')
    check(re.search(r'^\[1:40\] -A FORWARD -i eth0 -o eth1 -j ACCEPT$', tr,
                    re.M), 'counters in the demo output:\n' + tr)


def t_trace_stdout(c):
    setup = c.router()
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    p = c.replay(['--setup', setup, '--in', 'eth0=' + inp, '--out',
                  'eth1=out1.pcap', '--trace', '-', '--trace-format', 'json'])
    check('net.ipv4.ip_forward = 1' in p.stderr,
          'setup output on stderr: %r' % p.stderr)
    objs = [json.loads(l) for l in p.stdout.splitlines()]
    check(len(objs) == 1 and objs[0]['fates'][-1]['out'] == 'eth1',
          'stdout is only the trace: %r' % p.stdout)


def t_in_only(c):
    # eth1 has no --out: its frames are counted, not written anywhere.
    setup = c.router()
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    c.replay(['--setup', setup, '--in', 'eth0=' + inp, '--in',
              'eth1=' + c.pcap('empty.pcap', []), '--trace', 'trace.txt'])
    has_line(pkt_block(c.trace(), 1), '-> sent out eth1')
    check(sorted(os.listdir(c.dir)) ==
          ['empty.pcap', 'in0.pcap', 'rules.v4', 'setup.ns', 'trace.txt'],
          'no output file appears: %s' % os.listdir(c.dir))


def t_setup_dir(c):
    # iptables-restore FILE is relative to the setup file's directory.
    os.makedirs(c.path('conf'))
    c.write('conf/setup.ns', SETUP)
    c.write('conf/rules.v4', RULES)
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    c.replay(['--setup', 'conf/setup.ns', '--in', 'eth0=' + inp, '--out',
              'eth1=out1.pcap', '--save-counters', 'c.txt'])
    check(len(c.out('out1.pcap')) == 1, 'forwarded')
    check('-A FORWARD -s 10.0.1.0/24 -j ACCEPT' in open(c.path('c.txt')).read(),
          'rules loaded from conf/rules.v4')


def t_err_setup_line(c):
    c.write('bad.ns', 'ip link set eth0 up\n\niptables -A NOSUCHCHAIN -j DROP\n')
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    p = c.replay(['--setup', 'bad.ns', '--in', 'eth0=' + inp], rc=1)
    check(p.stderr.startswith('bad.ns:3: '), 'file:line first: %r' % p.stderr)


def t_err_unknown_iface(c):
    c.write('bad.ns', 'ip addr add 10.0.9.1/24 dev eth9\n')
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    p = c.replay(['--setup', 'bad.ns', '--in', 'eth0=' + inp], rc=1)
    check(p.stderr.startswith('bad.ns:1: '), 'file:line first: %r' % p.stderr)


def t_err_files(c):
    c.write('ok.ns', '')
    inp = c.pcap('in0.pcap', [(T0, from_a(a_to_b()))])
    p = c.replay(['--setup', 'missing.ns', '--in', 'eth0=' + inp], rc=1)
    check('missing.ns' in p.stderr and 'No such file' in p.stderr, p.stderr)
    p = c.replay(['--setup', '.', '--in', 'eth0=' + inp], rc=1)
    check('Is a directory' in p.stderr, p.stderr)
    p = c.replay(['--setup', 'ok.ns', '--in', 'lo=' + inp], rc=1)
    check('lo' in p.stderr, p.stderr)
    p = c.replay(['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--trace',
                  'nodir/t.txt'], rc=1)
    check('nodir/t.txt' in p.stderr, p.stderr)
    p = c.replay(['--setup', 'ok.ns', '--in', 'eth0=nope.pcap'], rc=1)
    check('nope.pcap' in p.stderr, p.stderr)
    c.write('junk.pcap', 'this is not a pcap file at all')
    p = c.replay(['--setup', 'ok.ns', '--in', 'eth0=junk.pcap'], rc=1)
    check('junk.pcap' in p.stderr, p.stderr)
    sll = c.pcap('sll.pcap', [(T0, b'\0' * 40)], P.LINKTYPE_LINUX_SLL)
    p = c.replay(['--setup', 'ok.ns', '--in', 'eth0=' + sll], rc=1)
    check('link type' in p.stderr and 'not supported' in p.stderr, p.stderr)
    p = c.replay(['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--out',
                  'eth0=nodir/out.pcap'], rc=1)
    check('nodir/out.pcap' in p.stderr, p.stderr)


def t_err_usage(c):
    c.write('ok.ns', '')
    inp = c.pcap('in0.pcap', [])
    for args, what in (
            (['--in', 'eth0=' + inp], '--setup'),
            (['--setup', 'ok.ns'], '--in'),
            (['--setup', 'ok.ns', '--in', 'eth0'], 'IFACE=FILE'),
            (['--setup', 'ok.ns', '--in', 'this-name-is-too-long=x'],
             'interface name'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--bogus'],
             'unknown option'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--trace-format',
              'xml'], 'text or json'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--out', 'eth1=a',
              '--out', 'eth1=b'], 'twice'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, 'extra'],
             'unexpected'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--out',
              'eth0=' + inp], 'both an input and an output'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--out',
              'eth0=x.pcap', '--trace', 'x.pcap'], 'an --out file'),
            (['--setup', 'ok.ns', '--in', 'eth0=' + inp, '--trace', 'x',
              '--save-counters', 'x'], 'both the trace and')):
        p = c.replay(args, rc=2)
        check(what in p.stderr, '%s: wanted "%s" in %r' % (args, what,
                                                           p.stderr))
    p = c.replay(['--help'], rc=0)
    check('--setup' in p.stdout, 'help text')


def t_rule_text(c):
    """Every rule and policy step names the rule by its text, as iptables
    -S prints it, from the ruleset the packet met: user chains, a return,
    a comment with quotes (escaped in JSON)."""
    rules = RULES.replace(
        '-A FORWARD -p udp',
        ':web - [0:0]\n'
        '-A FORWARD -p icmp -j web\n'
        '-A web -s 10.0.1.2/32 -m comment --comment "say \\"hi\\"" -j LOG\n'
        '-A web -p icmp -m icmp --icmp-type 8 -j DROP\n'
        '-A FORWARD -p udp')
    c.write('setup.ns', SETUP)
    c.write('rules.v4', rules)
    c.pcap('in0.pcap', [(T0, from_a(a_to_b())),
                        (T0 + 1, from_a(P.ipv4(A, B, 17,
                                               P.udp(A, B, 1, 2))))])
    base = ['--setup', 'setup.ns', '--in', 'eth0=in0.pcap', '--out',
            'eth1=out1.pcap']
    c.replay(base + ['--trace', 'trace.txt'])
    tr = c.trace()
    b = pkt_block(tr, 1)
    for line in ('filter:FORWARD:rule:1 (-A FORWARD -p icmp -j web)',
                 'filter:web:rule:1 (-A web -s 10.0.1.2/32 -m comment '
                 '--comment "say \\"hi\\"" -j LOG)',
                 'filter:web:rule:2 (-A web -p icmp -m icmp --icmp-type 8 '
                 '-j DROP): DROP',
                 '-> dropped by filter:web:rule:2 (-A web -p icmp -m icmp '
                 '--icmp-type 8 -j DROP)'):
        has_line(b, line)
    b = pkt_block(tr, 2)
    has_line(b, 'filter:FORWARD:rule:3 (-A FORWARD -s 10.0.1.0/24 -j ACCEPT)'
             ': ACCEPT')
    c.replay(base + ['--trace', 'trace.json', '--trace-format', 'json'])
    o = json.loads(c.trace('trace.json').splitlines()[0])
    check([st.get('rule') for st in o['steps']] ==
          ['-A FORWARD -p icmp -j web',
           '-A web -s 10.0.1.2/32 -m comment --comment "say \\"hi\\"" -j LOG',
           '-A web -p icmp -m icmp --icmp-type 8 -j DROP'],
          'rule texts %s' % o['steps'])
    check(o['fates'][-1]['rule'] ==
          '-A web -p icmp -m icmp --icmp-type 8 -j DROP', 'fate %s'
          % o['fates'])


def t_truncated(c):
    """A capture cut inside a record: every complete packet is replayed,
    then a warning names the file, the last packet and the byte; exit 1,
    as tcpdump -r. A cut inside a record header is the same."""
    pkts = [(T0 + i, from_a(a_to_b(seq=i + 1))) for i in range(5)]
    full = c.pcap('full.pcap', pkts)
    data = open(full, 'rb').read()
    rec = 16 + len(pkts[0][1])
    end4 = 24 + 4 * rec                 # end of the 4th record
    for name, cut in (('cut.pcap', end4 + 16 + 10),   # inside packet 5
                      ('cuthdr.pcap', end4 + 7)):      # inside its header
        with open(c.path(name), 'wb') as f:
            f.write(data[:cut])
        p = c.replay(['--setup', c.router(), '--in', 'eth0=' + name,
                      '--out', 'eth1=out1.pcap', '--trace', 'trace.txt',
                      '--save-counters', 'counters.txt'], rc=1)
        want = ('netsieve replay: %s: truncated after packet 4 (byte %d): '
                'the rest was ignored\n' % (name, end4))
        check(p.stderr.endswith(want), 'warning %r, wanted %r'
              % (p.stderr, want))
        out1 = c.out('out1.pcap')
        check([d['icmp_seq'] for ts, d in out1] == [1, 2, 3, 4],
              'the four complete packets forwarded: %s' % out1)
        tr = c.trace()
        check('pkt 4 ' in tr and 'pkt 5 ' not in tr, 'trace:\n' + tr)
        cnt = open(c.path('counters.txt')).read()
        check(re.search(r'^\[4:\d+\] -A FORWARD -s 10\.0\.1\.0/24 -j ACCEPT$',
                        cnt, re.M), 'counters:\n' + cnt)
    # Cut inside the file header: not a capture at all, an error.
    with open(c.path('hdr.pcap'), 'wb') as f:
        f.write(data[:20])
    p = c.replay(['--setup', c.router(), '--in', 'eth0=hdr.pcap'], rc=1)
    check('hdr.pcap' in p.stderr and 'truncated after' not in p.stderr,
          p.stderr)


def t_empty_input(c):
    setup = c.router()
    c.replay(['--setup', setup, '--in', 'eth0=' + c.pcap('e.pcap', []),
              '--out', 'eth1=out1.pcap', '--trace', 'trace.txt',
              '--save-counters', 'counters.txt'])
    check(c.out('out1.pcap') == [], 'an empty pcap out')
    check(c.trace() == '', 'empty trace')
    check('*filter' in open(c.path('counters.txt')).read(), 'rules saved')


def t_fragmented_ping(c):
    """A ping of 3000 bytes in three fragments, out of order and with a
    duplicate: answered once the last piece is in, the reply fragmented
    to eth0's MTU."""
    data = bytes((i * 7) & 0xff for i in range(3000))
    icmp = P.icmp_echo(ident=5, seq=1, data=data)
    pieces = [(0, 1480, True), (1480, 1480, True), (2960, len(icmp) - 2960,
                                                    False)]

    def piece(off, n, mf):
        return from_a(P.ipv4(A, R0, 1, icmp[off:off + n], ident=0x4242,
                             frag=off, mf=mf))
    order = [2, 0, 0, 1]
    in0 = [(T0 + i * 1000, piece(*pieces[k])) for i, k in enumerate(order)]
    out0, out1, tr = c.std_run(in0)
    check(out1 == [], 'nothing out eth1')
    check(len(out0) == 3, 'a reply in three fragments: %s' % out0)
    got = b''
    for ts, d in out0:
        check(ts == T0 + 3000, 'stamped with the completing piece: %d' % ts)
        check(d['src'] == R0 and d['dst'] == A and d['ip_csum_ok'],
              'reply fragment %s' % d)
    _, frames = P.read_pcap(c.path('out0.pcap'))
    offs = []
    for _, f in frames:
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        fo = (ip[6] << 8) | ip[7]
        offs.append(((fo & 0x1fff) * 8, bool(fo & 0x2000)))
        got += ip[ihl:(ip[2] << 8) | ip[3]]
    check(offs == [(0, True), (1480, True), (2960, False)],
          'fragment offsets %s' % offs)
    check(got[0] == 0 and got[8:] == data and P.csum(got) == 0,
          'the reply carries the request data')
    b = pkt_block(tr, 1)
    has_line(b, '-> stolen by a hook [queued for reassembly]')
    b = pkt_block(tr, 3)
    has_line(b, '-> dropped: DUP_FRAG (duplicate IP fragment)')


def t_fragment_timeout(c):
    """Reassembly runs on packet time: a datagram whose second piece never
    comes gets an ICMP time exceeded (code 1) stamped ipfrag_time after
    its first piece, once a later packet moves the clock past it."""
    icmp = P.icmp_echo(ident=6, seq=1, data=b'x' * 2000)
    first = from_a(P.ipv4(A, R0, 1, icmp[:1480], ident=0x4343, mf=True))
    later = from_a(P.ipv4(A, R0, 1, P.icmp_echo(ident=6, seq=2)))
    out0, out1, tr = c.std_run([(T0, first), (T0 + 29 * SEC, later),
                                (T0 + 31 * SEC, later)])
    check(len(out0) == 3, 'two echo replies and one error: %s' % out0)
    ts, d = out0[1]
    check(ts == T0 + 30 * SEC, 'stamped when the queue expired: %d' % ts)
    check(d['icmp_type'] == 11 and d['icmp_code'] == 1,
          'time exceeded, fragment reassembly: %s' % d)
    check(d['inner'][:2] == b'\x45\x00' and
          d['inner'][4:6] == b'\x43\x43', 'quotes the first piece')
    check(out0[0][1]['icmp_type'] == 0 and out0[2][1]['icmp_type'] == 0,
          'the other two are echo replies')



def t_lb(c):
    """A load-balancing setup replayed: a virtual service on eth0 with
    three real servers behind eth1 (rr, NAT), six client connections in,
    each scheduled in the kernel's order (the last added first), the trace
    naming service, scheduler, server and state; a reply leaves from the
    virtual address; two runs give the same bytes."""
    setup = SETUP.replace('iptables-restore rules.v4\n', '') + (
        'ip addr add 10.0.1.100/32 dev eth0\n'
        'ip neigh add 10.0.2.3 lladdr 02:00:00:00:02:03 dev eth1 nud permanent\n'
        'ip neigh add 10.0.2.4 lladdr 02:00:00:00:02:04 dev eth1 nud permanent\n'
        'ipvsadm -A -t 10.0.1.100:80 -s rr\n'
        'ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.2:8080 -m\n'
        'ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.3:8080 -m\n'
        'ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.4:8080 -m\n')
    c.write('lb.ns', setup)
    ins = [(T0 + i * SEC,
            from_a(P.ipv4(A, '10.0.1.100', 6,
                          P.tcp(A, '10.0.1.100', 40000 + i, 80))))
           for i in range(6)]
    # The first server's SYN+ACK comes back through the balancer.
    reply = P.eth(R1_MAC, '02:00:00:00:02:04', 0x0800,
                  P.ipv4('10.0.2.4', A, 6,
                         P.tcp('10.0.2.4', A, 8080, 40000, flags='SA',
                               seq=5, ack=1001)))
    c.pcap('in0.pcap', ins)
    c.pcap('in1.pcap', [(T0 + 10 * SEC, reply)])
    outs = []
    for run in range(2):
        c.replay(['--setup', 'lb.ns', '--in', 'eth0=in0.pcap',
                  '--in', 'eth1=in1.pcap', '--out', 'eth0=out0-%d.pcap' % run,
                  '--out', 'eth1=out1-%d.pcap' % run, '--trace',
                  'trace-%d.txt' % run, '--after', c.write('after', 'ipvsadm -Ln\n')])
        outs.append((open(c.path('out0-%d.pcap' % run), 'rb').read(),
                     open(c.path('out1-%d.pcap' % run), 'rb').read(),
                     c.trace('trace-%d.txt' % run)))
    check(outs[0] == outs[1], 'two runs differ')
    out1 = c.out('out1-0.pcap')
    dsts = [d['dst'] for ts, d in out1]
    check(dsts == ['10.0.2.4', '10.0.2.3', '10.0.2.2'] * 2,
          'rr order: %s' % dsts)
    check(all(d['dport'] == 8080 for ts, d in out1), 'ports %s' % out1)
    out0 = c.out('out0-0.pcap')
    check(len(out0) == 1 and out0[0][1]['src'] == '10.0.1.100' and
          out0[0][1]['sport'] == 80, 'reply from the VIP: %s' % out0)
    b = pkt_block(outs[0][2], 1)
    has_line(b, 'note: ipvs: service TCP 10.0.1.100:80, scheduler rr: -> '
             '10.0.2.4:8080 Masq; rr: 10.0.2.4:8080 from the list head')
    has_line(b, 'note: ipvs: TCP NONE -> SYN_RECV')
    has_line(b, '-> stolen by a hook [ipvs: sent on to the real server]')

CASES = [(n[2:], f) for n, f in sorted(globals().items())
         if n.startswith('t_') and callable(f)]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write('usage: test_replay.py BUILD_DIR [CASE...]\n')
        return 2
    build = os.path.abspath(argv[1])
    want = set(argv[2:])
    root = tempfile.mkdtemp(prefix='ns-replay-')
    passed = failed = 0
    for name, fn in CASES:
        if want and name not in want:
            continue
        try:
            fn(Case(build, root, name))
            print('ok - %s' % name)
            passed += 1
        except Fail as e:
            print('FAIL - %s: %s' % (name, e))
            failed += 1
        except Exception:
            print('FAIL - %s: %s' % (name, traceback.format_exc()))
            failed += 1
    if failed:
        print('replay: kept %s for inspection' % root)
    else:
        shutil.rmtree(root)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
