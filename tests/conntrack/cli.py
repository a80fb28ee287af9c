#!/usr/bin/env python3
"""conntrack's command line against Debian's conntrack 1.4.7.

Reads ref/errors.txt (written by capture-errors.sh: each command of
errors.cmds with its stdout, stderr and exit code, run in a fresh network
namespace with nothing tracked) and runs every command through
`netsieve shell` (a fresh in-process stack each time, nothing tracked
either), comparing the three byte for byte. Commands listed in
known-differences (one per line, '#' comments) must differ; the reason is
written beside them there.

Usage: cli.py NETSIEVE [-v]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(path):
    cases, cur, part = [], None, None
    for line in open(path, encoding='utf-8').read().split('\n'):
        if line.startswith('$ '):
            cur = {'cmd': line[2:], 'out': [], 'err': [], 'rc': None}
            cases.append(cur)
            part = 'out'
        elif line == '--- stderr' and cur is not None:
            part = 'err'
        elif line.startswith('--- rc ') and cur is not None:
            cur['rc'] = int(line[7:])
            part = None
        elif part:
            cur[part].append(line)
    for c in cases:
        c['out'] = ''.join(l + '\n' for l in c['out'])
        c['err'] = ''.join(l + '\n' for l in c['err'])
    return cases


def known():
    k = set()
    p = os.path.join(HERE, 'known-differences')
    for line in open(p, encoding='utf-8'):
        line = line.split('#', 1)[0].strip()
        if line:
            k.add(line)
    return k


def run(netsieve, cmd):
    p = subprocess.run([netsieve, 'shell', '-x'], input=cmd + '\n',
                       capture_output=True, text=True, timeout=20)
    out = p.stdout
    tail = out.rfind('# rc=')
    rc = int(out[tail + 5:].strip())
    return out[:tail], p.stderr, rc


def main():
    netsieve = sys.argv[1]
    verbose = '-v' in sys.argv
    kd = known()
    npass = nfail = 0
    for c in parse(os.path.join(HERE, 'ref', 'errors.txt')):
        out, err, rc = run(netsieve, c['cmd'])
        same = (out, err, rc) == (c['out'], c['err'], c['rc'])
        expected_diff = c['cmd'] in kd
        if same != expected_diff:
            npass += 1
            if verbose:
                print('ok  ', c['cmd'])
            continue
        nfail += 1
        print('FAIL', c['cmd'],
              '(listed as a known difference but same)' if same else '')
        if not same:
            print('  want rc=%d out=%r err=%r' % (c['rc'], c['out'],
                                                  c['err']))
            print('  got  rc=%d out=%r err=%r' % (rc, out, err))
    print('conntrack-cli: %d passed, %d failed' % (npass, nfail))
    return 1 if nfail else 0


if __name__ == '__main__':
    sys.exit(main())
