# SPDX-License-Identifier: MIT
"""Comparing two runs of a case (kernel and netsieve).

Frames are compared per interface, in order, byte for byte, with one
exception: packets the router generated itself (ICMP errors, echo replies,
TCP resets) get their IP ID set to 0 and their IP checksum recomputed on
both sides (a checksum that was wrong stays wrong), since the kernel's ID
is a hash of secrets, and - on the kernel side only - their L4 checksum
recomputed, because the kernel leaves TCP checksums to the (virtual) NIC
when it sends over veth.  netsieve's L4
checksum of such a packet must therefore be correct as sent.

A frame is "forwarded" (and compared raw) when its IPv4 source, destination,
protocol and ID equal those of an injected packet and everything after its
IP header is that packet's data (or, for a fragment the router made, the
slice of it at the fragment's offset); any other IPv4 frame is
router-generated.
"""

import difflib
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def _ip_parts(frame):
    """(l3 offset, ihl bytes, total length) of an IPv4 frame, or None."""
    off = 14
    # 802.1Q / 802.1ad tags (injected frames may carry them).
    while frame[off - 2:off] in (b"\x81\x00", b"\x88\xa8"):
        off += 4
    if len(frame) < off + 20 or frame[off - 2:off] != b"\x08\x00":
        return None
    vihl = frame[off]
    if vihl >> 4 != 4:
        return None
    ihl = (vihl & 0xf) * 4
    tot = struct.unpack("!H", frame[off + 2:off + 4])[0]
    if ihl < 20 or len(frame) < off + ihl or tot < ihl:
        return None
    return off, ihl, min(tot, len(frame) - off)


def flow_key(frame):
    """(identity, fragment offset in bytes, payload) of an IPv4 packet; the
    identity (addresses, protocol, ID) recognises forwarded copies."""
    p = _ip_parts(frame)
    if p is None:
        return None
    off, ihl, tot = p
    ip = frame[off:off + ihl]
    frag = (struct.unpack("!H", ip[6:8])[0] & 0x1fff) * 8
    return (ip[12:20], ip[9], ip[4:6]), frag, frame[off + ihl:off + tot]


def injected_keys(case):
    """identity -> [(fragment offset, payload)] of the injected packets."""
    keys = {}
    for p in case.packets:
        if p.frame is None:
            continue
        k = flow_key(p.frame)
        if k is not None:
            keys.setdefault(k[0], []).append((k[1], k[2]))
    return keys


def is_forwarded(frame, keys):
    """True when frame carries (a fragment of) an injected packet's data
    unchanged after the IP header."""
    k = flow_key(frame)
    if k is None or k[0] not in keys:
        return False
    ident, frag, data = k
    for ofrag, odata in keys[ident]:
        rel = frag - ofrag
        if rel >= 0 and odata[rel:rel + len(data)] == data and (
                rel + len(data) <= len(odata)):
            return True
    return False


def normalise(frame, keys, fix_l4):
    """Return (frame', generated?) with the router-generated rules applied."""
    p = _ip_parts(frame)
    if p is None:
        return frame, False
    if is_forwarded(frame, keys):
        return frame, False
    off, ihl, tot = p
    b = bytearray(frame)
    valid = csum(bytes(b[off:off + ihl])) == 0
    b[off + 4:off + 6] = b"\0\0"
    b[off + 10:off + 12] = b"\0\0"
    c = csum(bytes(b[off:off + ihl]))
    if not valid:
        # A wrong header checksum must not be normalised away.
        c ^= 0xffff
    b[off + 10:off + 12] = struct.pack("!H", c)
    frag = struct.unpack("!H", b[off + 6:off + 8])[0]
    # Only a whole packet's L4 checksum can be recomputed: the first
    # fragment of a fragmented one (MF) does not hold all it covers.
    if fix_l4 and (frag & 0x3fff) == 0:
        proto = b[off + 9]
        l4 = off + ihl
        end = off + tot
        pseudo = bytes(b[off + 12:off + 20]) + struct.pack(
            "!BBH", 0, proto, end - l4)
        if proto == 6 and end - l4 >= 20:
            b[l4 + 16:l4 + 18] = b"\0\0"
            b[l4 + 16:l4 + 18] = struct.pack(
                "!H", csum(pseudo + bytes(b[l4:end])))
        elif proto == 17 and end - l4 >= 8:
            b[l4 + 6:l4 + 8] = b"\0\0"
            c = csum(pseudo + bytes(b[l4:end])) or 0xffff
            b[l4 + 6:l4 + 8] = struct.pack("!H", c)
        elif proto == 1 and end - l4 >= 4:
            b[l4 + 2:l4 + 4] = b"\0\0"
            b[l4 + 2:l4 + 4] = struct.pack("!H", csum(bytes(b[l4:end])))
    return bytes(b), True


_summ_cache = {}


def summary(frame):
    """One line describing a frame (scapy summary plus key fields)."""
    if frame in _summ_cache:
        return _summ_cache[frame]
    try:
        from scapy.all import Ether, IP
        e = Ether(frame)
        s = e.summary()
        if IP in e:
            ip = e[IP]
            s += "  [ttl=%d tos=%#x id=%#x len=%d]" % (ip.ttl, ip.tos, ip.id,
                                                     ip.len)
    except Exception as ex:  # noqa: BLE001 - only for display
        s = "<unparsable: %s>" % ex
    s = "%s (%dB)" % (s, len(frame))
    _summ_cache[frame] = s
    return s


def hexdump(frame, width=16):
    out = []
    for i in range(0, len(frame), width):
        out.append("      %04x  %s" % (i, frame[i:i + width].hex(" ")))
    return out


