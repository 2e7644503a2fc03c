#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Multi-process data plane (bench_mmio.c): MMIO round trip to a devmgr
# process through the rings vs in-process dispatch, and guest UART
# throughput both ways, measured in one run. Takes the build dir as $1.
set -euo pipefail
exec "${1:-build}/bench/bench_mmio"
