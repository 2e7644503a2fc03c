/* SPDX-License-Identifier: MIT */
/*
 * The board's memory map as data (see memmap.h). Addresses follow the
 * layout that OpenSBI's generic platform and Linux know from QEMU's virt
 * machine, so that the same firmware and kernels run unchanged.
 */
#include "mmu/memmap.h"

#include <stddef.h>

const struct mmu_mem_region mmu_memmap[MMU_MEM__COUNT] = {
	[MMU_MEM_BOOTROM] = { "rom",    0x00001000, 0x1000, MMU_OWNER_VCPU, 0 },
	[MMU_MEM_TEST]    = { "test",   0x00100000, 0x1000, MMU_OWNER_DEVMGR, 0 },
	[MMU_MEM_RTC]     = { "rtc",    0x00101000, 0x1000, MMU_OWNER_DEVMGR, 11 },
	[MMU_MEM_CLINT]   = { "clint",  0x02000000, 0x10000, MMU_OWNER_VCPU, 0 },
	[MMU_MEM_PLIC]    = { "plic",   0x0c000000, 0x600000, MMU_OWNER_VCPU, 0 },
	[MMU_MEM_UART0]   = { "serial", 0x10000000, 0x100, MMU_OWNER_DEVMGR,
			      MMU_UART0_IRQ },
	[MMU_MEM_VIRTIO]  = { "virtio_mmio", 0x10001000,
			      MMU_VIRTIO_SLOTS * MMU_VIRTIO_SLOT_SIZE,
			      MMU_OWNER_DEVMGR, MMU_VIRTIO_IRQ_BASE },
	[MMU_MEM_RAM]     = { "memory", 0x80000000, MMU_RAM_DEFAULT_SIZE,
			      MMU_OWNER_RAM, 0 },
};

const struct mmu_mem_region *mmu_memmap_find(uint64_t pa, uint64_t ram_size)
{
	for (size_t i = 0; i < MMU_MEM__COUNT; i++) {
		const struct mmu_mem_region *r = &mmu_memmap[i];
		uint64_t size = i == MMU_MEM_RAM ? ram_size : r->size;

		if (pa >= r->base && pa - r->base < size)
			return r;
	}
	return NULL;
}
