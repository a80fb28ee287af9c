# SPDX-License-Identifier: MIT
"""The kernel side: run a case through Linux in network namespaces.

One "router" namespace holds one veth per case interface (same name, MAC,
address, routes, sysctls, static neighbours, iptables-legacy rules); the
other ends of all veths live in one "world" namespace with no IP
configuration at all, so the world never answers anything.  Frames are
injected and captured there with AF_PACKET sockets; after the last packet
the counters are read with iptables-legacy-save -c.  Namespaces are named
PREFIX-NNr / PREFIX-NNw and always deleted, also on errors.
"""

import ctypes
import errno
import fcntl
import re
import os
import select
import socket
import subprocess
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
KMSG_LOCK = ("/run/lock" if os.path.isdir("/run/lock") else "/tmp") + \
    "/netsieve-tests-kernel-kmsg.lock"
FINAL_SETTLE = 0.15       # seconds of silence awaited after the last packet

_libc = ctypes.CDLL(None, use_errno=True)


class KernelError(Exception):
    pass


class Result:
    """What a run produced: frames out of each interface, counters."""

    def __init__(self):
        self.frames = {}      # iface -> [(packet index, bytes)]
        self.counters = ""    # iptables-save -c text after the packets
        self.rules0 = None    # iptables-save -c text before the packets
        self.log = []         # free-form notes
        self.times = []       # per packet: seconds since the first send
        self.loglines = None  # LOG/TRACE lines (None: not collected)
        self.conntrack = None  # `conntrack -L` after the packets, if asked


