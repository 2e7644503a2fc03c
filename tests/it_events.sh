#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event plane integration test with real processes in a temporary runtime
# directory: tessera-broker, `tessera events --json` and tool_evgen. Checks
# every catalogue topic arrives with the values tool_evgen sent, that a
# second broker for the same VM refuses to start, that `tessera status`
# answers, and that after kill -9 and a restart of the broker the publisher
# and subscriber reconnect on their own and the subscriber reports a gap.
# Every wait is bounded; every process started here is killed on exit.
set -uo pipefail

BIN=${TESSERA_BIN_DIR:?}
TOOLS=${TESSERA_TOOL_DIR:?}
WORK=$(mktemp -d /tmp/it-events-XXXXXX)
export RUNTIME_DIRECTORY=$WORK/run
mkdir -m 0700 "$RUNTIME_DIRECTORY"
VM=itvm
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "it_events: FAIL: $*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local t=$(( $1 * 10 )); shift
	while (( t-- > 0 )); do "$@" && return 0; sleep 0.1; done
	return 1
}

lines() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }

start_broker() {
	"$BIN/tessera-broker" --vm "$VM" 2>>"$WORK/broker.err" &
	BROKER=$!
	PIDS+=("$BROKER")
	wait_for 20 test -S "$RUNTIME_DIRECTORY/events-out" ||
		fail "broker did not bind events-out"
	wait_for 20 "$BIN/tessera" status --vm "$VM" >/dev/null 2>&1 ||
		fail "broker control endpoint does not answer"
}

start_broker
"$BIN/tessera" status --vm "$VM" > "$WORK/status" ||
	fail "tessera status failed"
grep -q messages_in "$WORK/status" || fail "status lacks messages_in"

# A second broker for the same VM must refuse, with a message.
if timeout 10 "$BIN/tessera-broker" --vm "$VM" 2>"$WORK/second.err"; then
	fail "a second broker started"
fi
[ -s "$WORK/second.err" ] || fail "second broker gave no reason"

# Every topic, every field.
NTOPICS=$(grep -cE '^[[:space:]]*T\(' "$TESSERA_SOURCE_DIR/broker/catalogue.h")
[ "$NTOPICS" -gt 0 ] || fail "cannot count the catalogue's topics"
"$BIN/tessera" events --vm "$VM" --json --count "$NTOPICS" \
	> "$WORK/events.json" 2>"$WORK/events.err" &
SUB=$!; PIDS+=("$SUB")
"$TOOLS/tool_evgen" --endpoint "ipc://$RUNTIME_DIRECTORY/events-in" \
	--vm "$VM" --source evgen --expect "$WORK/expect.json" \
	2>"$WORK/evgen.err" || fail "tool_evgen failed"
wait_for 20 lines "$WORK/events.json" "$NTOPICS" ||
	fail "got $(wc -l < "$WORK/events.json") of $NTOPICS events"
wait_for 10 bash -c "! kill -0 $SUB 2>/dev/null" ||
	fail "tessera events --count did not exit"
python3 - "$WORK/expect.json" "$WORK/events.json" "$VM" <<'PY' ||
import json, sys
exp = [json.loads(l) for l in open(sys.argv[1])]
got = {}
for l in open(sys.argv[2]):
    e = json.loads(l)
    got[e["topic"]] = e
for e in exp:
    g = got.get(e["topic"])
    if g is None:
        sys.exit("missing topic %s" % e["topic"])
    if g["vm_id"] != sys.argv[3] or g["source"] != "evgen":
        sys.exit("bad header %r" % g)
    for k, v in e.items():
        if g.get(k) != v:
            sys.exit("%s.%s: want %r got %r" % (e["topic"], k, v, g.get(k)))
    for k in ("seq", "occurred_at"):
        if k not in g:
            sys.exit("%s lacks %s" % (e["topic"], k))
PY
	fail "event fields differ"

# Broker restart: publisher and subscriber reconnect; the subscriber
# reports the events lost meanwhile as a gap.
"$BIN/tessera" events --vm "$VM" --json --topic execution. \
	> "$WORK/loop.json" 2>"$WORK/loop.err" &
PIDS+=("$!")
"$TOOLS/tool_evgen" --endpoint "ipc://$RUNTIME_DIRECTORY/events-in" \
	--vm "$VM" --source looper --loop 5 2>/dev/null &
PIDS+=("$!")
wait_for 30 lines "$WORK/loop.json" 20 || fail "no counter events"
kill -9 "$BROKER"
wait "$BROKER" 2>/dev/null
sleep 0.5
BEFORE=$(wc -l < "$WORK/loop.json")
start_broker
wait_for 40 lines "$WORK/loop.json" $(( BEFORE + 20 )) ||
	fail "no events after the broker restart"
wait_for 10 grep -q gap "$WORK/loop.err" ||
	fail "subscriber reported no gap: $(cat "$WORK/loop.err")"

# Clean exit on SIGTERM.
kill -TERM "$BROKER"
wait_for 10 bash -c "! kill -0 $BROKER 2>/dev/null" ||
	fail "broker ignored SIGTERM"
wait "$BROKER"; rc=$?
[ "$rc" -eq 0 ] || fail "broker exited $rc on SIGTERM"
echo "it_events: ok"
