# SPDX-License-Identifier: MIT
"""Random iptables command sequences for the differential CLI suite.

generate(seed, count) returns about `count` commands as
[(command, heredoc_or_None, block_number)]. A block adds one rule (valid or
not) built from the matches and targets netsieve supports, then looks at it
(-C, -S, -L, iptables-save), deletes it by specification and lists the
chain again, so a difference stays inside its block. Arguments are drawn
from valid values, edge values and invalid ones. Deterministic for a seed.
"""
import random

TABLES = {
    "filter": ["INPUT", "FORWARD", "OUTPUT"],
    "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
    "raw": ["PREROUTING", "OUTPUT"],
    "security": ["INPUT", "FORWARD", "OUTPUT"],
}
USER = "u1"


def pick(r, *choices):
    return r.choice(choices)


def num(r, lo, hi, bad=0.15):
    """A number in [lo, hi] in some spelling, or an invalid one."""
    if r.random() < bad:
        return pick(r, str(hi + 1), "-1", "x", "", "1x", str(2 ** 32),
                    "0x", " 3", "+3")
    v = pick(r, lo, hi, r.randint(lo, hi))
    return pick(r, str(v), str(v), hex(v), "0%o" % v if v else "0")


def maybe_not(r, p=0.25):
    return "! " if r.random() < p else ""


def addr(r):
    a = ".".join(str(r.randint(0, 255)) for _ in range(4))
    return pick(r, a, a + "/" + str(r.randint(0, 32)), "10.0.0.0/8",
                "192.168.1.1/24", "10.1", "10.1/16", "0/0", "1.2.3.4/32",
                "10.0.0.0/255.255.0.0", "10.0.0.0/255.0.255.0",
                "300.1.1.1", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4,5.6.7.8",
                "::1", "0x0a000001", "1.2.3.4/-1")


def iface(r):
    return pick(r, "eth0", "eth+", "lo", "veth1", "a" * 15, "a" * 16, "+",
                "eth 0", "ab/c", "x+y", "")


def port(r, names=True):
    choices = [str(r.randint(0, 65535)), "0", "65535", "65536", "1:1023",
               "1024:", ":1023", ":", "80:22", "0x50", "-1", "22,80", "x"]
    if names:
        choices += ["ssh", "http", "domain", "nosuchservice"]
    return r.choice(choices)


def m_tcp(r):
    o = []
    for _ in range(r.randint(1, 2)):
        k = r.randint(0, 5)
        if k == 0:
            o.append(maybe_not(r) + pick(r, "--sport", "--source-port") +
                     " " + port(r))
        elif k == 1:
            o.append(maybe_not(r) + pick(r, "--dport", "--destination-port")
                     + " " + port(r))
        elif k == 2:
            fl = ["SYN", "ACK", "FIN", "RST", "URG", "PSH", "ALL", "NONE",
                  "syn", "BOGUS"]
            o.append(maybe_not(r) + "--tcp-flags " +
                     ",".join(r.sample(fl, r.randint(1, 3))) + " " +
                     ",".join(r.sample(fl, r.randint(1, 2))))
        elif k == 3:
            o.append(maybe_not(r) + "--syn")
        elif k == 4:
            o.append(maybe_not(r) + "--tcp-option " + num(r, 1, 255))
        else:
            o.append(pick(r, "--bogus-tcp 1", "--tcp-flags SYN"))
    return "tcp", o


def m_udp(r):
    o = [maybe_not(r) + pick(r, "--sport", "--dport", "--source-port",
                             "--destination-port") + " " + port(r)]
    if r.random() < 0.3:
        o.append(maybe_not(r) + "--dport " + port(r))
    return "udp", o


def m_icmp(r):
    t = pick(r, "any", "echo-request", "echo-reply", "8", "3/1", "3/1:3",
             "destination-unreachable", "host-unreachable", "port-unr",
             "ECHO-REQUEST", "255", "256", "3/256", "time-exceeded",
             "nosuchtype", "", "11/0", "redirect", "ttl-zero-during-transit")
    return "icmp", [maybe_not(r) + "--icmp-type " + t]