def frame_diff_lines(a, b):
    """Describe how two frames differ, byte offsets included."""
    out = []
    n = max(len(a), len(b))
    diffs = [i for i in range(n)
             if i >= len(a) or i >= len(b) or a[i] != b[i]]
    out.append("      differing byte offsets: %s%s" % (
        ", ".join(str(i) for i in diffs[:24]),
        " ..." if len(diffs) > 24 else ""))
    out.append("      kernel:")
    out += hexdump(a)
    out.append("      netsieve:")
    out += hexdump(b)
    return out


def conntrack_lines(text):
    """`conntrack -L` entries with the timeout (the third field) masked
    and sorted: the kernel lists in hash order, netsieve in its own."""
    out = []
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) >= 3 and f[1].isdigit() and f[2].isdigit():
            f[2] = "T"
            out.append(" ".join(f))
    return sorted(out)


def compare(case, kres, nres, other_is_kernel=False):
    """Compare kernel result kres with netsieve result nres.  Returns a list
    of lines describing every difference (empty: identical).
    other_is_kernel: nres is a second kernel run (--self-check), whose L4
    checksums are fixed up as the first's."""
    keys = injected_keys(case)
    problems = []
    for ifc in case.ifaces:
        kf = kres.frames.get(ifc.name, [])
        nf = nres.frames.get(ifc.name, [])
        kn = [normalise(f, keys, True) for _, f in kf]
        nn = [normalise(f, keys, other_is_kernel) for _, f in nf]
        if [f for f, _ in kn] == [f for f, _ in nn]:
            continue
        problems.append("frames out of %s differ (kernel %d, netsieve %d):"
                        % (ifc.name, len(kf), len(nf)))
        kl = ["#%s %s%s" % (i, summary(f), " [gen]" if g else "")
              for (i, _), (f, g) in zip(kf, kn)]
        nl = ["#%s %s%s" % (i, summary(f), " [gen]" if g else "")
              for (i, _), (f, g) in zip(nf, nn)]
        for line in difflib.unified_diff(kl, nl, "kernel", "netsieve",
                                         lineterm="", n=len(kl) + len(nl)):
            problems.append("    " + line)
        for j in range(min(len(kn), len(nn))):
            if kn[j][0] != nn[j][0]:
                problems.append("    first differing frame: frame %d of "
                                "%s (kernel: from packet #%s; netsieve: "
                                "from packet #%s), normalised:"
                                % (j + 1, ifc.name, kf[j][0], nf[j][0]))
                problems += frame_diff_lines(kn[j][0], nn[j][0])
                break
    problems += compare_log(case, kres, nres)
    if kres.conntrack is not None and nres.conntrack is not None:
        kt = conntrack_lines(kres.conntrack)
        nt = conntrack_lines(nres.conntrack)
        if kt != nt:
            problems.append("conntrack -L differs (timeouts masked, "
                            "sorted):")
            for line in difflib.unified_diff(kt, nt, "kernel", "netsieve",
                                             lineterm="", n=3):
                problems.append("    " + line)
    kc = [l for l in kres.counters.splitlines() if not l.startswith("#")]
    nc = [l for l in nres.counters.splitlines() if not l.startswith("#")]
    if kc != nc:
        problems.append("counters differ (iptables-legacy-save -c vs "
                        "--save-counters):")
        for line in difflib.unified_diff(kc, nc, "kernel", "netsieve",
                                         lineterm="", n=3):
            problems.append("    " + line)
    return problems


def _norm_logline(line, case):
    """A LOG/TRACE line with the kernel's nondeterminism removed: the IP ID
    of packets the router generated (no IN=, an OUT=) and trailing
    whitespace."""
    import re
    line = line.rstrip()
    if re.search(r"(^|\s)IN= OUT=\S", line):
        line = re.sub(r"( TTL=\d+ ID=)\d+", r"\g<1>*", line, count=1)
    return line


def compare_log(case, kres, nres):
    """Compare the LOG/TRACE lines of both runs (only when the kernel side
    collected them)."""
    if kres.loglines is None or nres.loglines is None:
        return []
    kl = [_norm_logline(l, case) for _, l in kres.loglines]
    nl = [_norm_logline(l, case) for _, l in nres.loglines]
    if kl == nl:
        return []
    out = ["LOG/TRACE lines differ (kernel log vs replay's stderr; IP ID of "
           "the router's own packets normalised):"]
    for line in difflib.unified_diff(kl, nl, "kernel", "netsieve",
                                     lineterm="", n=2):
        out.append("    " + line)
    return out


def compare_text(what, ktext, ntext):
    """Diff two iptables-save outputs ignoring '#' lines."""
    kc = [l for l in ktext.splitlines() if not l.startswith("#")]
    nc = [l for l in ntext.splitlines() if not l.startswith("#")]
    if kc == nc:
        return []
    out = ["%s differ:" % what]
    for line in difflib.unified_diff(kc, nc, "kernel", "netsieve",
                                     lineterm="", n=3):
        out.append("    " + line)
    return out


def describe(case, res):
    """Human-readable account of one run (for --kernel-only)."""
    out = []
    byidx = {}
    for name, fl in res.frames.items():
        for idx, f in fl:
            byidx.setdefault(idx, []).append((name, f))
    for i, p in enumerate(case.packets):
        out.append("  #%d in %s: %s" % (i, p.iface, summary(p.frame)
                                         if p.frame else "(no reply)"))
        for name, f in byidx.get(i, []):
            out.append("      -> out %s: %s" % (name, summary(f)))
        if i not in byidx:
            out.append("      -> (nothing)")
    out.append("  counters:")
    for l in res.counters.splitlines():
        if not l.startswith("#"):
            out.append("    " + l)
    if res.conntrack is not None:
        out.append("  conntrack -L:")
        for l in res.conntrack.splitlines():
            out.append("    " + l)
    return out
