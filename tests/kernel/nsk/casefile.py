# SPDX-License-Identifier: MIT
"""Case files of the kernel fidelity harness: parsing and packet building.

A case is a router (interfaces with MAC and address), the hosts beside it
(static neighbours), routes, sysctls, an iptables-restore ruleset and a list
of Ethernet frames to inject, each on one interface.  The format is
documented in doc/fidelity.md; this module turns the text into a Case
object with every frame already built as bytes, so both sides of the
comparison (the kernel and netsieve replay) receive exactly the same bytes.
"""

import ipaddress
import re

# The topology used when a case has no [router] section: two interfaces,
# each with one host beside it.
DEFAULT_ROUTER = """\
eth0 02:00:00:00:01:01 10.0.1.1/24
eth1 02:00:00:00:02:01 10.0.2.1/24
"""
DEFAULT_PEERS = """\
eth0 10.0.1.2 02:00:00:00:01:02
eth1 10.0.2.2 02:00:00:00:02:02
"""

SECTIONS = ("router", "peers", "routes", "sysctl", "rules", "packets",
            "options")
MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
IFNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,14}$")


class CaseError(Exception):
    pass


class Iface:
    def __init__(self, name, mac, addrs, mtu=None):
        self.name = name
        self.mac = mac
        self.addrs = addrs        # router's own [(address, prefix length)]
        self.mtu = mtu            # None: the default (1500)
        self.peers = []           # [(ip, mac)], first one owns the veth end

    @property
    def peer_mac(self):
        """MAC of the host on the other end of the wire (veth peer)."""
        if self.peers:
            return self.peers[0][1]
        # No host declared: still give the wire end a stable MAC.
        b = bytes.fromhex(self.mac.replace(":", ""))
        b = bytes([b[0], b[1], b[2], b[3], b[4], (b[5] + 1) & 0xff])
        return ":".join("%02x" % x for x in b)


class Packet:
    def __init__(self, iface, frame, text, lineno, reply=None):
        self.iface = iface        # interface name the frame arrives on
        self.frame = frame        # bytes, Ethernet header first
        self.text = text          # the source line (for messages)
        self.lineno = lineno
        # REPLY(n, ...): answer what the kernel sent out of this interface
        # for packet n; the frame is built when the kernel side runs
        # (None when the kernel sent nothing: then no side sends it).
        self.reply = reply


class Reply:
    """REPLY(n, flags="SA", seq=5000, load=b"", k=0): the answer of the
    host on the interface to the k-th frame the kernel sent there for
    packet n (addresses and ports swapped; TCP acknowledges what it got;
    ICMP echo requests get echo replies)."""

    def __init__(self, n, flags="A", seq=5000, load=b"", k=0, ttl=64):
        self.n, self.flags, self.seq, self.load = n, flags, seq, load
        self.k, self.ttl = k, ttl

    def build(self, out_frame, ifc):
        import scapy.all as sa
        o = sa.Ether(out_frame)
        if sa.IP not in o:
            return None
        oi = o[sa.IP]
        ip = sa.IP(src=oi.dst, dst=oi.src, ttl=self.ttl, id=0)
        if sa.TCP in o:
            ot = o[sa.TCP]
            plen = len(bytes(ot.payload))
            ack = (ot.seq + plen + (1 if "S" in str(ot.flags) else 0) +
                   (1 if "F" in str(ot.flags) else 0)) & 0xffffffff
            l4 = sa.TCP(sport=ot.dport, dport=ot.sport, seq=self.seq,
                        ack=ack if "A" in self.flags else 0,
                        flags=self.flags, window=8192)
        elif sa.UDP in o:
            ou = o[sa.UDP]
            l4 = sa.UDP(sport=ou.dport, dport=ou.sport)
        elif sa.ICMP in o and o[sa.ICMP].type == 8:
            oc = o[sa.ICMP]
            l4 = sa.ICMP(type=0, id=oc.id, seq=oc.seq)
        else:
            return None
        p = sa.Ether(src=ifc.peer_mac, dst=ifc.mac) / ip / l4
        if self.load:
            p = p / sa.Raw(self.load)
        return bytes(p)


