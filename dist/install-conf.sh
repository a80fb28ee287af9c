#!/bin/sh
# meson install script: put the sample start-up file at its configuration
# path only when nothing is there, so an upgrade never overwrites the
# administrator's file. Honours DESTDIR. Usage: install-conf.sh SAMPLE CONF
set -eu
sample=${DESTDIR:-}$1
conf=${DESTDIR:-}$2
if [ -e "$conf" ]; then
	echo "netsieve: keeping the existing $2 (sample: $1)"
	exit 0
fi
mkdir -p "$(dirname "$conf")"
cp "$sample" "$conf"
chmod 0644 "$conf"
echo "netsieve: installed $2"
