/* SPDX-License-Identifier: MIT */
/*
 * The slow paths of guest memory access (see access.h): translation at the
 * right privilege, the PMP check, the TLB fill, MMIO routing, accesses
 * that cross a page, and the page-fault hook. Every public function here
 * reports its fault in m->fault and returns -EFAULT.
 */
#include "mmu/access.h"

#include <errno.h>

#include "mmu/pmp.h"
#include "mmu/walk.h"

/* A translated access: @host is NULL when @pa is not RAM. */
struct xlate {
	uint64_t pa;
	uint8_t *host;
};

static const unsigned ctx_priv[MMU_CTX__COUNT] = {
	[MMU_CTX_M] = VCPU_PRIV_M,
	[MMU_CTX_S] = VCPU_PRIV_S,
	[MMU_CTX_S_SUM] = VCPU_PRIV_S,
	[MMU_CTX_U] = VCPU_PRIV_U,
};

static const unsigned need_prot[MMU_ACC__COUNT] = {
	[MMU_ACC_READ] = MMU_PROT_R,
	[MMU_ACC_WRITE] = MMU_PROT_W,
	[MMU_ACC_FETCH] = MMU_PROT_X,
};

static const uint64_t access_cause[MMU_ACC__COUNT] = {
	[MMU_ACC_READ] = MMU_CAUSE_LOAD_ACCESS,
	[MMU_ACC_WRITE] = MMU_CAUSE_STORE_ACCESS,
	[MMU_ACC_FETCH] = MMU_CAUSE_FETCH_ACCESS,
};

static int fail(struct mmu_hart *m, uint64_t cause, uint64_t tval)
{
	m->fault.cause = cause;
	m->fault.tval = tval;
	return -EFAULT;
}

/*
 * Publish a page fault (the fault is already in m->fault). @pc: the
 * faulting instruction's address, known to fetches; loads and stores
 * take it from the state, where the interpreter put it.
 */
static int report_at(struct mmu_hart *m, uint64_t pc)
{
	uint64_t c = m->fault.cause;
	int access;

	if (c == MMU_CAUSE_FETCH_PAGE)
		access = 'x';
	else if (c == MMU_CAUSE_LOAD_PAGE)
		access = 'r';
	else if (c == MMU_CAUSE_STORE_PAGE)
		access = 'w';
	else
		return -EFAULT;
	if (m->on_page_fault)
		m->on_page_fault(m->page_fault_opaque, m->fault.tval, pc,
				 access, (int)c);
	return -EFAULT;
}

static int report(struct mmu_hart *m)
{
	return report_at(m, m->state->pc);
}

/* PMP for [pa, pa + len); *cacheable cleared when the page is not uniform. */
static int pmp_ok(const struct vcpu_state *s, uint64_t pa, unsigned len,
		  unsigned priv, unsigned need, int *cacheable)
{
	int page = mmu_pmp_prot(s, pa & MMU_PAGE_MASK, MMU_PAGE_SIZE, priv);

	if (page & MMU_PMP_PARTIAL) {
		*cacheable = 0;
		page = mmu_pmp_prot(s, pa, len, priv);
	}
	return (page & (int)need) != 0;
}

/*
 * Translate [va, va + len) (within one page) for @acc at the current
 * context; fill the TLB unless probing or the page is not cacheable.
 */
static int xlate(struct mmu_hart *m, uint64_t va, unsigned len,
		 enum mmu_access acc, unsigned flags, struct xlate *x)
{
	enum mmu_ctx ctx = acc == MMU_ACC_FETCH ? (enum mmu_ctx)m->tlb.ctx_fetch
						: (enum mmu_ctx)m->tlb.ctx_data;
	unsigned priv = ctx_priv[ctx];
	uint64_t pa = va, map_size = MMU_PAGE_SIZE;
	int cacheable = !(flags & MMU_WALK_PROBE);
	struct mmu_walk w;
	int rc;

