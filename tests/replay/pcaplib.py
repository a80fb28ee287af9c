# SPDX-License-Identifier: MIT
"""Tiny pcap writer/reader and packet builder for the replay tests and the
example generator. Standard library only (Debian's python3, no scapy):
Ethernet, ARP, IPv4, ICMP, UDP and TCP with correct checksums, classic pcap
files in micro- or nanosecond resolution, and a decoder for checking what
netsieve wrote.

As a program:  pcaplib.py dump FILE   prints one line per packet.
"""
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_IPV4 = 228
LINKTYPE_LINUX_SLL = 113

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def mac_str(b):
    return ':'.join('%02x' % x for x in b)


def ip(s):
    return bytes(int(x) for x in s.split('.'))


def ip_str(b):
    return '.'.join(str(x) for x in b)


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(dst, src, ethertype, payload):
    return mac(dst) + mac(src) + struct.pack('!H', ethertype) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=1, df=False, tos=0,
         bad_csum=False, frag=0, mf=False):
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag // 8)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), ident,
                      flags, ttl, proto, 0, ip(src), ip(dst))
    c = csum(hdr)
    if bad_csum:
        c ^= 0x5a5a
    hdr = hdr[:10] + struct.pack('!H', c) + hdr[12:]
    return hdr + payload


def icmp(icmp_type, code=0, rest=b'\0\0\0\0', data=b''):
    body = struct.pack('!BBH', icmp_type, code, 0) + rest + data
    return body[:2] + struct.pack('!H', csum(body)) + body[4:]


def icmp_echo(ident=0x1234, seq=1, data=b'netsieve-replay!', reply=False):
    return icmp(0 if reply else 8, 0, struct.pack('!HH', ident, seq), data)


def _pseudo(src, dst, proto, length):
    return ip(src) + ip(dst) + struct.pack('!BBH', 0, proto, length)


def udp(src, dst, sport, dport, data=b'hello'):
    length = 8 + len(data)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    c = csum(_pseudo(src, dst, 17, length) + hdr + data) or 0xffff
    return struct.pack('!HHHH', sport, dport, length, c) + data


def tcp(src, dst, sport, dport, flags='S', seq=1000, ack=0, data=b''):
    bits = 0
    for ch, v in zip('FSRPAU', (1, 2, 4, 8, 16, 32)):
        if ch in flags:
            bits |= v
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, bits,
                      64240, 0, 0)
    c = csum(_pseudo(src, dst, 6, len(hdr) + len(data)) + hdr + data)
    return hdr[:16] + struct.pack('!H', c) + hdr[18:] + data


def arp_request(src_mac, src_ip, target_ip):
    body = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac(src_mac),
                       ip(src_ip), b'\0' * 6, ip(target_ip))
    return eth('ff:ff:ff:ff:ff:ff', src_mac, 0x0806, body)


def write_pcap(path, packets, linktype=LINKTYPE_ETHERNET, nano=True):
    """packets: iterable of (ts_ns, bytes)."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', MAGIC_NS if nano else MAGIC_US, 2, 4,
                            0, 0, 65535, linktype))
        for ts, data in packets:
            sec, frac = divmod(ts, 10**9)
            if not nano:
                frac //= 1000
            f.write(struct.pack('<IIII', sec, frac, len(data), len(data)))
            f.write(data)


def read_pcap(path):
    """Returns (linktype, [(ts_ns, bytes)])."""
    with open(path, 'rb') as f:
        raw = f.read()
    magic = struct.unpack('<I', raw[:4])[0]
    endian = '<'
    if magic not in (MAGIC_US, MAGIC_NS):
        endian = '>'
        magic = struct.unpack('>I', raw[:4])[0]
    if magic not in (MAGIC_US, MAGIC_NS):
        raise ValueError('%s: not a pcap file' % path)
    nano = magic == MAGIC_NS
    linktype = struct.unpack(endian + 'I', raw[20:24])[0]
    out = []
    off = 24
    while off + 16 <= len(raw):
        sec, frac, caplen, _ = struct.unpack(endian + 'IIII', raw[off:off + 16])
        off += 16
        ts = sec * 10**9 + (frac if nano else frac * 1000)
        out.append((ts, raw[off:off + caplen]))
        off += caplen
    return linktype, out


def decode(frame, linktype=LINKTYPE_ETHERNET):
    """A dict describing a frame: enough for the tests' assertions."""
    d = {}
    if linktype == LINKTYPE_ETHERNET:
        d['dst_mac'] = mac_str(frame[0:6])
        d['src_mac'] = mac_str(frame[6:12])
        d['ethertype'] = struct.unpack('!H', frame[12:14])[0]
        p = frame[14:]
        if d['ethertype'] == 0x0806:
            op = struct.unpack('!H', p[6:8])[0]
            d.update(arp_op=op, arp_sha=mac_str(p[8:14]),
                     arp_spa=ip_str(p[14:18]), arp_tpa=ip_str(p[24:28]))
            return d
        if d['ethertype'] != 0x0800:
            return d
    else:
        p = frame
    ihl = (p[0] & 15) * 4
    d.update(src=ip_str(p[12:16]), dst=ip_str(p[16:20]), ttl=p[8],
             proto=p[9], tot_len=struct.unpack('!H', p[2:4])[0],
             ip_csum_ok=csum(p[:ihl]) == 0)
    l4 = p[ihl:d['tot_len']]
    if d['proto'] == 1:
        d.update(icmp_type=l4[0], icmp_code=l4[1], icmp_csum_ok=csum(l4) == 0)
        if l4[0] in (0, 8):
            d['icmp_id'], d['icmp_seq'] = struct.unpack('!HH', l4[4:8])
            d['icmp_data'] = l4[8:]
        else:
            d['inner'] = l4[8:]
    elif d['proto'] in (6, 17):
        d['sport'], d['dport'] = struct.unpack('!HH', l4[0:4])
        pseudo = _pseudo(d['src'], d['dst'], d['proto'], len(l4))
        d['l4_csum_ok'] = csum(pseudo + l4) == 0
        if d['proto'] == 6:
            d['tcp_flags'] = l4[13]
            d['tcp_seq'], d['tcp_ack'] = struct.unpack('!II', l4[4:12])
    return d


def main(argv):
    if len(argv) != 3 or argv[1] != 'dump':
        sys.stderr.write('usage: pcaplib.py dump FILE\n')
        return 2
    lt, pkts = read_pcap(argv[2])
    for ts, data in pkts:
        d = decode(data, lt)
        print('%d.%09d %s' % (ts // 10**9, ts % 10**9,
                              ' '.join('%s=%s' % kv for kv in sorted(d.items())
                                       if kv[0] not in ('icmp_data', 'inner'))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
