#!/bin/sh
# The include rules of the layers (doc/architecture.md): a file under
# src/L includes headers of L itself and of layers below L only, so there is
# no include circle and lower layers never know upper ones. The order:
#   base < pkt < core < io < stack < ct < nat < lb < xt < ctl < (src/api.c, tools/)
# Prints every offending #include with its file and line; exits 1 if any.
# Usage: tests/layers/run.sh [BUILD_DIR (unused)]
set -u
cd "$(dirname "$0")/../.."
rank() {
	case "$1" in
	base) echo 0 ;; pkt) echo 1 ;; core) echo 2 ;; io) echo 3 ;;
	stack) echo 4 ;; ct) echo 5 ;; nat) echo 6 ;; lb) echo 7 ;; xt) echo 8 ;;
	ctl) echo 9 ;; *) echo 99 ;;
	esac
}
bad=0 n=0
for f in $(find src -name '*.[ch]' | LC_ALL=C sort); do
	layer=$(echo "$f" | cut -d/ -f2)
	case "$layer" in *.c|*.h) continue ;; esac  # src/api.c: the top
	r=$(rank "$layer")
	# "dir/file.h" includes of project headers
	grep -n '^#include "[a-z]*/' "$f" | while IFS= read -r line; do
		inc=$(echo "$line" | sed 's/.*#include "\([a-z]*\)\/.*/\1/')
		ri=$(rank "$inc")
		if [ "$ri" -gt "$r" ]; then
			echo "$f:${line%%:*}: $layer includes $inc: $(echo "$line" | cut -d: -f2-)"
		fi
	done
	n=$((n + 1))
done > /tmp/layers.$$
if [ -s /tmp/layers.$$ ]; then
	cat /tmp/layers.$$
	echo "layers: $(wc -l < /tmp/layers.$$) include(s) against the layer order"
	rm -f /tmp/layers.$$
	exit 1
fi
rm -f /tmp/layers.$$
echo "layers: $n files, every include goes down the layer order"

# Every source file is listed by name in its folder's meson.build (or the
# build would silently leave it out).
missing=0
for f in $(find src tools -name '*.c' | LC_ALL=C sort); do
	d=$(dirname "$f")
	b=$(basename "$f")
	if ! grep -q "'$b'" "$d/meson.build" 2>/dev/null; then
		echo "layers: $f is not listed in $d/meson.build"
		missing=$((missing + 1))
	fi
done
[ $missing = 0 ] || exit 1
echo "layers: every source file is listed in its folder's meson.build"
