#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages Tessera needs to build, test and benchmark,
# only those that are missing, and says nothing when all are present.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config
  libzmq3-dev libmsgpack-dev check libsystemd-dev libfdt-dev
  gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
  opensbi qemu-system-misc device-tree-compiler
  systemd util-linux procps python3
)
if [ "${1:-}" = "--guest" ]; then
  # Only needed to build the Linux guest (guest/): kernel and busybox sources.
  pkgs+=(linux-source-6.1 bc bison flex libssl-dev libelf-dev cpio xz-utils
         e2fsprogs dpkg-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
