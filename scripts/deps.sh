#!/usr/bin/env bash
# Install the Debian packages netsieve needs to build, test, demo and bench.
# Idempotent: does nothing when everything is present. Needs root to install.
set -eu
PKGS="meson ninja-build pkg-config gcc clang libclang-rt-14-dev llvm ethtool
libpcap-dev liburcu-dev libcmocka-dev libxdp-dev libbpf-dev
iptables iproute2 netcat-openbsd curl tcpdump python3 netsniff-ng
python3-scapy iputils-ping procps groff-base man-db conntrack"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
