/* SPDX-License-Identifier: MIT */
/*
 * Loading guest images into RAM: 64-bit little-endian RISC-V ELF
 * executables (PT_LOAD segments at their physical addresses, the entry
 * point, and the HTIF tohost/fromhost symbols) and raw binaries at an
 * address. Every offset and size in the file is checked against the file
 * and against RAM before anything is copied; a malformed image is refused
 * with a message, never trusted. Pure functions over a RAM mapping: any
 * process (vcpu harness, mmu service) may call them.
 */
#ifndef TESSERA_VCPU_ELF_H
#define TESSERA_VCPU_ELF_H

#include <stddef.h>
#include <stdint.h>

struct vcpu_ram {
	uint8_t *base;      /* host mapping */
	uint64_t pa;        /* guest physical address of base[0] */
	uint64_t size;
};

struct vcpu_elf_info {
	uint64_t entry;
	uint64_t lo, hi;          /* physical range the segments cover */
	uint64_t tohost, fromhost; /* symbol addresses, 0 when absent */
};

/*
 * vcpu_elf_load - load the ELF image @img of @len bytes into @ram. Returns
 * 0 with *@info filled, or -ENOEXEC (not a RISC-V ELF64 LE executable,
 * malformed header or tables), -ERANGE (a segment outside RAM) with a
 * one-line reason in @err (@errlen bytes, may be NULL). RAM may have been
 * partly written when loading fails.
 */
int vcpu_elf_load(const uint8_t *img, size_t len, const struct vcpu_ram *ram,
		  struct vcpu_elf_info *info, char *err, size_t errlen);

/*
 * vcpu_elf_load_file - read @path and vcpu_elf_load it. Also returns
 * -errno when the file cannot be read.
 */
int vcpu_elf_load_file(const char *path, const struct vcpu_ram *ram,
		       struct vcpu_elf_info *info, char *err, size_t errlen);

/*
 * vcpu_raw_load_file - copy the file @path to guest physical @addr.
 * Returns the number of bytes loaded (>= 0), -ERANGE when it does not fit
 * in RAM there, or -errno from reading it; @err says why.
 */
int64_t vcpu_raw_load_file(const char *path, uint64_t addr,
			   const struct vcpu_ram *ram, char *err, size_t errlen);

/*
 * vcpu_read_file - the whole of @path in a malloc'ed buffer (caller frees)
 * in *@buf, its size in *@len, at most @max bytes. Returns 0 or -errno
 * (-EFBIG when larger than @max).
 */
int vcpu_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

#endif
