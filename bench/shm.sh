#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two-process round trip over the shm ring vs a pipe (bench_shm.c).
set -euo pipefail
exec "$1/bench/bench_shm"
