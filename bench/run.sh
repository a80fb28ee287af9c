#!/usr/bin/env bash
# Run every benchmark and print the figures (kept in doc/benchmarks.md).
# usage: bench/run.sh BUILD [SECONDS]
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
SECS=${2:-3}
echo "== engine alone: FORWARD, 64-byte UDP from memory, one core"
"$B/bench/bench-engine" "$SECS"
echo
echo "== engine alone: large rulesets, compiled classifier vs linear scan, one core"
"$B/bench/bench-rules" "$SECS"
"$B/bench/bench-rules" "$SECS" linear
echo
echo "== engine alone: connection tracking and NAT, one core"
"$B/bench/bench-conntrack" "$SECS" 2>/dev/null
echo
echo "== engine alone: the load balancer (IPVS), one core"
"$B/bench/bench-lb" "$SECS" 2>/dev/null
if [ "$(id -u)" = 0 ]; then
	echo
	echo "== side by side: kernel (iptables-legacy, iptables-nft) vs netsieve (AF_PACKET, AF_XDP)"
	bench/kernel.sh "$B" "$SECS"
	echo
	echo "== side by side: N services, kernel DNAT+statistic (kube-proxy) vs netsieve IPVS"
	bench/lb-kernel.sh "$B" "$SECS"
else
	echo "(side-by-side kernel benchmark needs root: skipped)"
fi
