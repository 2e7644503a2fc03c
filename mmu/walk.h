/* SPDX-License-Identifier: MIT */
/*
 * Sv39/Sv48 page-table walks (RISC-V privileged spec v1.12, 4.3.2 and
 * 4.5), with hardware A/D updating (the Svadu behaviour, as QEMU does by
 * default): the walker sets A on any access and D on a store with a
 * compare-and-swap on the PTE in guest RAM, and walks again if the PTE
 * changed under it. Used by the slow paths in access.c; exposed for tests
 * and debuggers.
 */
#ifndef TESSERA_MMU_WALK_H
#define TESSERA_MMU_WALK_H

#include <stdint.h>

#include "mmu/mmu.h"

/* Permission bits, the same values as PTE and pmpcfg R/W/X. */
#define MMU_PROT_R 1u
#define MMU_PROT_W 2u
#define MMU_PROT_X 4u

/* PTE bits. */
#define MMU_PTE_V (1ull << 0)
#define MMU_PTE_R (1ull << 1)
#define MMU_PTE_W (1ull << 2)
#define MMU_PTE_X (1ull << 3)
#define MMU_PTE_U (1ull << 4)
#define MMU_PTE_G (1ull << 5)
#define MMU_PTE_A (1ull << 6)
#define MMU_PTE_D (1ull << 7)
#define MMU_PTE_PPN_SHIFT 10
#define MMU_PTE_PPN_MASK  (((1ull << 44) - 1) << MMU_PTE_PPN_SHIFT)
#define MMU_PTE_RESERVED  (~((1ull << 54) - 1))  /* N, PBMT, reserved */

/* Flags of mmu_walk. */
#define MMU_WALK_PROBE 1u  /* check only: no A/D update, missing A/D is fine */

struct mmu_walk {
	uint64_t pa;    /* physical address of the walked va */
	uint64_t pte;   /* the leaf PTE, as left in memory */
	int level;      /* of the leaf: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ... */
	unsigned prot;  /* MMU_PROT_*: what the page allows at the walked
			 * privilege (U/SUM/MXR applied; W only when D is set) */
};

/*
 * mmu_walk_needed - whether a data (@acc READ/WRITE) or fetch access at
 * privilege @priv is translated under the current satp.
 */
int mmu_walk_needed(const struct vcpu_state *s, unsigned priv);

/*
 * mmu_walk - translate @va for an access of kind @acc made at privilege
 * @priv (S or U), under state->satp and state->mstatus (SUM, MXR). PTE
 * reads are PMP-checked as S-mode accesses. Returns 0 with *@out filled,
 * or -EFAULT with m->fault set (page fault for @va, or access fault when
 * a page table lies outside RAM or PMP denies it). Does not call the page
 * fault hook.
 */
int mmu_walk(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
	     unsigned priv, unsigned flags, struct mmu_walk *out);

#endif
