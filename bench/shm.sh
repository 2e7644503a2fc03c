#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# MMIO-plane costs between two processes (bench_shm.c): ring round trips
# under three wait policies and one-way throughput, against pipe and UNIX
# socket baselines measured in the same run. Takes the build dir as $1.
set -euo pipefail
exec "${1:-build}/bench/bench_shm"
