#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make run: boots the default guest. Until the multi-process machine and
# the Linux boot land, the best guest that runs is the bare-metal mini OS
# (tests/guest/prog_minios.c: three user tasks under Sv39 with demand
# paging, system calls and timer preemption), run by tessera-vcpu in its
# standalone mode with the UART on this terminal.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
guest=$build/tests/guest/prog_minios.elf
vcpu=$build/bin/tessera-vcpu
[ -x "$vcpu" ] || { echo "run: $vcpu is missing (make build)" >&2; exit 1; }
[ -f "$guest" ] || { echo "run: $guest is missing (make build)" >&2; exit 1; }
echo "tessera: booting $(basename "$guest") (standalone hart, UART on this terminal)"
exec "$vcpu" --standalone --stats "$guest"