def m_multiport(r):
    ps = ",".join(port(r, names=r.random() < 0.3)
                  for _ in range(r.randint(1, pick(r, 3, 16))))
    return "multiport", [maybe_not(r) + pick(r, "--sports", "--dports",
                                             "--ports", "--source-ports",
                                             "--destination-ports") +
                         " " + ps]


def m_iprange(r):
    def rng():
        a = pick(r, "10.0.0.1", "10.0.0.9", "10.1", "300.0.0.1", "1.2.3.4")
        return pick(r, a, a + "-10.0.0.5", a + "-", "10.0.0.1-10.0.0.1")
    o = []
    for opt in ("--src-range", "--dst-range"):
        if r.random() < 0.6:
            o.append(maybe_not(r) + opt + " " + rng())
    return "iprange", o


def m_mark(r):
    v = pick(r, num(r, 0, 2 ** 32 - 1), "0x10/0xf0", "1/0", "0xffffffff",
             "1/", "/1", "0x100000000")
    return "mark", [maybe_not(r) + "--mark " + v]


def m_comment(r):
    t = pick(r, "hello", "'two words'", "'a\"b'", "x" * 300, "''",
             "'it''s'", "tab\\\\x", "-x")
    return "comment", ["--comment " + t]


def m_length(r):
    v = pick(r, num(r, 0, 65535), "10:100", ":100", "100:", "100:10",
             "65536", "1:2:3")
    return "length", [maybe_not(r) + "--length " + v]


def m_ttl(r):
    o = [maybe_not(r, 0.2) + pick(r, "--ttl-eq", "--ttl-lt", "--ttl-gt",
                                  "--ttl") + " " + num(r, 0, 255)]
    if r.random() < 0.15:
        o.append(pick(r, "--ttl-lt", "--ttl-gt", "--ttl-eq") + " 3")
    return "ttl", o


def m_tos(r):
    v = pick(r, num(r, 0, 255), "0x10/0x3f", "16/255", "Minimize-Delay",
             "minimize-cost", "Normal-Service", "Maximize-Throughput",
             "Maximize-Reliability", "bogus", "0x10x", "256", "0x10/0x100")
    return "tos", [maybe_not(r) + "--tos " + v]


def m_dscp(r):
    if r.random() < 0.5:
        return "dscp", [maybe_not(r) + "--dscp " + num(r, 0, 63)]
    c = pick(r, "EF", "ef", "AF11", "AF43", "CS0", "CS7", "BE", "LE",
             "AF44", "EFxyz", "cs8", "")
    o = [maybe_not(r) + "--dscp-class " + c]
    if r.random() < 0.1:
        o.append("--dscp 1")
    return "dscp", o


def m_mac(r):
    v = pick(r, "00:11:22:33:44:55", "AA:BB:CC:DD:EE:FF", "42::02:03:04:05",
             "00:11:22:33:44", "00:11:22:33:44:55:66", "zz:11:22:33:44:55",
             "0:1:2:3:4:5", "001:1:2:3:4:5")
    return "mac", [maybe_not(r) + "--mac-source " + v]


def m_pkttype(r):
    v = pick(r, "unicast", "broadcast", "multicast", "otherhost", "host",
             "bcast", "mcast", "UNICAST", "outgoing", "loopback", "bogus")
    return "pkttype", [maybe_not(r) + "--pkt-type " + v]


def m_addrtype(r):
    types = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST",
             "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW",
             "NAT", "XRESOLVE", "local", "U", "loc", "BOGUS"]
    o = []
    if r.random() < 0.7:
        o.append(maybe_not(r) + "--src-type " +
                 ",".join(r.sample(types, r.randint(1, 3))))
    if r.random() < 0.6:
        o.append(maybe_not(r) + "--dst-type " +
                 ",".join(r.sample(types, r.randint(1, 2))))
    if r.random() < 0.3:
        o.append(pick(r, "--limit-iface-in", "--limit-iface-out"))
    return "addrtype", o