class Case:
    def __init__(self, name, path=None):
        self.name = name
        self.path = path
        self.description = ""
        self.ifaces = []          # [Iface] in declaration order
        self.routes = []          # ["10.9.0.0/16 via 10.0.2.2 dev eth1"]
        self.sysctls = []         # [(key, value)] in order
        self.rules = None         # iptables-restore text or None
        self.packets = []         # [Packet]
        self.options = {}

    def iface(self, name):
        for i in self.ifaces:
            if i.name == name:
                return i
        raise CaseError("unknown interface %r" % name)

    def opt(self, key, default):
        v = self.options.get(key)
        if v is None:
            return default
        return type(default)(v) if default is not None else v


def _split_sections(text, where):
    sections = {}
    cur = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        m = re.match(r"^\[([a-z]+)\]\s*$", raw)
        if m:
            cur = m.group(1)
            if cur not in SECTIONS:
                raise CaseError("%s:%d: unknown section [%s]"
                                % (where, lineno, cur))
            if cur in sections:
                raise CaseError("%s:%d: section [%s] given twice"
                                % (where, lineno, cur))
            sections[cur] = []
            continue
        if cur is None:
            # Leading '#' lines are the description.
            if raw.strip() and not raw.startswith("#"):
                raise CaseError("%s:%d: text before the first section"
                                % (where, lineno))
            sections.setdefault("_head", []).append((lineno, raw))
            continue
        sections[cur].append((lineno, raw))
    return sections


def _content_lines(lines, inline=True):
    """Non-empty lines without '#' comments.  With inline, a ' #' starts a
    comment anywhere in the line (packet lines keep theirs: scapy strings
    may contain '#')."""
    for lineno, raw in lines:
        s = raw.strip()
        if s.startswith("#"):
            continue
        if inline:
            s = re.split(r"\s#", s, maxsplit=1)[0].strip()
        if s:
            yield lineno, s


def _check_mac(mac, where):
    mac = mac.lower()
    if not MAC_RE.match(mac):
        raise CaseError("%s: bad MAC %r" % (where, mac))
    return mac


def _parse_router(case, lines, where):
    for lineno, s in _content_lines(lines):
        f = s.split()
        loc = "%s:%d" % (where, lineno)
        if len(f) < 2:
            raise CaseError("%s: want 'NAME MAC [ADDR/PLEN ...] [mtu N]'"
                            % loc)
        if not IFNAME_RE.match(f[0]):
            raise CaseError("%s: bad interface name %r" % (loc, f[0]))
        addrs = []
        mtu = None
        rest = f[2:]
        while rest:
            w = rest.pop(0)
            if w == "mtu" and rest:
                mtu = int(rest.pop(0))
                continue
            try:
                n = ipaddress.IPv4Interface(w)
            except ValueError as e:
                raise CaseError("%s: %s" % (loc, e))
            addrs.append((str(n.ip), n.network.prefixlen))
        case.ifaces.append(Iface(f[0], _check_mac(f[1], loc), addrs, mtu))


def _parse_peers(case, lines, where):
    for lineno, s in _content_lines(lines):
        f = s.split()
        loc = "%s:%d" % (where, lineno)
        if len(f) != 3:
            raise CaseError("%s: want 'IFACE IP MAC'" % loc)
        try:
            ip = str(ipaddress.IPv4Address(f[1]))
        except ValueError as e:
            raise CaseError("%s: %s" % (loc, e))
        try:
            ifc = case.iface(f[0])
        except CaseError as e:
            raise CaseError("%s: %s" % (loc, e))
        ifc.peers.append((ip, _check_mac(f[2], loc)))


