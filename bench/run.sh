#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: runs every bench/<name>.sh with the build directory, in a
# fixed order. Each script measures Tessera and its baseline in the same
# invocation and prints ratios; a failing script is reported and the rest
# still run, and the exit status says whether any failed.
set -u
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
status=0
for s in shm mmu events cpu mmio boot restart; do
  script="$here/$s.sh"
  [ -f "$script" ] || continue
  echo "== bench: $s"
  if ! bash "$script" "$build"; then
    echo "bench: $s failed" >&2
    status=1
  fi
  echo
done
exit $status