def m_limit(r):
    o = []
    if r.random() < 0.8:
        o.append("--limit " + pick(r, "3/hour", "1/sec", "10/s", "5/minute",
                                   "1/day", "2/d", "60/min", "1001/sec",
                                   "0/sec", "x/sec", "1/fortnight", "7",
                                   "1/", "4294967295/sec", "10/SECOND"))
    if r.random() < 0.5:
        o.append("--limit-burst " + num(r, 0, 10000))
    return "limit", o


def m_statistic(r):
    o = []
    mode = pick(r, "random", "nth", "nth", "bogus", None)
    if mode:
        o.append("--mode " + mode)
    if mode == "random" or r.random() < 0.15:
        o.append(maybe_not(r) + "--probability " +
                 pick(r, "0.5", "0", "1", "0.1", "1.5", "-0.1", "x",
                      "0.333333"))
    if mode == "nth" or r.random() < 0.15:
        if r.random() < 0.9:
            o.append(maybe_not(r) + "--every " + num(r, 1, 10))
        if r.random() < 0.7:
            o.append("--packet " + num(r, 0, 10))
    return "statistic", o


MATCHES = [m_tcp, m_udp, m_icmp, m_multiport, m_iprange, m_mark, m_comment,
           m_length, m_ttl, m_tos, m_dscp, m_mac, m_pkttype, m_addrtype,
           m_limit, m_statistic]


def target(r):
    k = r.randint(0, 14)
    if k <= 2:
        return "-j " + pick(r, "ACCEPT", "DROP", "RETURN")
    if k == 3:
        return pick(r, "-j " + USER, "-g " + USER, "-j NOSUCH", "-j accept")
    if k == 4:
        o = ["-j LOG"]
        if r.random() < 0.6:
            o.append("--log-level " + pick(r, num(r, 0, 7), "emerg", "info",
                                           "debug", "warning", "err",
                                           "warn", "bogus"))
        if r.random() < 0.6:
            o.append("--log-prefix " + pick(r, "x", "'a b'", "''", "y" * 40,
                                            "'q\"uote'"))
        for f in ("--log-tcp-sequence", "--log-tcp-options",
                  "--log-ip-options", "--log-uid", "--log-macdecode"):
            if r.random() < 0.2:
                o.append(f)
        return " ".join(o)
    if k == 5:
        o = "-j REJECT"
        if r.random() < 0.7:
            o += " --reject-with " + pick(
                r, "icmp-net-unreachable", "icmp-host-unreachable",
                "icmp-port-unreachable", "icmp-proto-unreachable",
                "icmp-net-prohibited", "icmp-host-prohibited",
                "icmp-admin-prohibited", "tcp-reset", "tcp-rst", "tcp",
                "icmp", "echo-reply", "bogus", "port-unreach")
        return o
    if k == 6:
        o = ["-j MARK"]
        for _ in range(r.randint(0, 2)):
            o.append(pick(r, "--set-xmark", "--set-mark", "--and-mark",
                          "--or-mark", "--xor-mark") + " " +
                     pick(r, num(r, 0, 2 ** 32 - 1), "0x10/0xff", "1/",
                          "bogus"))
        return " ".join(o)
    if k == 7:
        o = ["-j TOS"]
        for _ in range(r.randint(0, 2)):
            o.append(pick(r, "--set-tos", "--and-tos", "--or-tos",
                          "--xor-tos") + " " +
                     pick(r, num(r, 0, 255), "0x10/0x3f", "Minimize-Delay",
                          "normal-service", "bogus", "0x100"))
        return " ".join(o)
    if k == 8:
        o = ["-j TTL"]
        for _ in range(r.randint(0, 2)):
            o.append(pick(r, "--ttl-set", "--ttl-dec", "--ttl-inc") + " " +
                     num(r, 0, 255))
        return " ".join(o)
    if k == 9:
        o = ["-j DSCP"]
        for _ in range(r.randint(0, 2)):
            if r.random() < 0.5:
                o.append("--set-dscp " + num(r, 0, 63))
            else:
                o.append("--set-dscp-class " +
                         pick(r, "EF", "af11", "CS7", "EFX", "bogus", "LE"))
        return " ".join(o)
    if k == 10:
        return pick(r, "-j TRACE", "-j TRACE --bogus")
    if k == 11:
        return pick(r, "-j", "-g", "-j ACCEPT -j DROP", "-g ACCEPT",
                    "-j RETURN", "-j '' ")
    return ""


