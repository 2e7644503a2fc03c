/* SPDX-License-Identifier: MIT */
/*
 * The Sv39/Sv48 page-table walk (privileged spec v1.12, 4.3.2), step by
 * step: canonical VA, PTE fetch (PMP-checked as S-mode, RAM only), V and
 * reserved encodings, leaf permissions with U/SUM/MXR, misaligned
 * superpages, then the A/D update as one compare-and-swap that restarts
 * the walk when another hart or process changed the PTE meanwhile.
 */
#include "mmu/walk.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "mmu/pmp.h"

#define VPN_BITS 9
#define PTE_SIZE 8

static const uint64_t page_cause[MMU_ACC__COUNT] = {
	[MMU_ACC_READ] = MMU_CAUSE_LOAD_PAGE,
	[MMU_ACC_WRITE] = MMU_CAUSE_STORE_PAGE,
	[MMU_ACC_FETCH] = MMU_CAUSE_FETCH_PAGE,
};

static const uint64_t access_cause[MMU_ACC__COUNT] = {
	[MMU_ACC_READ] = MMU_CAUSE_LOAD_ACCESS,
	[MMU_ACC_WRITE] = MMU_CAUSE_STORE_ACCESS,
	[MMU_ACC_FETCH] = MMU_CAUSE_FETCH_ACCESS,
};

static const unsigned need_prot[MMU_ACC__COUNT] = {
	[MMU_ACC_READ] = MMU_PROT_R,
	[MMU_ACC_WRITE] = MMU_PROT_W,
	[MMU_ACC_FETCH] = MMU_PROT_X,
};

static int fail(struct mmu_hart *m, uint64_t cause, uint64_t va)
{
	m->fault.cause = cause;
	m->fault.tval = va;
	return -EFAULT;
}

static int levels_of(uint64_t satp)
{
	switch (satp >> MMU_SATP_MODE_SHIFT) {
	case MMU_SATP_MODE_SV39: return 3;
	case MMU_SATP_MODE_SV48: return 4;
	default: return 0;
	}
}

int mmu_walk_needed(const struct vcpu_state *s, unsigned priv)
{
	return priv != VCPU_PRIV_M &&
	       (s->satp >> MMU_SATP_MODE_SHIFT) != MMU_SATP_MODE_BARE;
}

/* Host address of the PTE at @pa if the walker may access it with @prot. */
static uint64_t *pte_ptr(struct mmu_hart *m, uint64_t pa, unsigned prot)
{
	int p = mmu_pmp_prot(m->state, pa, PTE_SIZE, VCPU_PRIV_S);

	if ((p & (int)prot) != (int)prot)
		return NULL;
	return mmu_phys_ptr(m, pa, PTE_SIZE);
}

/* What a leaf PTE lets @priv do, before A/D are considered. */
static unsigned leaf_prot(const struct vcpu_state *s, unsigned priv,
			  uint64_t pte)
{
	unsigned p = (unsigned)(pte >> 1) & 7;  /* R, W, X in PTE order */

	if ((s->mstatus & MMU_MSTATUS_MXR) && (pte & MMU_PTE_X))
		p |= MMU_PROT_R;
	if (priv == VCPU_PRIV_U)
		return (pte & MMU_PTE_U) ? p : 0;
	if (pte & MMU_PTE_U) {
		/* S never executes user pages; data only with SUM */
		p &= ~MMU_PROT_X;
		if (!(s->mstatus & MMU_MSTATUS_SUM))
			p = 0;
	}
	return p;
}

