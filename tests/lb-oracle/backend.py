#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A real server for the IPVS differential test (tests/lb-oracle/run.sh).

Answers on TCP (HTTP) and UDP on one port, with its own name:
  GET /        -> NAME and a newline
  GET /big     -> NAME, a newline and 400000 bytes of zeros (a connection held open by a slow
                  client: curl --limit-rate)
  UDP datagram -> NAME and a newline, to the sender
usage: backend.py NAME ADDRESS PORT
No name resolution at start-up (netsieve drops the DNS queries that
`python3 -m http.server` would send).
"""
import http.server
import socket
import socketserver
import sys
import threading

NAME, ADDR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
BIG = (NAME + "\n").encode() + b"\0" * 400000


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = BIG if self.path == "/big" else (NAME + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def udp_loop():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ADDR, PORT))
    while True:
        _, peer = s.recvfrom(2048)
        s.sendto((NAME + "\n").encode(), peer)


threading.Thread(target=udp_loop, daemon=True).start()
Server((ADDR, PORT), Handler).serve_forever()