def rule(r, table, matches=None):
    parts = []
    proto = None
    if r.random() < 0.6:
        proto = pick(r, "tcp", "udp", "icmp", "all", "6", "17", "1", "TCP",
                     "0", "gre", "255", "256", "bogus", "udplite", "sctp")
        parts.append(maybe_not(r, 0.1) + "-p " + proto)
    if r.random() < 0.3:
        parts.append(maybe_not(r) + pick(r, "-s", "--source", "--src") +
                     " " + addr(r))
    if r.random() < 0.3:
        parts.append(maybe_not(r) + pick(r, "-d", "--destination", "--dst")
                     + " " + addr(r))
    if r.random() < 0.2:
        parts.append(maybe_not(r) + pick(r, "-i", "--in-interface") + " " +
                     iface(r))
    if r.random() < 0.2:
        parts.append(maybe_not(r) + pick(r, "-o", "--out-interface") + " " +
                     iface(r))
    if r.random() < 0.08:
        parts.append(maybe_not(r) + "-f")
    for _ in range(pick(r, 0, 1, 1, 1, 2)):
        f = r.choice(matches or MATCHES)
        name, opts = f(r)
        if name in ("tcp", "udp", "icmp") and r.random() < 0.7 and \
           proto is None:
            parts.insert(0, "-p " + name)
            proto = name
        m = pick(r, "-m " + name, "-m " + name, "--match " + name,
                 "-m " + name.upper())
        parts.append(" ".join([m] + opts))
    t = target(r)
    if t:
        parts.append(t)
    r.shuffle(parts) if r.random() < 0.05 else None
    return " ".join(parts)


def restore_block(r, block):
    """An iptables-restore file of random rules (some invalid, some with
    counters), then the table's save, then a reset of that table."""
    table = pick(r, "filter", "filter", "mangle", "raw", "security")
    chains = TABLES[table] + ([USER] if table in ("filter", "mangle") else [])
    lines = ["*" + table]
    if r.random() < 0.5:
        for c in TABLES[table]:
            if r.random() < 0.5:
                lines.append(":%s %s [%d:%d]" % (
                    c, pick(r, "ACCEPT", "DROP", "ACCEPT", "RETURN", "-"),
                    r.randint(0, 99), r.randint(0, 9999)))
    if table in ("filter", "mangle"):
        lines.append(":%s - [0:0]" % USER)
    for _ in range(r.randint(1, 5)):
        c = r.choice(chains)
        spec = rule(r, table)
        pre = "[%d:%d] " % (r.randint(0, 99), r.randint(0, 9999)) \
            if r.random() < 0.3 else ""
        lines.append("%s%s %s %s" % (pre, pick(r, "-A", "-A", "-I"), c,
                                     spec))
    if r.random() < 0.9:
        lines.append("COMMIT")
    opts = pick(r, "", "", "-c", "-n", "-c -n", "--test", "-t " + table)
    here = "".join(l + "\n" for l in lines)
    reset = "".join(l + "\n" for l in ["*" + table] + [
        ":%s ACCEPT [0:0]" % c for c in TABLES[table]] + (
        [":%s - [0:0]" % USER] if table in ("filter", "mangle") else []) +
        ["COMMIT"])
    return [("iptables-restore %s <<EOF" % opts, here, block),
            ("iptables-save -c -t %s" % table, None, block),
            ("iptables-restore <<EOF", reset, block)]


