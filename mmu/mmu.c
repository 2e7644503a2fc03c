/* SPDX-License-Identifier: MIT */
/*
 * Life cycle of a hart's memory context, and the reactions to the CSR
 * changes that translation depends on (context switch, satp, SFENCE.VMA).
 * See mmu.h for when the interpreter calls what.
 */
#include "mmu/mmu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static enum mmu_ctx ctx_of(unsigned priv, uint64_t mstatus)
{
	switch (priv) {
	case VCPU_PRIV_M:
		return MMU_CTX_M;
	case VCPU_PRIV_S:
		return (mstatus & MMU_MSTATUS_SUM) ? MMU_CTX_S_SUM : MMU_CTX_S;
	default:
		/* U, or a reserved value in a corrupt state: least privilege */
		return MMU_CTX_U;
	}
}

static int config_ok(const struct mmu_hart_config *cfg)
{
	if (!cfg || !cfg->state)
		return 0;
	if (cfg->ram_size && !cfg->ram)
		return 0;
	/* PTEs are accessed with 8-byte host atomics */
	if ((uintptr_t)cfg->ram % 8)
		return 0;
	if ((cfg->ram_base | cfg->ram_size) & ~MMU_PAGE_MASK)
		return 0;
	return cfg->ram_base + cfg->ram_size >= cfg->ram_base &&
	       (cfg->ram_base + cfg->ram_size != 0 || cfg->ram_size == 0);
}

struct mmu_hart *mmu_hart_new(const struct mmu_hart_config *cfg)
{
	struct mmu_hart *m;
	void *p;

	if (!config_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	if (posix_memalign(&p, 64, sizeof(*m))) {
		errno = ENOMEM;
		return NULL;
	}
	m = p;
	memset(m, 0, sizeof(*m));
	m->state = cfg->state;
	m->ram = cfg->ram;
	m->ram_base = cfg->ram_base;
	m->ram_size = cfg->ram_size;
	m->mmio = cfg->mmio;
	m->mmio_opaque = cfg->mmio_opaque;
	m->on_page_fault = cfg->on_page_fault;
	m->page_fault_opaque = cfg->page_fault_opaque;
	m->tlb.dirty = ~0u;
	mmu_tlb_flush_all(m);
	m->mxr = m->state->mstatus & MMU_MSTATUS_MXR;
	mmu_sync_ctx(m);
	return m;
}

void mmu_hart_destroy(struct mmu_hart **pm)
{
	if (!pm || !*pm)
		return;
	free(*pm);
	*pm = NULL;
}

void mmu_set_page_fault_hook(struct mmu_hart *m, mmu_page_fault_fn fn,
			     void *opaque)
{
	m->on_page_fault = fn;
	m->page_fault_opaque = opaque;
}

static void flush_translated_reads(struct mmu_hart *m)
{
	struct mmu_tlb *t = &m->tlb;
	static const enum mmu_ctx ctxs[] = {
		MMU_CTX_S, MMU_CTX_S_SUM, MMU_CTX_U
	};

	for (unsigned i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++) {
		unsigned bit = ctxs[i] * MMU_ACC__COUNT + MMU_ACC_READ;

		if (!(t->dirty & (1u << bit)))
			continue;
		memset(t->tab[ctxs[i]][MMU_ACC_READ], 0xff,
		       sizeof(t->tab[0][0]));
		t->dirty &= ~(1u << bit);
	}
}

void mmu_sync_ctx(struct mmu_hart *m)
{
	const struct vcpu_state *s = m->state;
	uint64_t mxr = s->mstatus & MMU_MSTATUS_MXR;
	enum mmu_ctx data = ctx_of(mmu_effective_priv(s), s->mstatus);
	enum mmu_ctx fetch = ctx_of(s->priv, 0);

	if (mxr != m->mxr) {
		/* read entries were filled with the old "X implies R" rule */
		flush_translated_reads(m);
		m->mxr = mxr;
	}
	m->tlb.ctx_data = data;
	m->tlb.ctx_fetch = fetch;
	m->tlb.cur[MMU_ACC_READ] = m->tlb.tab[data][MMU_ACC_READ];
	m->tlb.cur[MMU_ACC_WRITE] = m->tlb.tab[data][MMU_ACC_WRITE];
	m->tlb.cur[MMU_ACC_FETCH] = m->tlb.tab[fetch][MMU_ACC_FETCH];
}

int mmu_satp_write(struct mmu_hart *m, uint64_t val)
{
	uint64_t mode = val >> MMU_SATP_MODE_SHIFT;

	if (mode != MMU_SATP_MODE_BARE && mode != MMU_SATP_MODE_SV39 &&
	    mode != MMU_SATP_MODE_SV48)
		return 1;
	m->state->satp = val;
	mmu_tlb_flush_translated(m);
	return 0;
}

void mmu_sfence_vma(struct mmu_hart *m, int has_va, uint64_t va,
		    int has_asid, uint64_t asid)
{
	(void)has_asid;
	(void)asid;
	if (has_va)
		mmu_tlb_flush_page(m, va);
	else
		mmu_tlb_flush_all(m);
}
