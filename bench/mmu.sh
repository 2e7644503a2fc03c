#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Guest memory access micro-benchmark: runs BUILD/bench/bench_mmu, which
# times TLB hits (load/store/fetch), Sv39 walks on misses, U<->S context
# switches and satp flushes, each against a plain host load measured in
# the same run (the "ratio" column).
#
#   bash bench/mmu.sh BUILD        BENCH_MMU_ITERS=N  (default 20000000)
set -u
build=$(cd "${1:-build}" && pwd) || exit 1
bin="$build/bench/bench_mmu"
[ -x "$bin" ] || { echo "mmu bench: $bin not built" >&2; exit 1; }
exec timeout -k 5 300 "$bin" "${BENCH_MMU_ITERS:-20000000}"
