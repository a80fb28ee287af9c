#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One UDP request for the IPVS differential test: from SRC:SPORT to
DST:DPORT, print the one-line answer (a real server's name) or
"(no answer)" after TIMEOUT seconds.
usage: udpget.py SRC SPORT DST DPORT [TIMEOUT]
"""
import socket
import sys

src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((src, sport))
s.settimeout(timeout)
s.sendto(b"name?\n", (dst, dport))
try:
    data, _ = s.recvfrom(2048)
    print(data.decode().strip())
except socket.timeout:
    print("(no answer)")
