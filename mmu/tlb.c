/* SPDX-License-Identifier: MIT */
/*
 * Filling and flushing the software TLB (see tlb.h). Flushes only touch
 * the tables that were filled since they were last cleared, so the
 * frequent satp writes of a Linux guest cost a few KiB of stores at most.
 */
#include "mmu/tlb.h"

#include <string.h>

#include "mmu/mmu.h"

#define TLB_TABLES  (MMU_CTX__COUNT * MMU_ACC__COUNT)
#define TLB_ALL     ((1u << TLB_TABLES) - 1)
#define TLB_M_ONLY  (((1u << MMU_ACC__COUNT) - 1) << (MMU_CTX_M * MMU_ACC__COUNT))

static void flush_tables(struct mmu_tlb *t, uint32_t mask)
{
	uint32_t bits = t->dirty & mask;

	while (bits) {
		unsigned b = (unsigned)__builtin_ctz(bits);

		bits &= bits - 1;
		memset(t->tab[b / MMU_ACC__COUNT][b % MMU_ACC__COUNT], 0xff,
		       sizeof(t->tab[0][0]));
	}
	t->dirty &= ~mask;
}

static void reset_large(struct mmu_tlb *t)
{
	t->large_lo = UINT64_MAX;
	t->large_hi = 0;
}

void mmu_tlb_flush_all(struct mmu_hart *m)
{
	flush_tables(&m->tlb, TLB_ALL);
	reset_large(&m->tlb);
}

void mmu_tlb_flush_translated(struct mmu_hart *m)
{
	/* Superpage entries only exist in translated contexts. */
	flush_tables(&m->tlb, TLB_ALL & ~TLB_M_ONLY);
	reset_large(&m->tlb);
}

void mmu_tlb_flush_page(struct mmu_hart *m, uint64_t va)
{
	struct mmu_tlb *t = &m->tlb;
	uint64_t page = va & MMU_PAGE_MASK;
	unsigned idx = (unsigned)(va >> MMU_PAGE_SHIFT) & MMU_TLB_MASK;

	if (va >= t->large_lo && va <= t->large_hi) {
		mmu_tlb_flush_translated(m);
		return;
	}
	for (unsigned c = 0; c < MMU_CTX__COUNT; c++)
		for (unsigned a = 0; a < MMU_ACC__COUNT; a++)
			if (t->tab[c][a][idx].tag == page)
				t->tab[c][a][idx].tag = MMU_TLB_INVALID;
}

void mmu_tlb_fill(struct mmu_hart *m, enum mmu_ctx ctx, enum mmu_access acc,
		  uint64_t va, uint8_t *host_page, uint64_t map_size)
{
	struct mmu_tlb *t = &m->tlb;
	uint64_t page = va & MMU_PAGE_MASK;
	struct mmu_tlb_entry *e =
		&t->tab[ctx][acc][(va >> MMU_PAGE_SHIFT) & MMU_TLB_MASK];

	e->tag = page;
	e->addend = (uintptr_t)host_page - (uintptr_t)page;
	t->dirty |= 1u << (ctx * MMU_ACC__COUNT + acc);
	if (map_size > MMU_PAGE_SIZE) {
		uint64_t base = va & ~(map_size - 1);

		if (base < t->large_lo)
			t->large_lo = base;
		if (base + (map_size - 1) > t->large_hi)
			t->large_hi = base + (map_size - 1);
	}
	m->fills++;
}
