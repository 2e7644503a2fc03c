#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Differential test: every guest program (tests/guest: bare_*, htif_*, isa_*,
# prog_*) runs under qemu-system-riscv64 (the reference; its spike machine
# for the htif_* programs, which end through HTIF) and under Tessera's
# standalone harness; their console output must be identical byte for byte
# and their exit statuses equal. A mismatch prints a unified diff.
#
#   TESSERA_RUNNER     command prefix for the side under test (ELF appended);
#                      default "$TESSERA_BIN_DIR/tessera-vcpu --standalone";
#                      "qemu" runs QEMU on both sides (to check this script)
#   TESSERA_REFERENCE  command prefix of the reference side; default QEMU
#   TESSERA_TIMEOUT    seconds per run (default 120)
#   TESSERA_ONLY       a grep -E pattern selecting programs by name
#   TESSERA_DIFF_BENCH=1  also compare the bench_* programs (slow)
# Fails (never skips) when the harness or QEMU is missing.
set -u

guest=${TESSERA_GUEST_DIR:-}
bin=${TESSERA_BIN_DIR:-}
timeout_s=${TESSERA_TIMEOUT:-120}
QEMU_CMD="qemu-system-riscv64 -M virt -bios none -nographic -kernel"
QEMU_HTIF="qemu-system-riscv64 -M spike -bios none -nographic -kernel"

fail() { echo "it_difftest: FAIL: $*" >&2; exit 1; }

runner=${TESSERA_RUNNER:-}
if [ -z "$runner" ]; then
  [ -n "$bin" ] && [ -x "$bin/tessera-vcpu" ] ||
    fail "harness not found: ${bin:-<TESSERA_BIN_DIR unset>}/tessera-vcpu"
  runner="$bin/tessera-vcpu --standalone"
elif [ "$runner" = "qemu" ]; then
  runner=$QEMU_CMD
fi
reference=${TESSERA_REFERENCE:-$QEMU_CMD}
reference_htif=${TESSERA_REFERENCE:-$QEMU_HTIF}
command -v "${reference%% *}" > /dev/null || fail "reference '${reference%% *}' not found"
[ -n "$guest" ] && [ -d "$guest" ] || fail "TESSERA_GUEST_DIR (${guest:-unset}) is not a directory"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
elfs=("$guest"/bare_*.elf "$guest"/htif_*.elf "$guest"/isa_*.elf "$guest"/prog_*.elf)
[ "${TESSERA_DIFF_BENCH:-0}" = 1 ] && elfs+=("$guest"/bench_*.elf)
if [ -n "${TESSERA_ONLY:-}" ]; then
  sel=()
  for e in "${elfs[@]}"; do
    basename "$e" .elf | grep -Eq -- "$TESSERA_ONLY" && sel+=("$e")
  done
  elfs=("${sel[@]}")
fi
[ ${#elfs[@]} -gt 0 ] || fail "no guest programs in $guest"

# run PREFIX ELF OUT: console output in OUT (carriage returns and QEMU's own
# messages removed), the exit status as the function's status.
run() {
  timeout -k 5 "$timeout_s" $1 "$2" < /dev/null > "$3.raw" 2> "$3.err"
  local rc=$?
  tr -d '\r' < "$3.raw" | grep -av '^qemu-system-riscv64: ' > "$3"
  return $rc
}

fails=0
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" .elf)
  ref=$reference
  dut=$runner
  if [[ $name == htif_* ]]; then
    ref=$reference_htif
    [ "$dut" = "$QEMU_CMD" ] && dut=$QEMU_HTIF
  fi
  run "$ref" "$elf" "$tmp/$name.ref"
  rc_ref=$?
  run "$dut" "$elf" "$tmp/$name.dut"
  rc_dut=$?
  if [ $rc_ref -ne 0 ]; then
    echo "FAIL $name: the reference itself exits $rc_ref"
    sed 's/^/    | /' "$tmp/$name.ref" | tail -n 20
    fails=$((fails + 1))
  elif ! cmp -s "$tmp/$name.ref" "$tmp/$name.dut"; then
    echo "FAIL $name: output differs (reference exit $rc_ref, tessera exit $rc_dut)"
    diff -u --label "qemu/$name" --label "tessera/$name" \
      "$tmp/$name.ref" "$tmp/$name.dut" | head -n 60 | sed 's/^/    /'
    sed 's/^/    ! /' "$tmp/$name.dut.err" | tail -n 10
    fails=$((fails + 1))
  elif [ $rc_ref -ne $rc_dut ]; then
    echo "FAIL $name: same output, exit $rc_dut instead of $rc_ref"
    fails=$((fails + 1))
  else
    echo "same $name ($(wc -c < "$tmp/$name.ref") bytes, exit $rc_ref)"
  fi
done
echo "it_difftest: ${#elfs[@]} programs, $fails differ"
[ $fails -eq 0 ]
