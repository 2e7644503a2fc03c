#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Daemon integration test with real processes in a temporary runtime
# directory: tessera-broker, tessera-mmu and tessera-devmgr with a temp
# disk. Checks that mmu and devmgr answer status on their control
# endpoints, that `tessera events` sees mmu's memory.allocated for every
# region and memory.mapped for what devmgr attached, that virtio-blk
# hot-plug and removal work through device.add/device.remove, that a
# devmgr killed with -9 comes back resuming its devices from the shared
# devstate region, and that SIGTERM stops both daemons cleanly.
# Every wait is bounded; every process started here is killed on exit.
set -uo pipefail

BIN=${TESSERA_BIN_DIR:?}
WORK=$(mktemp -d /tmp/it-daemons-XXXXXX)
export RUNTIME_DIRECTORY=$WORK/run
mkdir -m 0700 "$RUNTIME_DIRECTORY"
VM=itdmn
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "it_daemons: FAIL: $*" >&2
	for f in "$WORK"/*.err "$WORK"/*.status; do
		[ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local t=$(( $1 * 10 )); shift
	while (( t-- > 0 )); do "$@" && return 0; sleep 0.1; done
	return 1
}

ctl() { "$BIN/tessera" ctl --vm "$VM" --timeout 3000 "$@"; }

# status_has COMPONENT REGEX: the component answers and its reply matches.
status_has() {
	ctl "$1" status > "$WORK/$1.status" 2>/dev/null &&
		grep -qE "$2" "$WORK/$1.status"
}

lines() { [ -f "$1" ] && [ "$(grep -c "$2" "$1")" -ge "$3" ]; }

# msgpack {"cmd": $1, $2: $3} as hex, for `tessera ctl --request-hex`.
request_hex() {
	python3 - "$@" <<'EOF'
import sys
def s(x):
    b = x.encode()
    return (bytes([0xa0 | len(b)]) if len(b) < 32 else bytes([0xd9, len(b)])) + b
print((bytes([0x82]) + s("cmd") + s(sys.argv[1]) + s(sys.argv[2]) + s(sys.argv[3])).hex())
EOF
}

start_devmgr() {
	"$BIN/tessera-devmgr" --vm "$VM" "$@" </dev/null >"$WORK/uart.out" \
		2>>"$WORK/devmgr.err" &
	DEVMGR=$!
	PIDS+=("$DEVMGR")
}

"$BIN/tessera-broker" --vm "$VM" 2>"$WORK/broker.err" &
PIDS+=($!)
wait_for 20 status_has broker '"ok":true' ||
	fail "broker control endpoint does not answer"

# Subscribe before mmu starts; wait until the broker has the subscription.
# 5 regions for one hart (mmu/vm.h), of which devmgr may map 4: ram,
# irqchip, mmio-0, devstate.
timeout 60 "$BIN/tessera" events --vm "$VM" --json --count 9 \
	--topic memory. >"$WORK/events.out" 2>"$WORK/events.err" &
EVENTS=$!
PIDS+=("$EVENTS")
wait_for 20 status_has broker '"subscriptions":[1-9]' ||
	fail "subscriber never reached the broker"

"$BIN/tessera-mmu" --vm "$VM" --ram 16 --harts 1 2>"$WORK/mmu.err" &
MMU=$!
PIDS+=("$MMU")
wait_for 20 status_has mmu '"regions":5' || fail "mmu status does not answer"
[ -S "$RUNTIME_DIRECTORY/mmu.sock" ] || fail "no mmu.sock"
[ "$(stat -c %a "$RUNTIME_DIRECTORY/mmu.sock")" = 600 ] ||
	fail "mmu.sock is not mode 0600"
# The allocations must have reached the subscriber before devmgr maps.
wait_for 20 lines "$WORK/events.out" '"memory.allocated"' 5 ||
	fail "memory.allocated events missing"

truncate -s 1M "$WORK/disk.img"
truncate -s 1M "$WORK/disk2.img"
start_devmgr --disk "$WORK/disk.img"
wait_for 20 status_has devmgr '"dev.vblk0":"virtio-blk"' ||
	fail "devmgr status does not answer with its disk"
for dev in uart0 test0 rtc0; do
	grep -q "\"dev.$dev\"" "$WORK/devmgr.status" || fail "no $dev"
done
grep -q '"resumed":false' "$WORK/devmgr.status" || fail "first devmgr resumed"

wait_for 30 test ! -d "/proc/$EVENTS" ||
	fail "tessera events did not get its 9 memory events"
wait "$EVENTS" || fail "tessera events failed"
for r in ram irqchip devstate vcpu-state-0 mmio-0; do
	grep '"memory.allocated"' "$WORK/events.out" |
		grep -q "\"region\":\"$r\"" || fail "no memory.allocated for $r"
done
for r in ram irqchip devstate mmio-0; do
	grep '"memory.mapped"' "$WORK/events.out" |
		grep -q "\"region\":\"$r\"" || fail "no memory.mapped for $r"
done
grep '"memory.allocated"' "$WORK/events.out" | grep '"region":"ram"' |
	grep -q '"size":16777216' || fail "ram allocated with the wrong size"
status_has mmu '"clients_served":1' || fail "mmu did not count devmgr"

# Hot-plug and removal over the control plane (needs python3 for msgpack).
if command -v python3 >/dev/null; then
	ctl --request-hex "$(request_hex device.add path "$WORK/disk2.img")" \
		devmgr >"$WORK/add.out" || fail "device.add failed"
	status_has devmgr '"dev.vblk1":"virtio-blk"' || fail "vblk1 not listed"
	ctl --request-hex "$(request_hex device.add path "$WORK/nonexist")" \
		devmgr >"$WORK/bad.out" && fail "device.add of a missing file"
	grep -q '"ok":false' "$WORK/bad.out" || fail "no error for a bad add"
	ctl --request-hex "$(request_hex device.remove id vblk1)" devmgr \
		>"$WORK/rm.out" || fail "device.remove failed"
	status_has devmgr '"dev.vblk1"' && fail "vblk1 still listed"
fi

# kill -9: the successor resumes the same devices from the devstate region.
kill -9 "$DEVMGR"
wait "$DEVMGR" 2>/dev/null
start_devmgr
wait_for 20 status_has devmgr '"resumed":true' ||
	fail "restarted devmgr does not answer"
for dev in uart0 test0 rtc0 vblk0; do
	grep -q "\"dev.$dev\"" "$WORK/devmgr.status" ||
		fail "restarted devmgr lost $dev"
done
grep -q '"lost":0' "$WORK/devmgr.status" || fail "devices lost on resume"

# stop_term PID NAME: SIGTERM, and it must exit 0.
stop_term() {
	kill -TERM "$1"
	wait_for 20 test ! -d "/proc/$1" || fail "$2 ignores SIGTERM"
	wait "$1" || fail "$2 exited non-zero on SIGTERM"
}

stop_term "$DEVMGR" devmgr

# Play the supervisor's fd store: hold mmu's memfds (reopened through
# /proc), stop mmu, and hand them back through LISTEN_FDS/LISTEN_FDNAMES.
# The new mmu must adopt them, and the devices recorded in the devstate
# region must survive for the next devmgr.
HELD=() FDNAMES=()
for l in /proc/"$MMU"/fd/*; do
	t=$(readlink "$l") || continue
	case "$t" in /memfd:*) ;; *) continue ;; esac
	n=${t#/memfd:}; n=${n% (deleted)}; n=${n##*:}
	exec {fd}<>"$l" || fail "cannot hold $t"
	HELD+=("$fd") FDNAMES+=("$n")
done
[ "${#HELD[@]}" = 5 ] || fail "expected 5 memfds in mmu, got ${#HELD[@]}"
stop_term "$MMU" mmu
[ -e "$RUNTIME_DIRECTORY/mmu.sock" ] && fail "mmu left mmu.sock behind"
REDIR=""
for i in "${!HELD[@]}"; do
	REDIR="$REDIR $((3 + i))<>/proc/self/fd/${HELD[$i]}"
done
NAMES=$(IFS=:; echo "${FDNAMES[*]}")
LISTEN_FDNAMES=$NAMES LISTEN_FDS=${#HELD[@]} bash -c \
	"exec $REDIR; export LISTEN_PID=\$\$; exec \"\$0\" --vm $VM --ram 16" \
	"$BIN/tessera-mmu" 2>>"$WORK/mmu.err" &
MMU=$!
PIDS+=("$MMU")
for fd in "${HELD[@]}"; do exec {fd}>&-; done
wait_for 20 status_has mmu '"adopted":true' || fail "mmu did not adopt"
start_devmgr
wait_for 20 status_has devmgr '"resumed":true' ||
	fail "devmgr did not resume after the mmu restart"
grep -q '"dev.vblk0"' "$WORK/devmgr.status" || fail "vblk0 lost with mmu"

stop_term "$DEVMGR" devmgr
stop_term "$MMU" mmu
echo "it_daemons: ok"
