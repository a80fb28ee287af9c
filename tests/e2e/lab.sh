# shellcheck shell=bash
# The namespace lab shared by tests/e2e/run.sh and scripts/demo.sh (sourced).
#
#   client ns  c0 10.201.1.2/24 ──veth── rc ┐  router ns: netsieve daemon
#                                            ├─ eth0 = afpacket rc 10.201.1.1
#                                            └─ eth1 = afpacket rs 10.201.2.1
#   server ns  s0 10.201.2.2/24 ──veth── rs ┘
#
# The router namespace's kernel has no address and forwards nothing: its
# veth ends only carry frames to and from netsieve's AF_PACKET sockets.
# Every veth keeps its default offloads (a frame from a local TCP stack
# carries a partial checksum and may be a GSO super-frame of up to 64 KiB;
# netsieve takes both); lab_offloads_off turns them off for the test that
# wants plain frames. IPv6 is off in every namespace (no ND/RS noise). Everything lives in namespaces
# named after LAB (unique per run) and a private work directory; lab_down
# removes all of it. Needs root, iproute2, ethtool.
#
# Use: NSV=/path/to/netsieve; . lab.sh; lab_init; lab_up; lab_daemon CONF ...

LAB_CLIENT_IP=10.201.1.2
LAB_ROUTER_C=10.201.1.1
LAB_SERVER_IP=10.201.2.2
LAB_ROUTER_S=10.201.2.1
LAB_TAP_IP=10.201.3.2
LAB_ROUTER_T=10.201.3.1

lab_init() {
	LAB=${LAB:-nsv$$}
	NS_C=$LAB-c
	NS_S=$LAB-s
	NS_R=$LAB-r
	NS_T=$LAB-t
	LAB_WORK=$(mktemp -d "${TMPDIR:-/tmp}/netsieve-lab.XXXXXX")
	LAB_SOCK=$LAB_WORK/run/netsieve.sock
	LAB_LOG=$LAB_WORK/daemon.log
	LAB_DAEMON_PID=
	LAB_BG_PIDS=()
	LAB_NSES=()
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
}

# Can this machine run the lab? Prints the reason when it cannot.
lab_possible() {
	if [ "$(id -u)" != 0 ]; then
		echo "not root"
		return 1
	fi
	local probe=$LAB-probe
	if ! ip netns add "$probe" 2>/dev/null; then
		echo "cannot create network namespaces"
		return 1
	fi
	if ! ip -n "$probe" link add p0 type veth peer name p1 2>/dev/null; then
		ip netns del "$probe" 2>/dev/null
		echo "cannot create veth pairs"
		return 1
	fi
	ip netns del "$probe"
	local t
	for t in ethtool ping nc curl; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "missing tool: $t (scripts/deps.sh installs it)"
			return 1
		fi
	done
	return 0
}

nsc() { ip netns exec "$NS_C" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }
nsr() { ip netns exec "$NS_R" "$@"; }
nst() { ip netns exec "$NS_T" "$@"; }

# The client tool against the lab's daemon (runs in the host namespace:
# the control socket is a file, reachable from anywhere).
ctl() { NETSIEVE_SOCKET=$LAB_SOCK timeout 30 "$NSV" "$@"; }

