/* SPDX-License-Identifier: MIT */
/*
 * PMP checks and PMP CSR writes (see pmp.h). Checks run on TLB misses and
 * page-table walks only: a TLB entry is created for a page only when one
 * PMP decision holds for the whole page, so hits need no check.
 */
#include "mmu/pmp.h"

#include <errno.h>

#include "mmu/tlb.h"
#include "mmu/walk.h"

#define PMP_RWX (MMU_PROT_R | MMU_PROT_W | MMU_PROT_X)

/* The bytes [*lo, *hi] entry @i matches; 0 when it matches nothing. */
static int entry_range(const struct vcpu_state *s, unsigned i, uint64_t *lo,
		       uint64_t *hi)
{
	unsigned cfg = mmu_pmp_cfg_byte(s, i);
	uint64_t a = s->pmpaddr[i] & MMU_PMP_ADDR_MASK;
	uint64_t base, size;
	unsigned ones;

	switch ((cfg >> MMU_PMP_A_SHIFT) & 3) {
	case MMU_PMP_A_TOR:
		base = i ? (s->pmpaddr[i - 1] & MMU_PMP_ADDR_MASK) << 2 : 0;
		if (base >= a << 2)
			return 0;
		*lo = base;
		*hi = (a << 2) - 1;
		return 1;
	case MMU_PMP_A_NA4:
		*lo = a << 2;
		*hi = *lo + 3;
		return 1;
	case MMU_PMP_A_NAPOT:
		ones = (unsigned)__builtin_ctzll(~a);  /* <= 54: a has 54 bits */
		if (ones >= 54) {
			*lo = 0;
			*hi = UINT64_MAX;
			return 1;
		}
		size = 8ull << ones;
		*lo = (a << 2) & ~(size - 1);
		*hi = *lo + (size - 1);
		return 1;
	default:
		return 0;
	}
}

int mmu_pmp_prot(const struct vcpu_state *s, uint64_t pa, uint64_t len,
		 unsigned priv)
{
	uint64_t last = pa + len - 1;

	if (len == 0 || last < pa)
		return MMU_PMP_PARTIAL;
	for (unsigned i = 0; i < VCPU_PMP_ENTRIES; i++) {
		uint64_t lo, hi;
		unsigned cfg, prot;

		if (!entry_range(s, i, &lo, &hi) || last < lo || pa > hi)
			continue;
		if (pa < lo || last > hi)
			return MMU_PMP_PARTIAL;
		cfg = mmu_pmp_cfg_byte(s, i);
		if (priv == VCPU_PRIV_M && !(cfg & MMU_PMP_L))
			return PMP_RWX;
		prot = cfg & PMP_RWX;
		/* R=0 W=1 is reserved; the writer never stores it, a corrupt
		 * state gets no data access */
		if ((prot & (MMU_PROT_R | MMU_PROT_W)) == MMU_PROT_W)
			prot &= ~(unsigned)(MMU_PROT_R | MMU_PROT_W);
		return (int)prot;
	}
	return priv == VCPU_PRIV_M ? PMP_RWX : 0;
}

int mmu_pmp_write_cfg(struct mmu_hart *m, unsigned reg, uint64_t val)
{
	struct vcpu_state *s = m->state;
	uint64_t old, out = 0;

	if (reg != 0 && reg != 2)
		return -EINVAL;
	old = s->pmpcfg[reg / 2];
	for (unsigned b = 0; b < 8; b++) {
		unsigned ob = (unsigned)(old >> (8 * b)) & 0xff;
		unsigned nb = (unsigned)(val >> (8 * b)) & 0xff;

		if (ob & MMU_PMP_L) {
			nb = ob;
		} else {
			nb &= ~0x60u;
			if ((nb & (MMU_PMP_R | MMU_PMP_W)) == MMU_PMP_W)
				nb &= ~(MMU_PMP_R | MMU_PMP_W);
		}
		out |= (uint64_t)nb << (8 * b);
	}
	s->pmpcfg[reg / 2] = out;
	mmu_tlb_flush_all(m);
	return 0;
}

int mmu_pmp_write_addr(struct mmu_hart *m, unsigned idx, uint64_t val)
{
	struct vcpu_state *s = m->state;

	if (idx >= VCPU_PMP_ENTRIES)
		return -EINVAL;
	if (mmu_pmp_cfg_byte(s, idx) & MMU_PMP_L)
		return 0;
	if (idx + 1 < VCPU_PMP_ENTRIES) {
		unsigned next = mmu_pmp_cfg_byte(s, idx + 1);

		if ((next & MMU_PMP_L) &&
		    ((next >> MMU_PMP_A_SHIFT) & 3) == MMU_PMP_A_TOR)
			return 0;
	}
	s->pmpaddr[idx] = val & MMU_PMP_ADDR_MASK;
	mmu_tlb_flush_all(m);
	return 0;
}
