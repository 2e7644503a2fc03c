#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Tessera's default guest from Debian packages only: Linux 6.1 from
# linux-source-6.1 (tinyconfig + guest/linux.config), a static busybox from
# Debian's busybox source package, an initramfs around guest/init, and a
# small ext2 disk. Results are cached outside the tree, keyed by a hash of
# everything they are built from, so a second run prints the paths at once.
#
# usage: guest/build.sh            build what is missing, print KEY=path lines
# env:   TESSERA_CACHE             cache root (default ~/.cache/tessera)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}/guest
jobs=$(nproc)
cross=riscv64-linux-gnu-

say() { printf '[guest] %s\n' "$*" >&2; }

bash "$root/scripts/deps.sh" --guest

ensure_deb_src() {
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
     ! grep -rqs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding a deb-src line for Debian's busybox source package"
    cat > /etc/apt/sources.list.d/tessera-deb-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq
  fi
}
ensure_deb_src

ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
bb_ver=$(apt-cache showsrc busybox 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1)
# Each artifact has its own key, so that editing init does not rebuild Linux.
hash() { sha256sum | cut -c1-16; }
k_linux=$( { cat "$here/linux.config"; ver linux-source-6.1;
             ver gcc-riscv64-linux-gnu; } | hash)
k_bb=$( { cat "$here/busybox.config"; echo "$bb_ver"; ver gcc-riscv64-linux-gnu; } | hash)
k_initrd=$( { echo "$k_bb"; cat "$here/init"; } | hash)
k_disk=$(echo "ext2-32M-v1" | hash)

build_kernel() {
  local out=$cache/linux-$k_linux
  local src=$cache/src/linux-$(ver linux-source-6.1) obj=$out/obj
  mkdir -p "$out"
  if [ ! -d "$src" ]; then
    say "extracting linux-source-6.1"
    mkdir -p "$src.tmp"
    tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
  fi
  mkdir -p "$obj"
  say "configuring Linux (tinyconfig + guest/linux.config)"
  make -s -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=$cross tinyconfig >/dev/null
  (cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
     "$here/linux.config" >/dev/null)
  make -s -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=$cross olddefconfig >/dev/null
  local missing=0
  while read -r line; do
    case $line in CONFIG_*=y)
      grep -qx "$line" "$obj/.config" || { say "kernel option dropped: $line"; missing=1; } ;;
    esac
  done < "$here/linux.config"
  [ $missing -eq 0 ] || { say "fix guest/linux.config"; exit 1; }
  say "building Linux Image with $jobs jobs (a few minutes)"
  make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=$cross -j"$jobs" Image \
    2>&1 | grep -E '^\s+(LD|OBJCOPY)|error' >&2 || true
  [ -f "$obj/arch/riscv/boot/Image" ] || { say "kernel build failed"; exit 1; }
  cp "$obj/arch/riscv/boot/Image" "$out/Image.tmp" && mv "$out/Image.tmp" "$out/Image"
}

build_busybox() {
  local srcdir=$cache/src/busybox-${bb_ver//:/_}
  if [ ! -d "$srcdir" ]; then
    say "fetching Debian's busybox source package $bb_ver"
    mkdir -p "$cache/src/dl" && (cd "$cache/src/dl" && apt-get source -qq busybox >/dev/null)
    local d; d=$(find "$cache/src/dl" -maxdepth 1 -type d -name 'busybox-*' | head -1)
    mv "$d" "$srcdir"
  fi
  local out=$cache/busybox-$k_bb
  local obj=$out/obj
  mkdir -p "$obj"
  say "configuring busybox (defconfig, static)"
  make -s -C "$srcdir" O="$obj" defconfig >/dev/null
  while read -r line; do
    case $line in
      CONFIG_*=*) sed -i "s|^# ${line%%=*} is not set|$line|; s|^${line%%=*}=.*|$line|" "$obj/.config" ;;
      "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
        sed -i "s|^$opt=.*|$line|" "$obj/.config" ;;
    esac
  done < "$here/busybox.config"
  yes "" | make -s -C "$obj" CROSS_COMPILE=$cross oldconfig >/dev/null 2>&1 || true
  say "building busybox with $jobs jobs"
  make -s -C "$obj" CROSS_COMPILE=$cross -j"$jobs" busybox >/dev/null 2>"$obj/build.log" ||
    { tail -20 "$obj/build.log" >&2; exit 1; }
  cp "$obj/busybox" "$out/busybox.tmp" && mv "$out/busybox.tmp" "$out/busybox"
}

build_initramfs() {
  local out=$cache/initrd-$k_initrd
  local rootfs=$out/rootfs
  mkdir -p "$out"
  rm -rf "$rootfs" && mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,etc}
  cp "$cache/busybox-$k_bb/busybox" "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/sh"   # init installs the other applets
  install -m 0755 "$here/init" "$rootfs/init"
  say "packing initramfs"
  (cd "$rootfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9) \
    > "$out/initramfs.tmp" && mv "$out/initramfs.tmp" "$out/initramfs.cpio.gz"
}

build_disk() {
  local out=$cache/disk-$k_disk
  local d=$out/src
  mkdir -p "$out"
  rm -rf "$d" && mkdir -p "$d"
  echo "Tessera disk image" > "$d/README"
  mke2fs -q -t ext2 -F -d "$d" "$out/disk.tmp" 32M
  mv "$out/disk.tmp" "$out/disk.img"
}

[ -f "$cache/linux-$k_linux/Image" ] || build_kernel
[ -f "$cache/busybox-$k_bb/busybox" ] || build_busybox
[ -f "$cache/initrd-$k_initrd/initramfs.cpio.gz" ] || build_initramfs
[ -f "$cache/disk-$k_disk/disk.img" ] || build_disk
echo "KERNEL=$cache/linux-$k_linux/Image"
echo "INITRD=$cache/initrd-$k_initrd/initramfs.cpio.gz"
echo "DISK=$cache/disk-$k_disk/disk.img"
