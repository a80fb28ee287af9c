#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the example's input captures, in-eth0.pcap (the LAN side) and
in-eth1.pcap (the uplink), next to this script. The committed files were
made with it; run it again after changing the packets."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', '..', 'tests', 'replay'))
import pcaplib as P  # noqa: E402

GW_LAN, GW_WAN = '02:00:00:00:00:01', '02:00:00:00:00:02'
HOST_MAC, ISP_MAC = '02:00:00:00:01:10', '02:00:00:00:02:01'
HOST, WEB, SCANNER = '10.0.1.10', '203.0.113.5', '198.51.100.77'
T0 = 1700000000 * 10**9
MS = 10**6


def lan(ip_packet):
    return P.eth(GW_LAN, HOST_MAC, 0x0800, ip_packet)


def wan(ip_packet):
    return P.eth(GW_WAN, ISP_MAC, 0x0800, ip_packet)


eth0 = [
    # A web request: forwarded to the uplink.
    (T0 + 0 * MS, lan(P.ipv4(HOST, WEB, 6, P.tcp(HOST, WEB, 40000, 80, 'S')))),
    # SSH out of the LAN: dropped by FORWARD rule 1.
    (T0 + 100 * MS, lan(P.ipv4(HOST, WEB, 6, P.tcp(HOST, WEB, 40001, 22, 'S')))),
    # Ping the gateway: answered.
    (T0 + 200 * MS, lan(P.ipv4(HOST, '10.0.1.1', 1, P.icmp_echo(seq=1)))),
    # A traceroute probe with TTL 1: time exceeded.
    (T0 + 300 * MS, lan(P.ipv4(HOST, WEB, 17, P.udp(HOST, WEB, 50000, 33434),
                               ttl=1))),
]
eth1 = [
    # The web server's answer: forwarded to the LAN.
    (T0 + 250 * MS, wan(P.ipv4(WEB, HOST, 6,
                               P.tcp(WEB, HOST, 80, 40000, 'SA', ack=1001)))),
    # Someone knocks on the gateway's SSH port: dropped by INPUT rule 1.
    (T0 + 400 * MS, wan(P.ipv4(SCANNER, '198.51.100.2', 6,
                               P.tcp(SCANNER, '198.51.100.2', 51515, 22, 'S')))),
]

P.write_pcap(os.path.join(here, 'in-eth0.pcap'), eth0)
P.write_pcap(os.path.join(here, 'in-eth1.pcap'), eth1)
