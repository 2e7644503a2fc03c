/* SPDX-License-Identifier: MIT */
/*
 * Guest memory accesses of one hart: loads, stores, instruction fetches
 * and host pointers for atomics.
 *
 * Each call tries the TLB inline (tag compare, then a host memcpy) and
 * falls back to the out-of-line slow path in access.c, which walks the
 * page tables, checks PMP, routes MMIO and fills the TLB.
 *
 * All return 0 on success, or -EFAULT with m->fault set to the exception
 * the instruction must raise (cause + tval); the memory.page_fault hook has
 * then been called for page faults. Values are little-endian and
 * zero-extended; the caller sign-extends.
 *
 * Misaligned loads and stores are performed, not trapped, also across a
 * page boundary: both pages are translated (and, for stores, checked
 * writable) before any byte moves, so a fault leaves memory untouched.
 * The tval of a fault in the second page is the first address in that page
 * (the privileged spec: "the portion of the access that caused the
 * fault"), otherwise the access's own address. Misaligned accesses to MMIO
 * are access faults.
 */
#ifndef TESSERA_MMU_ACCESS_H
#define TESSERA_MMU_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mmu/mmu.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Tessera's guest memory access assumes a little-endian host"
#endif

/* The out-of-line halves; call the inline wrappers instead. */
int mmu_load_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		  uint64_t *val);
int mmu_store_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		   uint64_t val);
int mmu_fetch_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		   uint32_t *val);
int mmu_fetch_insn_slow(struct mmu_hart *m, uint64_t va, uint32_t *insn);
void *mmu_host_ptr_slow(struct mmu_hart *m, uint64_t va, unsigned size,
			enum mmu_access acc);

/* Host read/write of 1, 2, 4 or 8 bytes at any alignment. */
static inline uint64_t mmu_host_read(const void *p, unsigned size)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1: memcpy(&v8, p, 1); return v8;
	case 2: memcpy(&v16, p, 2); return v16;
	case 4: memcpy(&v32, p, 4); return v32;
	default: memcpy(&v64, p, 8); return v64;
	}
}

static inline void mmu_host_write(void *p, unsigned size, uint64_t v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 1: memcpy(p, &v8, 1); break;
	case 2: memcpy(p, &v16, 2); break;
	case 4: memcpy(p, &v32, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

/*
 * mmu_load - load @size (1, 2, 4, 8) bytes at virtual @va into *@val, at
 * the effective privilege (MPRV applies).
 */
static inline int mmu_load(struct mmu_hart *m, uint64_t va, unsigned size,
			   uint64_t *val)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_READ], va, size);

	if (__builtin_expect(e != NULL, 1)) {
		*val = mmu_host_read((const void *)(uintptr_t)(va + e->addend),
				     size);
		return 0;
	}
	return mmu_load_slow(m, va, size, val);
}

/*
 * mmu_store - store the low @size (1, 2, 4, 8) bytes of @val at virtual
 * @va, at the effective privilege. Sets the PTE's D bit on first write.
 */
static inline int mmu_store(struct mmu_hart *m, uint64_t va, unsigned size,
			    uint64_t val)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_WRITE], va, size);

	if (__builtin_expect(e != NULL, 1)) {
		mmu_host_write((void *)(uintptr_t)(va + e->addend), size, val);
		return 0;
	}
	return mmu_store_slow(m, va, size, val);
}

/*
 * mmu_fetch_u16 - fetch the 16 bits at @va (2-aligned) at state->priv.
 */
static inline int mmu_fetch_u16(struct mmu_hart *m, uint64_t va,
				uint16_t *val)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_FETCH], va, 2);
	uint32_t v;
	int rc;

	if (__builtin_expect(e != NULL, 1)) {
		*val = (uint16_t)mmu_host_read(
			(const void *)(uintptr_t)(va + e->addend), 2);
		return 0;
	}
	rc = mmu_fetch_slow(m, va, 2, &v);
	*val = (uint16_t)v;
	return rc;
}

/*
 * mmu_fetch_u32 - fetch 32 bits at @va (2-aligned). When they straddle a
 * page boundary each half is translated on its own; a fault in the second
 * half reports tval = @va + 2. Decoders should prefer mmu_fetch_insn,
 * which does not touch the next page for a compressed instruction.
 */
static inline int mmu_fetch_u32(struct mmu_hart *m, uint64_t va,
				uint32_t *val)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_FETCH], va, 4);

	if (__builtin_expect(e != NULL, 1)) {
		*val = (uint32_t)mmu_host_read(
			(const void *)(uintptr_t)(va + e->addend), 4);
		return 0;
	}
	return mmu_fetch_slow(m, va, 4, val);
}

/*
 * mmu_fetch_insn - fetch the instruction at @va (2-aligned): 16 bits when
 * they are a compressed instruction (low bits != 3), else 32, the second
 * half then coming from the next page when @va is its last halfword.
 */
static inline int mmu_fetch_insn(struct mmu_hart *m, uint64_t va,
				 uint32_t *insn)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_FETCH], va, 2);

	if (__builtin_expect(e != NULL, 1)) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)(va + e->addend);
		uint32_t lo = (uint32_t)mmu_host_read(p, 2);

		if ((lo & 3) != 3) {
			*insn = lo;
			return 0;
		}
		if ((va & ~MMU_PAGE_MASK) != MMU_PAGE_SIZE - 2) {
			*insn = (uint32_t)mmu_host_read(p, 4);
			return 0;
		}
	}
	return mmu_fetch_insn_slow(m, va, insn);
}

/*
 * mmu_host_ptr - host address of the naturally aligned @size bytes at @va,
 * for LR (@acc READ), SC and AMOs (@acc WRITE: AMOs need write permission,
 * which implies read, and set D). Returns NULL with m->fault set: a
 * misaligned address is cause 4 (READ) or 6 (WRITE), an address outside
 * RAM (MMIO) an access fault 5 or 7, plus the usual page/PMP faults. The
 * pointer is valid until the next TLB flush; use host atomics on it.
 */
static inline void *mmu_host_ptr(struct mmu_hart *m, uint64_t va,
				 unsigned size, enum mmu_access acc)
{
	const struct mmu_tlb_entry *e;

	if (__builtin_expect((va & (size - 1)) == 0, 1)) {
		e = mmu_tlb_hit(m->tlb.cur[acc], va, size);
		if (__builtin_expect(e != NULL, 1))
			return (void *)(uintptr_t)(va + e->addend);
	}
	return mmu_host_ptr_slow(m, va, size, acc);
}

/*
 * mmu_translate - translate @va for an access of kind @acc at the
 * privilege that kind uses, exactly as the access itself would (A/D
 * updated, PMP checked for the @size bytes up to the end of @va's page,
 * TLB filled, page fault published) but without moving data. Returns 0
 * with *@pa set, or -EFAULT with m->fault set.
 */
int mmu_translate(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
		  unsigned size, uint64_t *pa);

#endif
