#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every guest test program (tests/guest: bare_*, htif_*, isa_*, prog_*; the
# bench_* programs belong to bench/cpu.sh) under Tessera's standalone harness
# and checks that each one exits 0 and prints its signature line. When
# tests/guest/expected.sig (recorded under QEMU, the reference) has a line
# for the program, the number of checks must match it (so no check can be
# skipped silently). The sig= hash covers addresses too, so it changes with
# the binary: it_difftest.sh compares it, on the same binary, with QEMU's.
#
#   TESSERA_RUNNER   command prefix the ELF path is appended to; default
#                    "$TESSERA_BIN_DIR/tessera-vcpu --standalone". The word
#                    "qemu" stands for qemu-system-riscv64 -M virt -bios none
#                    (-M spike for the htif_* programs, which print nothing:
#                    for them the exit status alone counts).
#   TESSERA_TIMEOUT  seconds per program (default 120)
#   TESSERA_ONLY     a grep -E pattern: run only the programs it matches
#   --record         rewrite tests/guest/expected.sig from this run (use with
#                    TESSERA_RUNNER=qemu after changing a test program)
# Fails (never skips) when the harness binary is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=${TESSERA_SOURCE_DIR:-$(dirname "$here")}
guest=${TESSERA_GUEST_DIR:-}
bin=${TESSERA_BIN_DIR:-}
timeout_s=${TESSERA_TIMEOUT:-120}
expected="$src/tests/guest/expected.sig"
record=0
[ "${1:-}" = "--record" ] && record=1

QEMU_CMD="qemu-system-riscv64 -M virt -bios none -nographic -kernel"
QEMU_HTIF="qemu-system-riscv64 -M spike -bios none -nographic -kernel"
runner=${TESSERA_RUNNER:-}
qemu=0
if [ -z "$runner" ]; then
  if [ -z "$bin" ] || [ ! -x "$bin/tessera-vcpu" ]; then
    echo "it_isa: FAIL: harness not found: ${bin:-<TESSERA_BIN_DIR unset>}/tessera-vcpu" >&2
    exit 1
  fi
  runner="$bin/tessera-vcpu --standalone"
elif [ "$runner" = "qemu" ]; then
  runner=$QEMU_CMD
  qemu=1
fi
if [ -z "$guest" ] || [ ! -d "$guest" ]; then
  echo "it_isa: FAIL: TESSERA_GUEST_DIR (${guest:-unset}) is not a directory" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
elfs=("$guest"/bare_*.elf "$guest"/htif_*.elf "$guest"/isa_*.elf "$guest"/prog_*.elf)
if [ -n "${TESSERA_ONLY:-}" ]; then
  sel=()
  for e in "${elfs[@]}"; do
    basename "$e" .elf | grep -Eq -- "$TESSERA_ONLY" && sel+=("$e")
  done
  elfs=("${sel[@]}")
fi
if [ ${#elfs[@]} -eq 0 ]; then
  echo "it_isa: FAIL: no guest programs in $guest" >&2
  exit 1
fi

fails=0
: > "$tmp/record"
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" .elf)
  out="$tmp/$name.out"
  cmd=$runner
  [ $qemu -eq 1 ] && [[ $name == htif_* ]] && cmd=$QEMU_HTIF
  # stdin from /dev/null: QEMU's -nographic console would otherwise grab the tty
  timeout -k 5 "$timeout_s" $cmd "$elf" < /dev/null > "$out" 2> "$tmp/$name.err"
  rc=$?
  tr -d '\r' < "$out" > "$out.clean"
  line=$(grep -E "^$name: .*\bok\b" "$out.clean" | tail -n 1)
  [[ $name == htif_* ]] && [ $rc -eq 0 ] && line="$name: exit 0 ok"

  why=""
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    why="timed out after ${timeout_s}s"
  elif [ $rc -ne 0 ]; then
    why="exit status $rc"
  elif [ -z "$line" ]; then
    why="no '$name: ... ok' line"
  elif [ $record -eq 0 ] && [ -f "$expected" ] &&
       want=$(grep -E "^$name: " "$expected") &&
       [ "${line% sig=*}" != "${want% sig=*}" ]; then
    why="'${line% sig=*}', expected '${want% sig=*}'"
  fi
  if [ -n "$why" ]; then
    echo "FAIL $name: $why"
    sed 's/^/    | /' "$out.clean" | tail -n 40
    sed 's/^/    ! /' "$tmp/$name.err" | tail -n 10
    fails=$((fails + 1))
  else
    echo "ok   $name: ${line#"$name: "}"
    echo "$line" >> "$tmp/record"
  fi
done

if [ $record -eq 1 ]; then
  {
    echo "# Signature lines of the guest test programs, recorded under"
    echo "# qemu-system-riscv64 (the reference) by tests/it_isa.sh --record."
    cat "$tmp/record"
  } > "$expected"
  echo "it_isa: recorded $(grep -vc '^#' "$expected") signatures in $expected"
fi
echo "it_isa: ${#elfs[@]} programs, $fails failed"
[ $fails -eq 0 ]
