/* SPDX-License-Identifier: MIT */
/*
 * The PLIC (SiFive layout, 31 sources, two contexts per hart: M = 2N,
 * S = 2N + 1, like QEMU's virt board) on the shared irqchip struct.
 *
 * Lines are level-triggered. The gateway forwards a high line as a pending
 * bit unless the source is in service (claimed, not completed); completion
 * re-pends a line that is still high. Every mask lives in one 32-bit word
 * updated with atomics, so devmgr in another process can drive lines while
 * vcpus claim: a claim clears the pending bit with fetch-and and retries
 * if another hart got there first.
 */
#include <errno.h>

#include "vcpu/irqchip.h"

static void kick_all(struct vcpu_irqchip *c)
{
	for (unsigned h = 0; h < c->nharts && h < VCPU_MAX_HARTS; h++)
		vcpu_irqchip_kick(c, h);
}

void vcpu_irqchip_set_line(struct vcpu_irqchip *c, unsigned irq, int level)
{
	uint32_t bit;

	if (irq == 0 || irq >= MMU_PLIC_SOURCES)
		return;
	bit = 1u << irq;
	if (level) {
		uint32_t old = __atomic_fetch_or(&c->level, bit, __ATOMIC_SEQ_CST);

		if (!(__atomic_load_n(&c->claimed, __ATOMIC_SEQ_CST) & bit))
			__atomic_fetch_or(&c->pending, bit, __ATOMIC_SEQ_CST);
		if (old & bit)
			return;
	} else {
		if (!(__atomic_fetch_and(&c->level, ~bit, __ATOMIC_SEQ_CST) & bit))
			return;
		__atomic_fetch_and(&c->pending, ~bit, __ATOMIC_SEQ_CST);
	}
	kick_all(c);
}

/* The best claimable source of @ctx among @cand, or 0. */
static uint32_t best_source(const struct vcpu_irqchip *c, unsigned ctx,
			    uint32_t cand)
{
	uint32_t thr = __atomic_load_n(&c->threshold[ctx], __ATOMIC_RELAXED);
	uint32_t best = 0, best_prio = 0;

	cand &= __atomic_load_n(&c->enable[ctx], __ATOMIC_RELAXED) & ~1u;
	while (cand) {
		uint32_t id = (uint32_t)__builtin_ctz(cand);
		uint32_t prio = __atomic_load_n(&c->priority[id], __ATOMIC_RELAXED);

		cand &= cand - 1;
		if (prio > thr && prio > best_prio) {
			best = id;
			best_prio = prio;
		}
	}
	return best;
}

int vcpu_plic_ctx_pending(const struct vcpu_irqchip *c, unsigned ctx)
{
	if (ctx >= VCPU_PLIC_CONTEXTS)
		return 0;
	return best_source(c, ctx,
			   __atomic_load_n(&c->pending, __ATOMIC_ACQUIRE)) != 0;
}

uint32_t vcpu_plic_claim(struct vcpu_irqchip *c, unsigned ctx)
{
	for (;;) {
		uint32_t id = ctx < VCPU_PLIC_CONTEXTS ?
			best_source(c, ctx, __atomic_load_n(&c->pending,
							    __ATOMIC_ACQUIRE)) : 0;
		uint32_t bit = 1u << id;

		if (id == 0)
			return 0;
		if (__atomic_fetch_and(&c->pending, ~bit, __ATOMIC_SEQ_CST) & bit) {
			__atomic_fetch_or(&c->claimed, bit, __ATOMIC_SEQ_CST);
			kick_all(c);
			return id;
		}
	}
}

void vcpu_plic_complete(struct vcpu_irqchip *c, unsigned ctx, uint32_t id)
{
	uint32_t bit;

	if (ctx >= VCPU_PLIC_CONTEXTS || id == 0 || id >= MMU_PLIC_SOURCES)
		return;
	bit = 1u << id;
	if (!(__atomic_load_n(&c->enable[ctx], __ATOMIC_RELAXED) & bit))
		return;
	__atomic_fetch_and(&c->claimed, ~bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->level, __ATOMIC_SEQ_CST) & bit)
		__atomic_fetch_or(&c->pending, bit, __ATOMIC_SEQ_CST);
	kick_all(c);
}

/* The context register block @off (threshold or claim) addresses, or -1. */
static int context_of(const struct vcpu_irqchip *c, uint64_t off)
{
	uint64_t ctx = (off - VCPU_PLIC_CONTEXT) / VCPU_PLIC_CONTEXT_STRIDE;

	return ctx < 2ull * c->nharts ? (int)ctx : -1;
}

static int enable_ctx(const struct vcpu_irqchip *c, uint64_t off)
{
	uint64_t rel = off - VCPU_PLIC_ENABLE;
	uint64_t ctx = rel / VCPU_PLIC_ENABLE_STRIDE;

	/* Only the first word of a context's enables exists: 32 sources. */
	return ctx < 2ull * c->nharts && rel % VCPU_PLIC_ENABLE_STRIDE == 0 ?
	       (int)ctx : -1;
}

int vcpu_plic_read(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		   uint64_t *val)
{
	int ctx;

	if (size != 4 || (off & 3))
		return -EINVAL;
	*val = 0;
	if (off < VCPU_PLIC_PENDING) {
		if (off / 4 < MMU_PLIC_SOURCES)
			*val = __atomic_load_n(&c->priority[off / 4], __ATOMIC_RELAXED);
	} else if (off == VCPU_PLIC_PENDING) {
		*val = __atomic_load_n(&c->pending, __ATOMIC_RELAXED);
	} else if (off >= VCPU_PLIC_ENABLE && off < VCPU_PLIC_CONTEXT) {
		ctx = enable_ctx(c, off);
		if (ctx >= 0)
			*val = __atomic_load_n(&c->enable[ctx], __ATOMIC_RELAXED);
	} else if (off >= VCPU_PLIC_CONTEXT && (ctx = context_of(c, off)) >= 0) {
		if ((off & 0xfff) == 0)
			*val = __atomic_load_n(&c->threshold[ctx], __ATOMIC_RELAXED);
		else if ((off & 0xfff) == 4)
			*val = vcpu_plic_claim(c, (unsigned)ctx);
	}
	return 0;
}

int vcpu_plic_write(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		    uint64_t val)
{
	uint32_t v = (uint32_t)val;
	int ctx;

	if (size != 4 || (off & 3))
		return -EINVAL;
	if (off < VCPU_PLIC_PENDING) {
		if (off / 4 > 0 && off / 4 < MMU_PLIC_SOURCES)
			__atomic_store_n(&c->priority[off / 4], v & VCPU_PLIC_PRIO_MASK,
					 __ATOMIC_SEQ_CST);
	} else if (off >= VCPU_PLIC_ENABLE && off < VCPU_PLIC_CONTEXT) {
		ctx = enable_ctx(c, off);
		if (ctx >= 0)
			__atomic_store_n(&c->enable[ctx], v & ~1u, __ATOMIC_SEQ_CST);
	} else if (off >= VCPU_PLIC_CONTEXT && (ctx = context_of(c, off)) >= 0) {
		if ((off & 0xfff) == 0)
			__atomic_store_n(&c->threshold[ctx], v & VCPU_PLIC_PRIO_MASK,
					 __ATOMIC_SEQ_CST);
		else if ((off & 0xfff) == 4)
			vcpu_plic_complete(c, (unsigned)ctx, v);
		else
			return 0;
	} else {
		return 0;
	}
	kick_all(c);
	return 0;
}
