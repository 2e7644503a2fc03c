#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Linux boot time: OpenSBI fw_jump + Linux 6.1 + the busybox initramfs,
# booted until init has run one command and powered the machine off
# (tessera.run="true" on the command line), under qemu-system-riscv64 -M
# virt and under Tessera, in the same run. Needs the guest images
# (guest/build.sh builds them once, about 10 minutes, then they are cached).
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
eval "$(bash "$root/guest/build.sh" 2>/dev/null | grep -E '^(KERNEL|INITRD|DISK)=')"
args='console=ttyS0 quiet tessera.run="true"'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(ms)
timeout 120 qemu-system-riscv64 -M virt -m 256M -nographic -bios "$fw" \
  -kernel "$KERNEL" -initrd "$INITRD" -append "$args" > "$tmp/qemu.log" 2>&1 || true
t1=$(ms)
grep -q "tessera.run: exit 0" "$tmp/qemu.log" || { echo "boot: QEMU did not reach init" >&2; exit 1; }
qemu_ms=$((t1 - t0))
echo "qemu-system-riscv64 -M virt:  boot to init + poweroff ${qemu_ms} ms"

vcpu=$build/bin/tessera-vcpu
if ! "$vcpu" --help 2>&1 | grep -q -- '--initrd'; then
  echo "tessera: not measured (tessera-vcpu has no --initrd yet)"
  exit 0
fi
initrd_at=0x88000000
initrd_end=$(printf '0x%x' $((initrd_at + $(stat -c %s "$INITRD"))))
"$build/tests/tools/tool_fdt" "$tmp/board.dtb" 256 0 "$args" "$initrd_at" "$initrd_end"
t0=$(ms)
timeout 300 "$vcpu" --standalone --bios "$fw" --kernel "$KERNEL" \
  --initrd "$INITRD" --dtb "$tmp/board.dtb" > "$tmp/tessera.log" 2>&1 || true
t1=$(ms)
grep -q "tessera.run: exit 0" "$tmp/tessera.log" || { echo "boot: Tessera did not reach init" >&2; tail -5 "$tmp/tessera.log" >&2; exit 1; }
t_ms=$((t1 - t0))
echo "tessera (interpreter):       boot to init + poweroff ${t_ms} ms"
awk -v a="$t_ms" -v b="$qemu_ms" 'BEGIN { printf "ratio tessera / qemu: %.2f\n", a / b }'
