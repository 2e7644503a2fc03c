#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CPU benchmark: runs each guest benchmark (BUILD/tests/guest/bench_*.elf)
# under qemu-system-riscv64 (the baseline) and under Tessera's standalone
# harness in the same invocation, checks that both print the same checksum
# line, and prints a table of wall times, the Tessera/QEMU time ratio and
# guest MIPS. The instruction count comes from the harness's --stats output
# (a line with "instret" and a number) when it has that option; the same
# count then gives QEMU's MIPS too, the programs being deterministic.
# Variants: the interpreter always, plus --jit when the harness offers it.
#
#   bash bench/cpu.sh BUILD            (make bench runs it via bench/run.sh)
#   BENCH_ONLY=int,fp  a subset;  BENCH_REPEAT=3  best of 3;
#   BENCH_TIMEOUT=600  seconds per run
# Exit status: 0 when every run finished with matching checksums.
set -u

build=$(cd "${1:-build}" && pwd) || exit 1
guest="$build/tests/guest"
vcpu="$build/bin/tessera-vcpu"
repeat=${BENCH_REPEAT:-1}
limit=${BENCH_TIMEOUT:-600}
QEMU=(qemu-system-riscv64 -M virt -bios none -nographic -kernel)

command -v qemu-system-riscv64 > /dev/null ||
  { echo "cpu bench: qemu-system-riscv64 not found" >&2; exit 1; }
[ -x "$vcpu" ] || { echo "cpu bench: $vcpu not built" >&2; exit 1; }
shopt -s nullglob
elfs=("$guest"/bench_*.elf)
[ ${#elfs[@]} -gt 0 ] ||
  { echo "cpu bench: no $guest/bench_*.elf (build target guest_programs)" >&2; exit 1; }

help=$("$vcpu" --help 2>&1)
stats=()
grep -q -- '--stats' <<< "$help" && stats=(--stats)
variants=("interp")
grep -q -- '--jit' <<< "$help" && variants+=("jit")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }

# timed OUT CMD...: best wall time of $repeat runs in seconds on stdout;
# the last run's stdout/stderr in OUT.out/OUT.err; status of the last run.
timed() {
  local out=$1 best="" rc=0 t0 t1 ns
  shift
  for ((r = 0; r < repeat; r++)); do
    t0=$(now)
    timeout -k 5 "$limit" "$@" < /dev/null > "$out.out" 2> "$out.err"
    rc=$?
    t1=$(now)
    ns=$((t1 - t0))
    if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
  return $rc
}

checksum() { tr -d '\r' < "$1" | grep -a 'checksum' | tail -n 1; }
instret() { grep -aoiE 'instret[^0-9]*[0-9]+' "$1" | grep -oE '[0-9]+$' | tail -n 1; }
mips() { awk -v n="$1" -v s="$2" 'BEGIN { if (n == "" || s <= 0) print "-"; else printf "%.1f", n / s / 1e6 }'; }

t_boot=$(timed "$tmp/boot" "${QEMU[@]}" "$guest/bare_smoke.elf")
echo "qemu-system-riscv64 start-up + bare_smoke: ${t_boot}s (included in every QEMU time)"
printf '%-14s %-7s %10s %10s %8s %12s %10s %10s  %s\n' benchmark variant \
  "qemu s" "tessera s" "ratio" "instret" "qemu MIPS" "MIPS" checksum
status=0
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" .elf)
  short=${name#bench_}
  if [ -n "${BENCH_ONLY:-}" ] && [[ ",$BENCH_ONLY," != *",$short,"* ]]; then
    continue
  fi
  tq=$(timed "$tmp/q" "${QEMU[@]}" "$elf")
  rq=$?
  want=$(checksum "$tmp/q.out")
  if [ $rq -ne 0 ] || [ -z "$want" ]; then
    echo "$name: QEMU run failed (status $rq)" >&2
    status=1
    continue
  fi
  for v in "${variants[@]}"; do
    flags=("${stats[@]}")
    [ "$v" = jit ] && flags+=(--jit)
    tt=$(timed "$tmp/t" "$vcpu" --standalone "${flags[@]}" "$elf")
    rt=$?
    got=$(checksum "$tmp/t.out")
    n=$(instret "$tmp/t.err")
    [ -z "$n" ] && n=$(instret "$tmp/t.out")
    verdict="same"
    if [ $rt -ne 0 ]; then
      verdict="FAILED (status $rt)"
      status=1
    elif [ "$got" != "$want" ]; then
      verdict="DIFFERS: '$got' vs qemu '$want'"
      status=1
    fi
    ratio=$(awk -v a="$tt" -v b="$tq" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-14s %-7s %10s %10s %8s %12s %10s %10s  %s\n' "$name" "$v" \
      "$tq" "$tt" "$ratio" "${n:--}" "$(mips "$n" "$tq")" "$(mips "$n" "$tt")" \
      "$verdict"
  done
done
echo "ratio = Tessera time / QEMU time (lower is better); MIPS = guest instructions / wall second"
exit $status