def chain_block(r, block):
    """Chain commands: -N/-E/-X/-P/-Z/-L/-S/-I/-R/-D with rule numbers and
    names (valid and not), then a reset to the user chain u1 alone."""
    t = pick(r, "", "-t mangle ", "-t raw ", "-t security ")
    table = t.split()[1] if t else "filter"
    names = [USER, "c2", "c3", "INPUT", "OUTPUT", "PREROUTING", "nosuch",
             "ACCEPT", "x" * 28, "x" * 29, "-c", "'a b'", "''", "!n"]
    cmds = []
    made = []
    for _ in range(r.randint(2, 7)):
        k = r.randint(0, 11)
        a = r.choice(names)
        b = r.choice(names)
        n = pick(r, "1", "2", "0", "-1", "9", "x", "")
        if k == 0:
            cmds.append("iptables %s-N %s" % (t, a))
            made.append(a)
        elif k == 1:
            cmds.append("iptables %s-E %s %s" % (t, a, b))
            made.append(b)
        elif k == 2:
            cmds.append("iptables %s-X %s" % (t, pick(r, a, "")))
        elif k == 3:
            cmds.append("iptables %s-P %s %s" % (
                t, a, pick(r, "ACCEPT", "DROP", "RETURN", "QUEUE", a)))
        elif k == 4:
            cmds.append("iptables %s-Z %s %s %s" % (t, a, n, pick(
                r, "", "", "-v", "-L", "-L -n -v")))
        elif k == 5:
            cmds.append("iptables %s-L %s %s %s" % (t, pick(r, a, ""), n, pick(
                r, "-n", "-v -n", "--line-numbers -n", "-x -v -n")))
        elif k == 6:
            cmds.append("iptables %s-S %s %s %s" % (t, pick(r, a, ""), n,
                                                   pick(r, "", "-v")))
        elif k == 7:
            cmds.append("iptables %s-I %s %s -j %s -c %d %d" % (
                t, a, n, pick(r, "ACCEPT", b), r.randint(0, 9),
                r.randint(0, 999)))
        elif k == 8:
            cmds.append("iptables %s-R %s %s -j %s" % (t, a, n,
                                                      pick(r, "DROP", b)))
        elif k == 9:
            cmds.append("iptables %s-D %s %s" % (t, a, n))
        elif k == 10:
            cmds.append("iptables %s-A %s -j %s" % (t, a, pick(r, b, "RETURN")))
        else:
            cmds.append("iptables %s-F %s" % (t, pick(r, a, "")))
    cmds.append("iptables-save -c -t %s" % table)
    out = [(c, None, block) for c in cmds]
    reset = ["*" + table] + [":%s ACCEPT [0:0]" % c for c in TABLES[table]]
    if table in ("filter", "mangle"):
        reset.append(":%s - [0:0]" % USER)
    reset.append("COMMIT")
    out.append(("iptables-restore <<EOF", "".join(l + "\n" for l in reset),
                block))
    return out


def generate(seed, count, only=None):
    """only: names of the matches to draw from (default: all)."""
    r = random.Random(seed)
    matches = [m for m in MATCHES if not only or m.__name__[2:] in only]
    cmds = []
    block = 0
    cmds.append(("iptables -N " + USER, None, block))
    cmds.append(("iptables -t mangle -N " + USER, None, block))
    while len(cmds) < count:
        block += 1
        if r.random() < 0.12:
            cmds += restore_block(r, block)
            continue
        if r.random() < 0.1:
            cmds += chain_block(r, block)
            continue
        table = pick(r, "filter", "filter", "filter", "mangle", "mangle",
                     "raw", "security")
        chain = r.choice(TABLES[table] + ([USER] if table in
                                          ("filter", "mangle") else []))
        t = "" if table == "filter" and r.random() < 0.5 else \
            "-t %s " % table
        spec = rule(r, table, matches)
        add = pick(r, "-A", "-A", "--append", "-I", "-I")
        cmds.append(("iptables %s%s %s %s" % (t, add, chain, spec), None,
                     block))
        if r.random() < 0.3:
            cmds.append(("iptables %s-C %s %s" % (t, chain, spec), None,
                         block))
        look = r.randint(0, 5)
        if look == 0:
            cmds.append(("iptables %s-L %s %s" % (
                t, chain, pick(r, "-n", "-n -v", "", "-v", "-x -v -n",
                               "--line-numbers -n")), None, block))
        elif look == 1:
            cmds.append(("iptables-save -t %s" % table, None, block))
        else:
            cmds.append(("iptables %s-S %s" % (t, chain), None, block))
        if r.random() < 0.8:
            cmds.append(("iptables %s-D %s %s" % (t, chain, spec), None,
                         block))
        cmds.append(("iptables %s-F %s" % (t, chain), None, block))
    return cmds
