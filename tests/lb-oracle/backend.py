#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A real server for the IPVS differential test (tests/lb-oracle/run.sh).

Answers on TCP (HTTP) and UDP on one port, with its own name:
  GET /        -> NAME and a newline
  GET /hold    -> NAME and a newline at once, then nothing for HOLD_SECONDS
                  (2.5), then the end: a connection that stays established
                  for a known time, whatever the path's speed
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
import time

NAME, ADDR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
HOLD_SECONDS = 2.5


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (NAME + "\n").encode()
        if self.path == "/hold":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            time.sleep(HOLD_SECONDS)
            self.wfile.write(b"end\n")
            return
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
