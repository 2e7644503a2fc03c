#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make run: boots the default guest, OpenSBI + Linux 6.1 + busybox, to a
# shell on this terminal, with a virtio-blk disk at /dev/vda. The guest
# images are built once from Debian packages (guest/build.sh, about ten
# minutes) and cached. The hart runs in tessera-vcpu's standalone mode (one
# process); the multi-process machine under `tessera run` is not finished.
#
# Leave with `poweroff` in the guest, or Ctrl-C. If the guest images cannot
# be built, the bare-metal mini OS from tests/guest runs instead.
#
# env: TESSERA_KERNEL, TESSERA_INITRD, TESSERA_DISK  boot your own images
#      TESSERA_APPEND                                kernel command line
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
vcpu=$build/bin/tessera-vcpu
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
[ -x "$vcpu" ] || { echo "run: $vcpu is missing (make build)" >&2; exit 1; }

if [ -z "${TESSERA_KERNEL:-}" ]; then
  if images=$(bash "$root/guest/build.sh"); then
    eval "$(printf '%s\n' "$images" | grep -E '^(KERNEL|INITRD|DISK)=')"
  else
    echo "run: the Linux guest could not be built; booting the bare-metal mini OS" >&2
    exec "$vcpu" --standalone --stats "$build/tests/guest/prog_minios.elf"
  fi
  # The built disk stays pristine; the guest gets its own copy to keep.
  run_disk=${TESSERA_CACHE:-$HOME/.cache/tessera}/run/disk.img
  mkdir -p "$(dirname "$run_disk")"
  [ -f "$run_disk" ] || cp "$DISK" "$run_disk"
  DISK=$run_disk
else
  KERNEL=$TESSERA_KERNEL
  INITRD=${TESSERA_INITRD:-}
  DISK=${TESSERA_DISK:-}
fi

args=(--standalone --bios "$fw" --kernel "$KERNEL"
      --append "${TESSERA_APPEND:-console=ttyS0}")
[ -n "$INITRD" ] && args+=(--initrd "$INITRD")
[ -n "$DISK" ] && args+=(--disk "$DISK")
echo "tessera: booting Linux (leave with 'poweroff' or Ctrl-C); disk: ${DISK:-none}"
exec "$vcpu" "${args[@]}"