def _eval_packet(expr, ifc, loc, env):
    """Build a frame from a scapy expression or 'hex ...'."""
    if expr.startswith("hex "):
        h = re.sub(r"\s+", "", expr[4:])
        try:
            return bytes.fromhex(h)
        except ValueError as e:
            raise CaseError("%s: bad hex: %s" % (loc, e))
    try:
        p = eval(expr, env)  # case files are trusted test input
    except Exception as e:
        raise CaseError("%s: cannot build packet: %s" % (loc, e))
    Ether = env["Ether"]
    if isinstance(p, (bytes, str)):
        raise CaseError("%s: packet expression must be a scapy packet" % loc)
    if not isinstance(p, Ether):
        p = Ether(src=ifc.peer_mac, dst=ifc.mac) / p
    return bytes(p)


_SCAPY_ENV = None


def scapy_env():
    global _SCAPY_ENV
    if _SCAPY_ENV is None:
        import scapy.all as sa
        env = {k: getattr(sa, k) for k in dir(sa) if not k.startswith("_")}
        env["__builtins__"] = __builtins__
        _SCAPY_ENV = env
    return _SCAPY_ENV


def _parse_packets(case, lines, where):
    env = scapy_env()
    repeat_re = re.compile(r"^\*\s*(\d+)\s+(.*)$")
    for lineno, s in _content_lines(lines, inline=False):
        loc = "%s:%d" % (where, lineno)
        m = re.match(r"^([A-Za-z][A-Za-z0-9_.-]*)\s*:\s*(.*)$", s)
        if not m:
            raise CaseError("%s: want 'IFACE: PACKET'" % loc)
        try:
            ifc = case.iface(m.group(1))
        except CaseError as e:
            raise CaseError("%s: %s" % (loc, e))
        expr = m.group(2)
        rm = re.match(r"^REPLY\((.*)\)$", expr)
        if rm:
            try:
                spec = eval("_R(%s)" % rm.group(1), {"_R": Reply})
            except Exception as e:
                raise CaseError("%s: bad REPLY: %s" % (loc, e))
            if not 0 <= spec.n < len(case.packets):
                raise CaseError("%s: REPLY(%d): no such earlier packet"
                                % (loc, spec.n))
            case.packets.append(Packet(ifc.name, None, s, lineno, spec))
            continue
        count = 1
        r = repeat_re.match(expr)
        if r:
            count, expr = int(r.group(1)), r.group(2)
        frame = _eval_packet(expr, ifc, loc, env)
        for _ in range(count):
            case.packets.append(Packet(ifc.name, frame, s, lineno))


def parse_case(text, name, path=None):
    where = path or name
    secs = _split_sections(text, where)
    case = Case(name, path)
    case.description = "\n".join(
        raw.lstrip("#").strip() for _, raw in secs.get("_head", [])).strip()
    _parse_router(case, secs.get("router", [(0, l) for l in
                                            DEFAULT_ROUTER.splitlines()]),
                  where)
    if "peers" in secs:
        _parse_peers(case, secs["peers"], where)
    elif "router" not in secs:
        _parse_peers(case, [(0, l) for l in DEFAULT_PEERS.splitlines()],
                     where)
    for lineno, s in _content_lines(secs.get("routes", [])):
        case.routes.append(s)
    sysl = secs.get("sysctl")
    if sysl is None and "router" not in secs:
        sysl = [(0, "net.ipv4.ip_forward = 1")]
    for lineno, s in _content_lines(sysl or []):
        if "=" not in s:
            raise CaseError("%s:%d: want 'key = value'" % (where, lineno))
        k, v = (x.strip() for x in s.split("=", 1))
        case.sysctls.append((k, v))
    if "rules" in secs:
        case.rules = "\n".join(raw for _, raw in secs["rules"]).strip() + "\n"
    for lineno, s in _content_lines(secs.get("options", [])):
        if "=" not in s:
            raise CaseError("%s:%d: want 'key = value'" % (where, lineno))
        k, v = (x.strip() for x in s.split("=", 1))
        case.options[k] = v
    _parse_packets(case, secs.get("packets", []), where)
    if not case.packets:
        raise CaseError("%s: no packets" % where)
    return case


def load_case(path):
    import os
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path) as f:
        return parse_case(f.read(), name, path)
