/* SPDX-License-Identifier: MIT */
/*
 * The device tree of Tessera's board, generated from the memory map table
 * (memmap.h) with libfdt, in the shape OpenSBI's generic platform and
 * Linux expect of a "virt"-style machine.
 */
#ifndef TESSERA_MMU_FDT_H
#define TESSERA_MMU_FDT_H

#include <stddef.h>
#include <stdint.h>

struct mmu_fdt_config {
	unsigned harts;            /* 1.. */
	uint64_t ram_size;         /* bytes of RAM at the RAM base */
	const char *bootargs;      /* kernel command line, may be NULL */
	uint64_t initrd_start;     /* guest physical; 0 = no initrd */
	uint64_t initrd_end;
	uint32_t virtio_slots;     /* bit n: virtio-mmio slot n is present */
};

/*
 * mmu_fdt_build - write the flattened device tree for @cfg into @buf of
 * @size bytes. Returns its total size, -ENOSPC when @buf is too small, or
 * -EINVAL for a bad configuration. Pure; any process.
 */
int mmu_fdt_build(void *buf, size_t size, const struct mmu_fdt_config *cfg);

#endif