/* Set A (and D for a store) unless present. -EAGAIN: the PTE changed. */
static int update_ad(struct mmu_hart *m, uint64_t *ptep, uint64_t pte_pa,
		     uint64_t *pte, uint64_t va, enum mmu_access acc)
{
	uint64_t want = *pte | MMU_PTE_A |
			(acc == MMU_ACC_WRITE ? MMU_PTE_D : 0);
	uint64_t seen = *pte;

	if (want == *pte)
		return 0;
	if (!pte_ptr(m, pte_pa, MMU_PROT_W))
		return fail(m, access_cause[acc], va);
	if (!__atomic_compare_exchange_n(ptep, &seen, want, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	*pte = want;
	return 0;
}

static int leaf(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
		unsigned priv, unsigned flags, int level, uint64_t *ptep,
		uint64_t pte_pa, uint64_t pte, struct mmu_walk *out)
{
	unsigned shift = MMU_PAGE_SHIFT + VPN_BITS * (unsigned)level;
	uint64_t ppn = (pte & MMU_PTE_PPN_MASK) >> MMU_PTE_PPN_SHIFT;
	unsigned prot = leaf_prot(m->state, priv, pte);
	int rc;

	if (!(prot & need_prot[acc]))
		return fail(m, page_cause[acc], va);
	if (ppn & ((1ull << (shift - MMU_PAGE_SHIFT)) - 1))
		return fail(m, page_cause[acc], va);  /* misaligned superpage */
	if (!(flags & MMU_WALK_PROBE)) {
		rc = update_ad(m, ptep, pte_pa, &pte, va, acc);
		if (rc)
			return rc;
	}
	if (!(pte & MMU_PTE_A))
		prot = 0;
	if (!(pte & MMU_PTE_D))
		prot &= ~MMU_PROT_W;
	out->pa = (ppn << MMU_PAGE_SHIFT) | (va & ((1ull << shift) - 1));
	out->pte = pte;
	out->level = level;
	out->prot = prot;
	return 0;
}

/* One walk from the root; -EAGAIN when an A/D update lost a race. */
static int walk_once(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
		     unsigned priv, unsigned flags, int levels,
		     struct mmu_walk *out)
{
	uint64_t table = (m->state->satp & MMU_SATP_PPN_MASK) << MMU_PAGE_SHIFT;

	for (int i = levels - 1; i >= 0; i--) {
		unsigned shift = MMU_PAGE_SHIFT + VPN_BITS * (unsigned)i;
		uint64_t pte_pa = table + ((va >> shift) & 511) * PTE_SIZE;
		uint64_t *ptep = pte_ptr(m, pte_pa, MMU_PROT_R);
		uint64_t pte;

		if (!ptep)
			return fail(m, access_cause[acc], va);
		pte = __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
		if (!(pte & MMU_PTE_V) || (pte & MMU_PTE_RESERVED) ||
		    (pte & (MMU_PTE_R | MMU_PTE_W)) == MMU_PTE_W)
			return fail(m, page_cause[acc], va);
		if (pte & (MMU_PTE_R | MMU_PTE_X))
			return leaf(m, va, acc, priv, flags, i, ptep, pte_pa,
				    pte, out);
		/* D, A and U are reserved in non-leaf PTEs (v1.12) */
		if (pte & (MMU_PTE_D | MMU_PTE_A | MMU_PTE_U))
			return fail(m, page_cause[acc], va);
		table = ((pte & MMU_PTE_PPN_MASK) >> MMU_PTE_PPN_SHIFT)
			<< MMU_PAGE_SHIFT;
	}
	return fail(m, page_cause[acc], va);
}

int mmu_walk(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
	     unsigned priv, unsigned flags, struct mmu_walk *out)
{
	int levels = levels_of(m->state->satp);
	unsigned vabits = MMU_PAGE_SHIFT + VPN_BITS * (unsigned)levels;
	int rc;

	if ((unsigned)acc >= MMU_ACC__COUNT)
		acc = MMU_ACC_READ;
	if (!levels)
		return fail(m, page_cause[acc], va);
	/* bits above the VA width must copy its top bit */
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		return fail(m, page_cause[acc], va);
	m->walks++;
	do {
		rc = walk_once(m, va, acc, priv, flags, levels, out);
	} while (rc == -EAGAIN);
	return rc;
}
