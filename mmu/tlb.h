/* SPDX-License-Identifier: MIT */
/*
 * The software TLB of one hart: direct-mapped tables of 4 KiB pages, one
 * per access kind (read, write, fetch) and per translation context.
 *
 * A context is the effective privilege plus SUM: M (untranslated, PMP
 * only), S, S with SUM, U. Keeping one set of tables per context means a
 * U<->S trap or a SUM toggle (Linux's copy_from_user) just switches the
 * cur[] pointers instead of flushing. MXR changes are rare (OpenSBI's
 * instruction emulation), so they flush the translated read tables.
 *
 * An entry is a tag (the guest virtual page address) and an addend: the
 * host address of a guest byte is va + addend. Only RAM pages whose PMP
 * permission is uniform over the page are entered; a write entry only once
 * the leaf PTE has D set, so the first store to a clean page walks and sets
 * D. Invalid entries hold a tag with low bits set, which never matches.
 * The layout (16-byte entries, tables at tlb.cur[acc]) is meant to be
 * readable from inline JIT code: index = (va >> 12) & MMU_TLB_MASK.
 */
#ifndef TESSERA_MMU_TLB_H
#define TESSERA_MMU_TLB_H

#include <stdint.h>

#define MMU_PAGE_SHIFT 12
#define MMU_PAGE_SIZE  (1ull << MMU_PAGE_SHIFT)
#define MMU_PAGE_MASK  (~(MMU_PAGE_SIZE - 1))

#define MMU_TLB_BITS 8
#define MMU_TLB_SIZE (1u << MMU_TLB_BITS)
#define MMU_TLB_MASK (MMU_TLB_SIZE - 1)
#define MMU_TLB_INVALID (~0ull)

/* Access kinds; also the index of a table in a context. */
enum mmu_access {
	MMU_ACC_READ = 0,
	MMU_ACC_WRITE = 1,
	MMU_ACC_FETCH = 2,
	MMU_ACC__COUNT
};

/* Translation contexts (see the top of this file). */
enum mmu_ctx {
	MMU_CTX_M,
	MMU_CTX_S,
	MMU_CTX_S_SUM,
	MMU_CTX_U,
	MMU_CTX__COUNT
};

struct mmu_tlb_entry {
	uint64_t tag;      /* virtual page address, or MMU_TLB_INVALID */
	uintptr_t addend;  /* host address - guest virtual address */
};

struct mmu_tlb {
	/* The tables of the current context, by enum mmu_access. */
	struct mmu_tlb_entry *cur[MMU_ACC__COUNT];
	uint32_t dirty;        /* bit ctx * 3 + acc: filled since last flush */
	uint32_t ctx_data;     /* enum mmu_ctx of loads and stores */
	uint32_t ctx_fetch;    /* enum mmu_ctx of fetches */
	/* Virtual range holding entries cut from superpages; an SFENCE.VMA
	 * by address inside it flushes everything. lo > hi when empty. */
	uint64_t large_lo, large_hi;
	struct mmu_tlb_entry tab[MMU_CTX__COUNT][MMU_ACC__COUNT][MMU_TLB_SIZE];
};

struct mmu_hart;

/*
 * mmu_tlb_hit - the entry of @table that maps all of [@va, @va + @size),
 * or NULL. An access that crosses into the next page never hits: the tag
 * is compared with the page of its last byte.
 */
static inline const struct mmu_tlb_entry *
mmu_tlb_hit(const struct mmu_tlb_entry *table, uint64_t va, unsigned size)
{
	const struct mmu_tlb_entry *e =
		&table[(va >> MMU_PAGE_SHIFT) & MMU_TLB_MASK];

	if (__builtin_expect(e->tag == ((va + size - 1) & MMU_PAGE_MASK), 1))
		return e;
	return (const struct mmu_tlb_entry *)0;
}

/*
 * mmu_tlb_flush_all - drop every entry of every context. Required after
 * the state was reset or restored, and done for you by mmu_satp_write,
 * mmu_sfence_vma and the PMP writers.
 */
void mmu_tlb_flush_all(struct mmu_hart *m);

/*
 * mmu_tlb_flush_translated - drop the entries of the S and U contexts
 * (satp changed; M-mode entries do not depend on it).
 */
void mmu_tlb_flush_translated(struct mmu_hart *m);

/*
 * mmu_tlb_flush_page - drop the entries for the virtual page of @va in
 * every context, or everything when @va may lie in a superpage that was
 * cached.
 */
void mmu_tlb_flush_page(struct mmu_hart *m, uint64_t va);

/*
 * mmu_tlb_fill - enter the 4 KiB page of @va, whose bytes are at host
 * address @host_page, into table @acc of context @ctx. @map_size is the
 * size of the mapping it was cut from (4 KiB, or a superpage's size, which
 * SFENCE.VMA by address must then drop whole). Called by the slow paths in
 * access.c only.
 */
void mmu_tlb_fill(struct mmu_hart *m, enum mmu_ctx ctx, enum mmu_access acc,
		  uint64_t va, uint8_t *host_page, uint64_t map_size);

#endif
