#!/usr/bin/env bash
# The offline demo: replay the captures of examples/gateway/ through the
# gateway's setup and show what happened to every packet (the trace), what
# came out of each interface, and the rule counters. Needs no root.
# Usage: examples/replay-demo.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
ns=$build/netsieve
ex=$here/gateway
work=$(mktemp -d "${TMPDIR:-/tmp}/netsieve-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

show_pcap() {
	if command -v tcpdump >/dev/null 2>&1; then
		tcpdump -nn -e -r "$1" 2>/dev/null | sed 's/^/  /'
	else
		python3 "$here/../tests/replay/pcaplib.py" dump "$1" | sed 's/^/  /'
	fi
}

echo "== setup ($ex/setup.ns)"
grep -v '^#' "$ex/setup.ns" | sed 's/^/  /'
echo
echo "== netsieve replay --setup setup.ns --in eth0=in-eth0.pcap --in eth1=in-eth1.pcap ..."
"$ns" replay --setup "$ex/setup.ns" \
	--in eth0="$ex/in-eth0.pcap" --in eth1="$ex/in-eth1.pcap" \
	--out eth0="$work/out-eth0.pcap" --out eth1="$work/out-eth1.pcap" \
	--trace "$work/trace.txt" --save-counters "$work/counters.txt" \
	>"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
echo
echo "== trace: every packet, in time order"
cat "$work/trace.txt"
echo
echo "== out of eth0 (the LAN)"
show_pcap "$work/out-eth0.pcap"
echo "== out of eth1 (the uplink)"
show_pcap "$work/out-eth1.pcap"
echo
echo "== iptables-save -c after the replay"
cat "$work/counters.txt"