lab_quiet_ns() {
	local ns=$1
	ip netns add "$ns"
	LAB_NSES+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

lab_offloads_off() {
	local ns=$1 dev=$2
	ip netns exec "$ns" ethtool -K "$dev" tx off rx off tso off gso off \
		gro off >/dev/null 2>&1 || true
}

# Wait until link-watch has given dev a real qdisc (frames sent before
# that are dropped by the noop qdisc).
lab_wait_link() {
	local ns=$1 dev=$2 i
	for i in $(seq 50); do
		ip -n "$ns" link show "$dev" 2>/dev/null | grep -q 'qdisc noop' ||
			return 0
		sleep 0.1
	done
	return 1
}

lab_up() {
	lab_quiet_ns "$NS_C"
	lab_quiet_ns "$NS_S"
	lab_quiet_ns "$NS_R"
	ip link add c0 netns "$NS_C" type veth peer name rc netns "$NS_R"
	ip link add s0 netns "$NS_S" type veth peer name rs netns "$NS_R"
	# The router's kernel: no address, no forwarding, no answers.
	nsr sysctl -qw net.ipv4.ip_forward=0 >/dev/null
	ip -n "$NS_R" link set rc up
	ip -n "$NS_R" link set rs up

	ip -n "$NS_C" addr add $LAB_CLIENT_IP/24 dev c0
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_C" route add default via $LAB_ROUTER_C
	ip -n "$NS_S" addr add $LAB_SERVER_IP/24 dev s0
	ip -n "$NS_S" link set s0 up
	ip -n "$NS_S" route add default via $LAB_ROUTER_S
	lab_wait_link "$NS_C" c0
	lab_wait_link "$NS_S" s0
	lab_wait_link "$NS_R" rc
	lab_wait_link "$NS_R" rs
}

# The daemon's start-up file for the lab. LAB_IO: the backend of eth0 and
# eth1 (afpacket by default; afxdp.sh sets afxdp).
lab_write_config() {
	cat >"$1" <<EOF
# netsieve start-up file: a router between the client and server nets.
ip link add eth0 type ${LAB_IO:-afpacket} dev rc
ip link add eth1 type ${LAB_IO:-afpacket} dev rs
ip link set eth0 up
ip link set eth1 up
ip addr add $LAB_ROUTER_C/24 dev eth0
ip addr add $LAB_ROUTER_S/24 dev eth1
sysctl -w net.ipv4.ip_forward=1
EOF
}

# Start the daemon in the router namespace, in the foreground of a
# background job; wait for its socket. Extra arguments go to the daemon.
lab_daemon() {
	local conf=$1 i
	shift
	timeout -s TERM 900 ip netns exec "$NS_R" "$NSV" daemon --foreground \
		--workers 2 --config "$conf" --socket "$LAB_SOCK" \
		--log "$LAB_LOG" "$@" \
		>>"$LAB_WORK/daemon.out" 2>&1 &
	LAB_DAEMON_PID=$!
	for i in $(seq 100); do
		[ -S "$LAB_SOCK" ] && return 0
		kill -0 "$LAB_DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "lab: the daemon did not come up:" >&2
	cat "$LAB_WORK/daemon.out" >&2
	return 1
}

# Stop the daemon with SIGTERM; returns its exit status (124+ if killed).
lab_daemon_stop() {
	local pid=$LAB_DAEMON_PID i rc
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		LAB_DAEMON_PID=
		return 137
	fi
	wait "$pid"
	rc=$?
	LAB_DAEMON_PID=
	return $rc
}

# Run a command in the background and remember it for lab_down.
lab_bg() {
	"$@" &
	LAB_BG_PIDS+=($!)
}

# Wait until a TCP port listens in a namespace.
lab_wait_listen() {
	local ns=$1 port=$2 i
	for i in $(seq 100); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null |
			grep -q . && return 0
		sleep 0.05
	done
	return 1
}

# Never outlive our welcome: after SECONDS a watchdog sends the calling
# script SIGTERM (its trap tears the lab down). lab_down stops it.
lab_watchdog() {
	local secs=$1 name=$2 main_pid=$$
	(
		trap 'kill "$sp" 2>/dev/null; exit 0' TERM
		sleep "$secs" &
		sp=$!
		wait "$sp"
		echo "$name: watchdog: still running after ${secs}s" >&2
		kill -TERM "$main_pid"
	) >/dev/null &
	LAB_WATCHDOG=$!
}

lab_down() {
	local p ns
	[ -n "${LAB_WATCHDOG:-}" ] && kill "$LAB_WATCHDOG" 2>/dev/null
	LAB_WATCHDOG=
	lab_daemon_stop >/dev/null 2>&1
	for p in "${LAB_BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${LAB_BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	LAB_BG_PIDS=()
	for ns in "${LAB_NSES[@]}"; do
		# Anything still running inside dies with its namespace's links.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NSES=()
	[ -n "${LAB_WORK:-}" ] && rm -rf "$LAB_WORK"
}

# A static HTTP server (Debian's python3): ns, address, port, directory.
# Not `python3 -m http.server`: that resolves its own name at start-up,
# sending DNS queries that netsieve (rightly) drops for lack of a route.
lab_http_server() {
	local ns=$1 ip=$2 port=$3 dir=$4
	lab_bg ip netns exec "$ns" timeout 300 "$PY" -c '
import functools, http.server, socketserver, sys
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[3])
Server((sys.argv[1], int(sys.argv[2])), handler).serve_forever()
' "$ip" "$port" "$dir" >/dev/null 2>&1
	lab_wait_listen "$ns" "$port"
}