	if (mmu_walk_needed(m->state, priv)) {
		rc = mmu_walk(m, va, acc, priv, flags, &w);
		if (rc)
			return rc;
		pa = w.pa;
		map_size = 1ull << (MMU_PAGE_SHIFT + 9 * w.level);
		if (!(w.prot & need_prot[acc]))
			cacheable = 0;
	}
	if (!pmp_ok(m->state, pa, len, priv, need_prot[acc], &cacheable))
		return fail(m, access_cause[acc], va);
	x->pa = pa;
	x->host = mmu_phys_ptr(m, pa, len);
	if (x->host && cacheable)
		mmu_tlb_fill(m, ctx, acc, va,
			     x->host - (pa & ~MMU_PAGE_MASK), map_size);
	return 0;
}

/* A device access through the MMIO router; misaligned ones fault. */
static int mmio(struct mmu_hart *m, const struct xlate *x, uint64_t va,
		unsigned size, enum mmu_access acc, uint64_t *val)
{
	int rc;

	if ((x->pa & (size - 1)) || !m->mmio)
		return fail(m, access_cause[acc], va);
	rc = m->mmio(m->mmio_opaque, x->pa, size, acc == MMU_ACC_WRITE, val);
	if (rc < 0)
		return fail(m, access_cause[acc], va);
	if (acc != MMU_ACC_WRITE && size < 8)
		*val &= (1ull << (8 * size)) - 1;
	return 0;
}

/* Bytes of the access at @va that lie in its first page. */
static unsigned first_part(uint64_t va, unsigned size)
{
	unsigned room = (unsigned)(MMU_PAGE_SIZE - (va & ~MMU_PAGE_MASK));

	return room < size ? room : size;
}

static int load_cross(struct mmu_hart *m, uint64_t va, unsigned size,
		      unsigned n0, uint64_t *val)
{
	struct xlate x0, x1;
	uint64_t v = 0;
	int rc;

	rc = xlate(m, va, n0, MMU_ACC_READ, 0, &x0);
	if (rc)
		return rc;
	rc = xlate(m, va + n0, size - n0, MMU_ACC_READ, 0, &x1);
	if (rc)
		return rc;
	if (!x0.host)
		return fail(m, MMU_CAUSE_LOAD_ACCESS, va);
	if (!x1.host)
		return fail(m, MMU_CAUSE_LOAD_ACCESS, va + n0);
	memcpy(&v, x0.host, n0);
	memcpy((uint8_t *)&v + n0, x1.host, size - n0);
	*val = v;
	return 0;
}

int mmu_load_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		  uint64_t *val)
{
	unsigned n0 = first_part(va, size);
	struct xlate x;
	int rc;

	mmu_sync_ctx(m);
	if (n0 < size) {
		rc = load_cross(m, va, size, n0, val);
	} else {
		rc = xlate(m, va, size, MMU_ACC_READ, 0, &x);
		if (!rc && x.host)
			*val = mmu_host_read(x.host, size);
		else if (!rc)
			rc = mmio(m, &x, va, size, MMU_ACC_READ, val);
	}
	return rc ? report(m) : 0;
}

/*
 * Both parts are probed (permissions, PMP, RAM) before either PTE gets
 * its D bit, so a fault in the second page neither writes a byte nor
 * dirties the first page.
 */
static int store_cross(struct mmu_hart *m, uint64_t va, unsigned size,
		       unsigned n0, uint64_t val)
{
	struct xlate x[2];
	uint64_t part_va[2] = { va, va + n0 };
	unsigned part_len[2] = { n0, size - n0 };
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 2; i++) {
			rc = xlate(m, part_va[i], part_len[i], MMU_ACC_WRITE,
				   pass ? 0 : MMU_WALK_PROBE, &x[i]);
			if (rc)
				return rc;
			if (!x[i].host)
				return fail(m, MMU_CAUSE_STORE_ACCESS,
					    part_va[i]);
		}
	}
	memcpy(x[0].host, &val, n0);
	memcpy(x[1].host, (uint8_t *)&val + n0, size - n0);
	return 0;
}

