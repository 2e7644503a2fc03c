#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event plane throughput (bench_events.c): publisher -> ev_proxy ->
# subscriber in one process over ipc://, unbatched and batched, against
# raw ZeroMQ PUB -> the same broker -> SUB with the same frame sizes, plus the
# cost of publishing a topic nobody subscribed to. Build dir as $1.
set -euo pipefail
exec "${1:-build}/bench/bench_events" "${EVENTS_N:-1000000}"
