#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The kernel's answers for the TCP tracker's unit test (tests/unit/
test_ct_tcp.c): the same crafted segments, sent through a Linux router
namespace that drops what conntrack finds INVALID, with the state, timeout
and ASSURED bit read back with conntrack -L after each segment.  Every step
states what tests/unit/test_ct_tcp.c expects of netsieve; a difference is
printed and makes the script fail.

Usage (root, Debian's python3 with python3-scapy, conntrack,
iptables-legacy):  /usr/bin/python3 tests/kernel/ct_tcp.py [SCENARIO...]

Topology: namespace C (10.0.1.2, no address configured: a silent end) --
R (router: 10.0.1.1 | 10.0.2.1, FORWARD: --ctstate INVALID -j DROP) -- S
(10.0.2.2, silent too).  Frames are written straight onto C's and S's veth
with packet sockets, so neither end's own TCP answers anything.  The
namespaces are named tcpk<pid>-{c,r,s} and deleted at exit.
"""

import ctypes
import os
import re
import socket
import subprocess
import sys
import time

from scapy.all import IP, TCP, Ether, raw  # noqa: E402

PREFIX = "tcpk%d" % os.getpid()
NS = {k: "%s-%s" % (PREFIX, k) for k in "crs"}
MAC = {"c0": "02:00:00:00:01:02", "r0": "02:00:00:00:01:01",
       "r1": "02:00:00:00:02:01", "s0": "02:00:00:00:02:02"}
CLIENT, SERVER = "10.0.1.2", "10.0.2.2"
CISN, SISN = 1000, 5000000

libc = ctypes.CDLL(None, use_errno=True)


def run(ns, *cmd, check=True):
    full = ["ip", "netns", "exec", NS[ns]] + list(cmd) if ns else list(cmd)
    r = subprocess.run(full, capture_output=True, text=True)
    if check and r.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(full), r.stderr))
    return r.stdout


def setns(name):
    fd = os.open(name, os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), "setns")
    finally:
        os.close(fd)


def setup():
    for ns in NS.values():
        run(None, "ip", "netns", "add", ns)
    run(None, "ip", "-n", NS["r"], "link", "add", "r0", "type", "veth",
        "peer", "name", "c0", "netns", NS["c"])
    run(None, "ip", "-n", NS["r"], "link", "add", "r1", "type", "veth",
        "peer", "name", "s0", "netns", NS["s"])
    for ns, dev in (("r", "r0"), ("c", "c0"), ("r", "r1"), ("s", "s0")):
        run(ns, "ip", "link", "set", dev, "address", MAC[dev])
        run(ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev)
        run(ns, "ip", "link", "set", dev, "up")
    run("r", "ip", "addr", "add", "10.0.1.1/24", "dev", "r0")
    run("r", "ip", "addr", "add", "10.0.2.1/24", "dev", "r1")
    run("r", "ip", "neigh", "add", CLIENT, "lladdr", MAC["c0"], "dev", "r0",
        "nud", "permanent")
    run("r", "ip", "neigh", "add", SERVER, "lladdr", MAC["s0"], "dev", "r1",
        "nud", "permanent")
    run("r", "sysctl", "-qw", "net.ipv4.ip_forward=1")
    run("r", "iptables-legacy", "-A", "FORWARD", "-m", "conntrack",
        "--ctstate", "INVALID", "-j", "DROP")
    run("r", "iptables-legacy", "-A", "FORWARD", "-j", "ACCEPT")
    time.sleep(0.2)


def cleanup():
    for ns in NS.values():
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Wire:
    """Packet sockets on c0 and s0, opened inside their namespaces."""

    def __init__(self):
        home = "/proc/self/ns/net"
        homefd = os.open(home, os.O_RDONLY)
        self.sock = {}
        try:
            for side, dev in (("c", "c0"), ("s", "s0")):
                setns("/var/run/netns/" + NS[side])
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind((dev, 0))
                self.sock[side] = s
        finally:
            if libc.setns(homefd, 0x40000000) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
            os.close(homefd)

    def send(self, side, frame):
        self.sock[side].send(frame)


def sysctl(name, val):
    run("r", "sysctl", "-qw", "net.netfilter.nf_conntrack_%s=%d" % (name, val))


def invalid_count():
    out = run("r", "iptables-legacy", "-L", "FORWARD", "-v", "-x", "-n")
    for line in out.splitlines():
        if "ctstate INVALID" in line:
            return int(line.split()[0])
    sys.exit("no INVALID rule")


def entry(cport):
    """(state, timeout, assured) of the entry with client port cport."""
    out = run("r", "conntrack", "-L", "-p", "tcp", check=False)
    for line in out.splitlines():
        if " sport=%d " % cport in line:
            f = line.split()
            return f[3], int(f[2]), "[ASSURED]" in line
    return None


# Options as the unit test's.
WS7 = [("NOP", None), ("WScale", 7)]
SACKPERM = [("NOP", None), ("NOP", None), ("SAckOK", b"")]


def frame(side, cport, flags, seq, ack, win, plen=0, opts=None, doff=None,
          badsum=False):
    if side == "c":
        eth = Ether(src=MAC["c0"], dst=MAC["r0"])
        ip = IP(src=CLIENT, dst=SERVER)
        tcp = TCP(sport=cport, dport=80)
    else:
        eth = Ether(src=MAC["s0"], dst=MAC["r1"])
        ip = IP(src=SERVER, dst=CLIENT)
        tcp = TCP(sport=80, dport=cport)
    tcp.flags = flags
    tcp.seq = seq % (1 << 32)
    tcp.ack = ack % (1 << 32)
    tcp.window = win
    tcp.options = opts or []
    if doff is not None:
        tcp.dataofs = doff
    p = eth / ip / tcp / (bytes(range(256)) * 8)[:plen]
    b = bytearray(raw(p))
    if badsum:
        b[14 + 20 + 16] ^= 0x55
    return bytes(b)


class Case:
    def __init__(self, wire, name, cport):
        self.wire, self.name, self.cport = wire, name, cport
        self.step = 0
        self.bad = 0
        run("r", "conntrack", "-F", check=False)

    def seg(self, side, flags, seq, ack, win, plen=0, opts=None, inv=False,
            st=None, to=None, assured=None, gone=False, **kw):
        """Send one segment; check INVALID or not, then the entry."""
        self.step += 1
        before = invalid_count()
        self.wire.send(side, frame(side, self.cport, flags, seq, ack, win,
                                   plen, opts, **kw))
        time.sleep(0.05)
        got_inv = invalid_count() != before
        e = entry(self.cport)
        what = "%s %s seq=%d ack=%d win=%d len=%d" % (side, flags, seq, ack,
                                                      win, plen)
        errs = []
        if got_inv != inv:
            errs.append("INVALID %s, expected %s" % (got_inv, inv))
        if gone and e is not None:
            errs.append("entry %s, expected none" % (e,))
        if st is not None:
            if e is None:
                errs.append("no entry, expected %s" % st)
            else:
                if e[0] != st:
                    errs.append("state %s, expected %s" % (e[0], st))
                if to is not None and not to - 2 <= e[1] <= to:
                    errs.append("timeout %d, expected %d" % (e[1], to))
                if assured is not None and e[2] != assured:
                    errs.append("assured %s, expected %s" % (e[2], assured))
        if errs:
            self.bad += 1
            print("%s step %d (%s): %s" % (self.name, self.step, what,
                                           "; ".join(errs)))

    def handshake(self):
        self.seg("c", "S", CISN, 0, 1000, st="SYN_SENT", to=120)
        self.seg("s", "SA", SISN, CISN + 1, 1000, st="SYN_RECV", to=60)
        self.seg("c", "A", CISN + 1, SISN + 1, 1000, st="ESTABLISHED",
                 to=432000, assured=True)


def sc_handshake(c):
    c.seg("c", "S", CISN, 0, 1000, st="SYN_SENT", to=120, assured=False)
    time.sleep(2)
    c.seg("c", "S", CISN, 0, 1000, st="SYN_SENT", to=118)
    c.seg("s", "SA", SISN, CISN + 1, 1000, st="SYN_RECV", to=60,
          assured=False)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, st="ESTABLISHED", to=432000,
          assured=True)


def sc_data(c):
    c.handshake()
    c.seg("c", "PA", CISN + 1, SISN + 1, 1000, 100, st="ESTABLISHED", to=300)
    c.seg("s", "A", SISN + 1, CISN + 101, 1000, st="ESTABLISHED", to=432000)
    c.seg("s", "A", SISN + 1, CISN + 101, 1000, 1000, st="ESTABLISHED")
    c.seg("c", "A", CISN + 101, SISN + 1001, 1000, st="ESTABLISHED",
          to=432000)


def sc_window(c):
    c.handshake()
    c.seg("c", "A", CISN + 5000, SISN + 1, 1000, 10, inv=True)
    c.seg("c", "A", CISN + 1, SISN + 500, 1000, inv=True)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, 1010, st="ESTABLISHED")
    c.seg("c", "A", CISN + 1002, SISN + 1, 1000, 10)  # bytes more: passes
    c.seg("c", "A", CISN - 200000, SISN + 1, 1000, 10)  # under: passes
    c.seg("c", "A", CISN + 500, SISN - 70000, 1000)  # old ack: passes


def sc_liberal(c):
    sysctl("tcp_be_liberal", 1)
    c.handshake()
    c.seg("c", "A", CISN + 5000, SISN + 1, 1000, 10)
    sysctl("tcp_be_liberal", 0)
    c.seg("c", "A", CISN + 50000, SISN + 1, 1000, 10, inv=True)


def sc_fin(c):
    c.handshake()
    c.seg("c", "FA", CISN + 1, SISN + 1, 1000, st="FIN_WAIT", to=120)
    c.seg("s", "A", SISN + 1, CISN + 2, 1000, st="CLOSE_WAIT", to=60)
    c.seg("s", "FA", SISN + 1, CISN + 2, 1000, st="LAST_ACK", to=30)
    c.seg("c", "A", CISN + 2, SISN + 2, 1000, st="TIME_WAIT", to=120)
    # reopened: a fresh entry
    c.seg("c", "S", CISN + 100000, 0, 1000, st="SYN_SENT", to=120,
          assured=False)


def sc_fin_both(c):
    c.handshake()
    c.seg("c", "FA", CISN + 1, SISN + 1, 1000, st="FIN_WAIT")
    c.seg("s", "FA", SISN + 1, CISN + 1, 1000, st="LAST_ACK")
    c.seg("c", "A", CISN + 2, SISN + 2, 1000, st="TIME_WAIT")
    c.seg("s", "A", SISN + 2, CISN + 2, 1000, st="TIME_WAIT")


def sc_rst(c):
    c.handshake()
    c.seg("c", "R", CISN + 1, 0, 0, st="CLOSE", to=10)
    c.seg("c", "S", CISN + 7, 0, 1000, st="SYN_SENT", to=120, assured=False)


def sc_rst_window(c):
    c.handshake()
    c.seg("c", "PA", CISN + 1, SISN + 1, 1000, 100)
    c.seg("s", "A", SISN + 1, CISN + 101, 1000)
    c.seg("c", "R", CISN + 50, 0, 0, inv=True, st="ESTABLISHED")
    c.seg("c", "R", CISN + 100000, 0, 0, inv=True, st="ESTABLISHED")
    c.seg("c", "R", CISN + 150, 0, 0, st="ESTABLISHED", to=10)
    sysctl("tcp_ignore_invalid_rst", 1)
    c.seg("c", "R", CISN + 50, 0, 0, st="ESTABLISHED")
    sysctl("tcp_ignore_invalid_rst", 0)
    c.seg("c", "R", CISN + 101, 0, 0, st="CLOSE")


def sc_rst_refused(c):
    c.seg("c", "S", CISN, 0, 1000, st="SYN_SENT")
    c.seg("s", "RA", 0, CISN + 1, 0, gone=True)


def sc_new(c):
    c.seg("c", "SA", CISN, 1, 1000, inv=True, gone=True)
    c.seg("c", "R", CISN, 0, 0, inv=True, gone=True)
    c.seg("c", "FA", CISN, 1, 1000, inv=True, gone=True)
    sysctl("tcp_loose", 0)
    c.seg("c", "A", CISN, SISN, 1000, 10, inv=True, gone=True)
    sysctl("tcp_loose", 1)


def sc_loose(c):
    c.seg("c", "PA", CISN, SISN, 1000, 10, st="ESTABLISHED", to=300,
          assured=False)
    c.seg("s", "A", SISN, CISN + 10, 1000, st="ESTABLISHED", assured=False)
    c.seg("c", "A", CISN + 10, SISN, 1000, st="ESTABLISHED", to=432000,
          assured=True)
    c.seg("c", "A", CISN + 9000000, SISN, 1000)


def sc_wscale(c):
    c.seg("c", "S", CISN, 0, 1000, opts=WS7)
    c.seg("s", "SA", SISN, CISN + 1, 1000, opts=WS7)
    c.seg("s", "A", SISN + 1, CISN + 1, 1000)
    c.seg("c", "A", CISN + 1 + 100000, SISN + 1, 1000, st="ESTABLISHED")
    c2 = Case(c.wire, c.name + "-one-sided", c.cport + 1)
    c2.seg("c", "S", CISN, 0, 1000, opts=WS7)
    c2.seg("s", "SA", SISN, CISN + 1, 1000)
    c2.seg("s", "A", SISN + 1, CISN + 1, 1000)
    c2.seg("c", "A", CISN + 1 + 100000, SISN + 1, 1000, inv=True)
    c.bad += c2.bad


def sc_sack(c):
    c.seg("c", "S", CISN, 0, 1000, opts=WS7 + SACKPERM)
    c.seg("s", "SA", SISN, CISN + 1, 1000, opts=SACKPERM)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000)
    c.seg("s", "A", SISN + 1, CISN + 1, 1000, 200)
    sack = [("NOP", None), ("NOP", None), ("SAck", (SISN + 101, SISN + 201))]
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, opts=sack)
    sack = [("NOP", None), ("NOP", None), ("SAck", (SISN + 101, SISN + 301))]
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, opts=sack, inv=True)


def sc_retrans(c):
    c.handshake()
    for _ in range(3):
        c.seg("s", "A", SISN + 1, CISN + 1, 1000, st="ESTABLISHED",
              to=432000)
    c.seg("s", "A", SISN + 1, CISN + 1, 1000, st="ESTABLISHED", to=300)
    c.seg("s", "A", SISN + 1, CISN + 1, 999, st="ESTABLISHED", to=432000)


def sc_zero_window(c):
    c.handshake()
    c.seg("s", "A", SISN + 1, CISN + 1, 0, st="ESTABLISHED", to=300)


def sc_simultaneous(c):
    c.seg("c", "S", CISN, 0, 1000, st="SYN_SENT")
    c.seg("s", "S", SISN, 0, 1000, st="SYN_SENT2", to=120)
    c.seg("c", "SA", CISN, SISN + 1, 1000, st="SYN_RECV")
    c.seg("s", "SA", SISN, CISN + 1, 1000, st="SYN_RECV")
    c.seg("s", "A", SISN + 1, CISN + 1, 1000, st="ESTABLISHED", to=432000,
          assured=True)


def sc_invalid_state(c):
    c.seg("c", "S", CISN, 0, 1000, st="SYN_SENT")
    c.seg("c", "A", CISN + 1, 1, 1000, inv=True, st="SYN_SENT")
    c.seg("s", "A", SISN, CISN + 1, 1000, st="SYN_SENT")


def sc_resync(c):
    c.handshake()
    c.seg("c", "S", 77777, 0, 2000, opts=WS7, st="ESTABLISHED")
    c.seg("s", "SA", 999, 77778, 3000, opts=WS7, st="SYN_RECV")
    c.seg("c", "A", 77778, 1000, 2000, st="ESTABLISHED")


def sc_challenge(c):
    c.handshake()
    c.seg("s", "FA", SISN + 1, CISN + 1, 1000)
    c.seg("c", "FA", CISN + 1, SISN + 2, 1000, st="LAST_ACK")
    c.seg("c", "S", 123456, 0, 1000, st="LAST_ACK")
    c.seg("s", "A", SISN + 2, CISN + 2, 1000, st="LAST_ACK")


def sc_close_resync(c):
    c.handshake()
    c.seg("s", "R", SISN + 1, 0, 0, st="CLOSE", to=10)
    c.seg("c", "S", 90000, 0, 1000, st="CLOSE", to=10)
    c.seg("s", "SA", 777, 90001, 1000, st="SYN_RECV", to=60)
    c.seg("c", "A", 90001, 778, 1000, st="ESTABLISHED", to=432000)


def sc_lowered(c):
    c.handshake()
    c.seg("c", "FA", CISN + 100000, SISN + 1, 1000, inv=True,
          st="ESTABLISHED", to=432000)
    c.seg("s", "R", SISN + 100000, 0, 0, inv=True, st="ESTABLISHED", to=300)


def sc_reject(c):
    # REJECT --reject-with tcp-reset moves the entry to CLOSE (10 s)
    rule = ["-p", "tcp", "-m", "length", "--length", "77", "-j", "REJECT",
            "--reject-with", "tcp-reset"]
    run("r", "iptables-legacy", "-I", "FORWARD", "1", *rule)
    try:
        c.handshake()
        c.seg("c", "PA", CISN + 1, SISN + 1, 1000, 37, st="CLOSE", to=10)
    finally:
        run("r", "iptables-legacy", "-D", "FORWARD", *rule)


def sc_events(c):
    # conntrack -E: what test_stack_events expects
    want = ["NEW SYN_SENT -", "UPDATE SYN_RECV -",
            "UPDATE ESTABLISHED A", "UPDATE FIN_WAIT A",
            "UPDATE CLOSE_WAIT A", "UPDATE LAST_ACK A",
            "UPDATE TIME_WAIT A", "DESTROY TIME_WAIT A", "NEW SYN_SENT -"]
    p = subprocess.Popen(["ip", "netns", "exec", NS["r"], "conntrack", "-E",
                          "-p", "tcp"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    time.sleep(0.5)
    c.handshake()
    c.seg("c", "PA", CISN + 1, SISN + 1, 1000, 100)
    c.seg("s", "A", SISN + 1, CISN + 101, 1000)
    c.seg("c", "FA", CISN + 101, SISN + 1, 1000)
    c.seg("s", "A", SISN + 1, CISN + 102, 1000)
    c.seg("s", "FA", SISN + 1, CISN + 102, 1000)
    c.seg("c", "A", CISN + 102, SISN + 2, 1000)
    c.seg("c", "S", CISN + 99999, 0, 1000)
    time.sleep(0.5)
    p.terminate()
    got = []
    for line in p.communicate()[0].splitlines():
        f = line.split()
        if f and f[0].startswith("["):
            got.append("%s %s %s" % (f[0].strip("[]"), f[4],
                                     "A" if "[ASSURED]" in line else "-"))
    if got != want:
        c.bad += 1
        print("events: got %s" % got)


def sc_errors(c):
    c.handshake()
    c.seg("c", "SF", CISN + 1, 0, 1000, inv=True)
    c.seg("c", "", CISN + 1, 0, 1000, inv=True)
    c.seg("c", "AUPEC", CISN + 1, SISN + 1, 1000)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, inv=True, doff=4)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, 4, inv=True, doff=15)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, inv=True, badsum=True)
    c.seg("c", "A", CISN + 1, SISN + 1, 1000, st="ESTABLISHED")


SCENARIOS = [
    ("handshake", sc_handshake), ("data", sc_data), ("window", sc_window),
    ("liberal", sc_liberal), ("fin", sc_fin), ("fin-both", sc_fin_both),
    ("rst", sc_rst), ("rst-window", sc_rst_window),
    ("rst-refused", sc_rst_refused), ("new", sc_new), ("loose", sc_loose),
    ("wscale", sc_wscale), ("sack", sc_sack), ("retrans", sc_retrans),
    ("zero-window", sc_zero_window), ("simultaneous", sc_simultaneous),
    ("invalid-state", sc_invalid_state), ("resync", sc_resync),
    ("challenge", sc_challenge), ("close-resync", sc_close_resync),
    ("lowered", sc_lowered), ("reject", sc_reject), ("events", sc_events),
    ("errors", sc_errors),
]


def main():
    if os.geteuid():
        sys.exit("ct_tcp: needs root (network namespaces)")
    want = set(sys.argv[1:])
    setup()
    try:
        wire = Wire()
        bad = 0
        for i, (name, fn) in enumerate(SCENARIOS):
            if want and name not in want:
                continue
            c = Case(wire, name, 40000 + 10 * i)
            fn(c)
            print("%-14s %s" % (name, "ok" if not c.bad else "DIFFERS"))
            bad += bool(c.bad)
    finally:
        cleanup()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