int mmu_store_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		   uint64_t val)
{
	unsigned n0 = first_part(va, size);
	struct xlate x;
	int rc;

	mmu_sync_ctx(m);
	if (n0 < size) {
		rc = store_cross(m, va, size, n0, val);
	} else {
		rc = xlate(m, va, size, MMU_ACC_WRITE, 0, &x);
		if (!rc && x.host)
			mmu_host_write(x.host, size, val);
		else if (!rc)
			rc = mmio(m, &x, va, size, MMU_ACC_WRITE, &val);
	}
	return rc ? report(m) : 0;
}

/* One halfword of an instruction (never crosses a page). */
static int fetch_half(struct mmu_hart *m, uint64_t va, uint16_t *half)
{
	struct xlate x;
	uint64_t v;
	int rc;

	rc = xlate(m, va, 2, MMU_ACC_FETCH, 0, &x);
	if (rc)
		return rc;
	if (x.host) {
		*half = (uint16_t)mmu_host_read(x.host, 2);
		return 0;
	}
	rc = mmio(m, &x, va, 2, MMU_ACC_FETCH, &v);
	*half = (uint16_t)v;
	return rc;
}

int mmu_fetch_slow(struct mmu_hart *m, uint64_t va, unsigned size,
		   uint32_t *val)
{
	uint16_t lo, hi = 0;
	int rc;

	mmu_sync_ctx(m);
	if (va & 1)
		return fail(m, MMU_CAUSE_FETCH_MISALIGNED, va);
	/* halfword by halfword: a 32-bit fetch may straddle two pages (and
	 * a device such as the boot ROM only needs 16-bit reads) */
	rc = fetch_half(m, va, &lo);
	if (!rc && size == 4)
		rc = fetch_half(m, va + 2, &hi);
	if (rc)
		return report_at(m, va);
	*val = (uint32_t)lo | (uint32_t)hi << 16;
	return 0;
}

/* The halfword at @va, from the TLB when it can. */
static int fetch_half_cached(struct mmu_hart *m, uint64_t va, uint16_t *half)
{
	const struct mmu_tlb_entry *e =
		mmu_tlb_hit(m->tlb.cur[MMU_ACC_FETCH], va, 2);

	if (e) {
		*half = (uint16_t)mmu_host_read(
			(const void *)(uintptr_t)(va + e->addend), 2);
		return 0;
	}
	return fetch_half(m, va, half);
}

int mmu_fetch_insn_slow(struct mmu_hart *m, uint64_t va, uint32_t *insn)
{
	uint16_t lo, hi;
	int rc;

	mmu_sync_ctx(m);
	if (va & 1)
		return fail(m, MMU_CAUSE_FETCH_MISALIGNED, va);
	rc = fetch_half_cached(m, va, &lo);
	if (!rc && (lo & 3) != 3) {
		*insn = lo;
		return 0;
	}
	if (!rc)
		rc = fetch_half_cached(m, va + 2, &hi);
	if (rc)
		return report_at(m, va);
	*insn = (uint32_t)lo | (uint32_t)hi << 16;
	return 0;
}

void *mmu_host_ptr_slow(struct mmu_hart *m, uint64_t va, unsigned size,
			enum mmu_access acc)
{
	struct xlate x;

	mmu_sync_ctx(m);
	if (acc != MMU_ACC_WRITE)
		acc = MMU_ACC_READ;
	if (va & (size - 1)) {
		fail(m, acc == MMU_ACC_WRITE ? MMU_CAUSE_STORE_MISALIGNED
					     : MMU_CAUSE_LOAD_MISALIGNED, va);
		return NULL;
	}
	if (xlate(m, va, size, acc, 0, &x)) {
		report(m);
		return NULL;
	}
	if (!x.host)
		fail(m, access_cause[acc], va);
	return x.host;
}

int mmu_translate(struct mmu_hart *m, uint64_t va, enum mmu_access acc,
		  unsigned size, uint64_t *pa)
{
	struct xlate x;

	mmu_sync_ctx(m);
	if ((unsigned)acc >= MMU_ACC__COUNT)
		acc = MMU_ACC_READ;
	if (size == 0)
		size = 1;
	if (xlate(m, va, first_part(va, size), acc, 0, &x))
		return report(m);
	*pa = x.pa;
	return 0;
}
