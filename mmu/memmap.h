/* SPDX-License-Identifier: MIT */
/*
 * The guest physical memory map of Tessera's "virt"-style board.
 *
 * One static table indexed by enum mmu_mem_id, as in QEMU's virt_memmap: the
 * vcpu routes accesses with it, devmgr places devices with it, and the device
 * tree is generated from it. Nothing else may hard-code a guest address.
 */
#ifndef TESSERA_MMU_MEMMAP_H
#define TESSERA_MMU_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

enum mmu_mem_id {
	MMU_MEM_BOOTROM,   /* reset trampoline, emulated in the vcpu */
	MMU_MEM_TEST,      /* sifive,test1 finisher, devmgr */
	MMU_MEM_RTC,       /* google,goldfish-rtc, devmgr */
	MMU_MEM_CLINT,     /* mtime/mtimecmp/msip, vcpu */
	MMU_MEM_PLIC,      /* state in the shared irqchip page, vcpu */
	MMU_MEM_UART0,     /* ns16550a, devmgr */
	MMU_MEM_VIRTIO,    /* MMU_VIRTIO_SLOTS virtio-mmio slots, devmgr */
	MMU_MEM_RAM,       /* guest RAM, one memfd shared by every process */
	MMU_MEM__COUNT
};

/* Who emulates an MMIO window. */
enum mmu_mem_owner {
	MMU_OWNER_RAM,
	MMU_OWNER_VCPU,
	MMU_OWNER_DEVMGR,
};

struct mmu_mem_region {
	const char *name;       /* device tree node name stem */
	uint64_t base;
	uint64_t size;          /* RAM: the default size; see mmu_ram_size */
	enum mmu_mem_owner owner;
	int irq;                /* PLIC source, or 0 for none */
};

#define MMU_VIRTIO_SLOTS     8
#define MMU_VIRTIO_SLOT_SIZE 0x1000u
#define MMU_VIRTIO_IRQ_BASE  1   /* slot n raises PLIC source 1 + n */
#define MMU_UART0_IRQ        10
#define MMU_PLIC_SOURCES     32  /* sources 1..31; 0 means "none" */
#define MMU_RAM_DEFAULT_SIZE (256ull << 20)
#define MMU_RAM_MAX_SIZE     (16ull << 30)
#define MMU_KERNEL_OFFSET    0x200000ull  /* fw_jump's FW_JUMP_ADDR - RAM base */
#define MMU_TIMEBASE_HZ      10000000ull  /* mtime frequency: 10 MHz */

/* The table itself; index with enum mmu_mem_id. */
extern const struct mmu_mem_region mmu_memmap[MMU_MEM__COUNT];

/*
 * mmu_memmap_find - the region that contains guest physical address @pa
 * (for RAM, up to @ram_size bytes), or NULL. Pure; any process, any thread.
 */
const struct mmu_mem_region *mmu_memmap_find(uint64_t pa, uint64_t ram_size);

/*
 * mmu_memmap_id - the id of @r, a pointer into mmu_memmap.
 */
static inline enum mmu_mem_id mmu_memmap_id(const struct mmu_mem_region *r)
{
	return (enum mmu_mem_id)(r - mmu_memmap);
}

#endif