def sh(args, input=None, check=True):
    p = subprocess.run(args, input=input, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise KernelError("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                               p.stderr.strip()))
    return p


def _setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise KernelError("setns %s: %s" % (path, os.strerror(e)))
    finally:
        os.close(fd)


class Namespaces:
    """The router and world namespaces of one case run."""

    def __init__(self, prefix, idx):
        self.r = "%s-%dr" % (prefix, idx)
        self.w = "%s-%dw" % (prefix, idx)
        self.created = []

    def __enter__(self):
        for ns in (self.r, self.w):
            sh(["ip", "netns", "add", ns])
            self.created.append(ns)
        return self

    def __exit__(self, *exc):
        for ns in self.created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.created = []
        return False


def _ip_batch(ns, cmds):
    if not cmds:
        return
    p = subprocess.run(["ip", "-n", ns, "-batch", "-"],
                       input="\n".join(cmds) + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise KernelError("ip -n %s -batch: %s\n  commands:\n    %s"
                          % (ns, p.stderr.strip(), "\n    ".join(cmds)))


def _sysctl(ns, kvs):
    if not kvs:
        return
    args = ["ip", "netns", "exec", ns, "sysctl", "-q", "-w"]
    args += ["%s=%s" % kv for kv in kvs]
    sh(args)


def harness_sysctls(case):
    """Sysctls the harness sets before the case's own, on both sides:
    no ICMP rate limit (the case may set one)."""
    return [("net.ipv4.icmp_ratelimit", "0")]


def kernel_only_sysctls(case):
    """Kernel settings netsieve has no knob for, set to what netsieve does
    (Linux's built-in defaults): no reverse-path filter, redirects sent,
    no local source addresses accepted, source-routed packets refused.  A new namespace inherits these from
    the host's init namespace, so they are set explicitly."""
    kv = []
    for scope in ["all", "default"] + [i.name for i in case.ifaces]:
        kv.append(("net.ipv4.conf.%s.rp_filter" % scope, "0"))
        kv.append(("net.ipv4.conf.%s.send_redirects" % scope, "1"))
        kv.append(("net.ipv4.conf.%s.accept_local" % scope, "0"))
        kv.append(("net.ipv4.conf.%s.accept_source_route" % scope, "0"))
    return kv


def setup(ns, case):
    """Build the topology of case in ns (a Namespaces). Returns the map
    router iface -> world-side interface name."""
    off6 = [("net.ipv6.conf.all.disable_ipv6", "1"),
            ("net.ipv6.conf.default.disable_ipv6", "1")]
    _sysctl(ns.r, off6)
    _sysctl(ns.w, off6)
    wname = {}
    rcmds = ["link set lo up"]
    wcmds = []
    for n, ifc in enumerate(case.ifaces):
        wn = "pe%d" % n
        wname[ifc.name] = wn
        rcmds.append("link add %s address %s type veth peer name %s "
                     "netns %s address %s"
                     % (ifc.name, ifc.mac, wn, ns.w, ifc.peer_mac))
    _ip_batch(ns.r, rcmds)
    _sysctl(ns.r, kernel_only_sysctls(case) + harness_sysctls(case)
            + case.sysctls)
    rcmds = []
    for ifc in case.ifaces:
        for addr, plen in ifc.addrs:
            rcmds.append("addr add %s/%d dev %s" % (addr, plen, ifc.name))
        if ifc.mtu:
            rcmds.append("link set %s mtu %d" % (ifc.name, ifc.mtu))
        rcmds.append("link set %s up" % ifc.name)
        wcmds.append("link set %s up" % wname[ifc.name])
    for ifc in case.ifaces:
        for ip, mac in ifc.peers:
            rcmds.append("neigh replace %s lladdr %s dev %s nud permanent"
                         % (ip, mac, ifc.name))
    for r in case.routes:
        rcmds.append("route add %s" % r)
    _ip_batch(ns.w, wcmds)
    _ip_batch(ns.r, rcmds)
    if case.rules is not None:
        p = subprocess.run(["ip", "netns", "exec", ns.r,
                            "iptables-legacy-restore"], input=case.rules,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise KernelError("iptables-legacy-restore failed: %s"
                              % p.stderr.strip())
    return wname


def open_sockets(ns, wname):
    """AF_PACKET sockets on each world-side interface, created inside the
    world namespace (the process returns to its own namespace after)."""
    self_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    socks = {}
    try:
        _setns("/run/netns/" + ns.w)
        try:
            for ifname, wn in wname.items():
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(ETH_P_ALL))
                s.bind((wn, ETH_P_ALL))
                s.setblocking(False)
                socks[ifname] = s
        finally:
            if _libc.setns(self_fd, CLONE_NEWNET) != 0:
                raise KernelError("setns back: %s"
                                  % os.strerror(ctypes.get_errno()))
    except Exception:
        for s in socks.values():
            s.close()
        raise
    finally:
        os.close(self_fd)
    return socks


def _drain(socks, res, idx, settle):
    """Collect frames until none arrived for settle seconds."""
    bysock = {s.fileno(): (name, s) for name, s in socks.items()}
    deadline = time.monotonic() + settle
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select(list(bysock), [], [], left)
        for fd in r:
            name, s = bysock[fd]
            while True:
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                if len(data) >= 14 and data[12:14] == b"\x86\xdd":
                    res.log.append("ignored IPv6 frame on %s" % name)
                    continue
                if idx is None:
                    res.log.append("ignored frame on %s before the first "
                                   "packet" % name)
                    continue
                res.frames[name].append((idx, data))
            deadline = time.monotonic() + settle


LOGGING_RE = re.compile(r"-j\s+(LOG|TRACE)\b")
LOGLINE_RE = re.compile(r"(?:^|\s)IN=(\S*) OUT=(\S*) ")


CLOCK_MONOTONIC_COARSE = 6


def tick_clock():
    """The monotonic clock as of the last timer tick (CLOCK_MONOTONIC_COARSE):
    differences are whole jiffies, as the kernel's rate limits (limit,
    ip_error, ICMP) see them, so replay's clock advances in the same steps.
    Falls back to the fine clock."""
    try:
        return time.clock_gettime(CLOCK_MONOTONIC_COARSE)
    except OSError:
        return time.monotonic()


def log_available():
    """LOG lines from a namespace reach the kernel log only with the
    host-wide nf_log_all_netns = 1, which this harness never sets."""
    try:
        with open("/proc/sys/net/netfilter/nf_log_all_netns") as f:
            return f.read().strip() == "1" and os.access("/dev/kmsg",
                                                          os.R_OK)
    except OSError:
        return False


class KmsgReader:
    """New kernel log records since open, keeping only packet log lines
    (LOG and TRACE) that name this case's interfaces and addresses, since
    other namespaces on the machine may log at the same time."""

    def __init__(self, case):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.ifnames = {i.name for i in case.ifaces} | {"", "lo"}
        addrs = set()
        for i in case.ifaces:
            addrs |= {a for a, _ in i.addrs} | {ip for ip, _ in i.peers}
        for p in case.packets:
            for m in re.finditer(r"\d+\.\d+\.\d+\.\d+", p.text):
                addrs.add(m.group(0))
        self.addrs = addrs

    def read(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                return out
            except BrokenPipeError:      # overwritten records: skip on
                continue
            text = rec.decode("utf-8", "replace").split(";", 1)[-1]
            text = text.split("\n", 1)[0]
            m = LOGLINE_RE.search(text)
            if not m or m.group(1) not in self.ifnames or \
                    m.group(2) not in self.ifnames:
                continue
            src = re.search(r" SRC=(\S+) DST=(\S+) ", text)
            if not src or not {src.group(1), src.group(2)} & self.addrs:
                continue
            out.append(text)

    def close(self):
        os.close(self.fd)


def run(case, prefix, idx, settle_ms=40):
    """Run case through the kernel; returns a Result."""
    res = Result()
    settle = case.opt("settle_ms", settle_ms) / 1000.0
    lockf = None
    if case.rules and LOGGING_RE.search(case.rules):
        # Any run of a case that logs puts lines in the one kernel log a
        # log = 1 case reads (other runs of these cases log the same
        # addresses): such runs take turns, machine-wide.
        lockf = open(KMSG_LOCK, "a")
        fcntl.flock(lockf, fcntl.LOCK_EX)
    try:
        return _run(case, prefix, idx, settle, res)
    finally:
        if lockf:
            lockf.close()


def _run(case, prefix, idx, settle, res):
    with Namespaces(prefix, idx) as ns:
        wname = setup(ns, case)
        res.rules0 = sh(["ip", "netns", "exec", ns.r,
                         "iptables-legacy-save", "-c"]).stdout
        socks = open_sockets(ns, wname)
        kmsg = None
        try:
            for ifc in case.ifaces:
                res.frames[ifc.name] = []
            _drain(socks, res, None, 0.02)
            if case.opt("log", 0) and log_available():
                kmsg = KmsgReader(case)
                res.loglines = []
            t0 = None
            for i, p in enumerate(case.packets):
                now = tick_clock()
                if t0 is None:
                    t0 = now
                t = now - t0
                if res.times and t <= res.times[-1]:
                    # Same tick: keep the case's order for replay.
                    t = res.times[-1] + 1e-6
                res.times.append(t)
                if p.reply is not None:
                    # Answer what the kernel sent for packet n out of
                    # this interface (its frames so far, in order).
                    outs = [f for j, f in res.frames[p.iface]
                            if j == p.reply.n]
                    p.frame = (p.reply.build(outs[p.reply.k],
                                             case.iface(p.iface))
                               if len(outs) > p.reply.k else None)
                    if p.frame is None:
                        res.log.append("packet %d: nothing to reply to"
                                       % i)
                        continue
                try:
                    socks[p.iface].send(p.frame)
                except OSError as e:
                    if e.errno == errno.ENOBUFS:
                        # veth refused it: larger than the router
                        # interface's MTU (is_skb_forwardable()).
                        res.log.append("packet %d dropped by the veth "
                                       "(ENOBUFS)" % i)
                        _drain(socks, res, i, settle)
                        if kmsg:
                            res.loglines += [(i, l) for l in kmsg.read()]
                        continue
                    raise KernelError("packet %d (line %d): send: %s"
                                      % (i, p.lineno, e))
                _drain(socks, res, i, settle)
                if kmsg:
                    res.loglines += [(i, l) for l in kmsg.read()]
            # Stragglers (a loaded machine): a longer wait after the last.
            if case.packets:
                _drain(socks, res, len(case.packets) - 1, FINAL_SETTLE)
                if kmsg:
                    res.loglines += [(len(case.packets) - 1, l)
                                     for l in kmsg.read()]
        finally:
            if kmsg:
                kmsg.close()
            for s in socks.values():
                s.close()
        res.counters = sh(["ip", "netns", "exec", ns.r,
                           "iptables-legacy-save", "-c"]).stdout
        if case.opt("conntrack", 0):
            # The kernel's table, as Debian's conntrack lists it; no
            # entries at all (no module) prints nothing either.
            res.conntrack = sh(["ip", "netns", "exec", ns.r, "conntrack",
                                "-L"], check=False).stdout
    return res
