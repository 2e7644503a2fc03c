/* SPDX-License-Identifier: MIT */
/*
 * Trap entry and return (privileged spec v1.12, 3.1.6-3.1.9, 3.3.2, 4.1):
 * delegation through medeleg/mideleg, the xIE/xPIE/xPP status stack,
 * direct and vectored trap vectors, interrupt selection and priority
 * (MEI, MSI, MTI, SEI, SSI, STI; M-level before S-level), MRET and SRET.
 */
#include <errno.h>

#include "mmu/mmu.h"
#include "vcpu/internal.h"
#include "vcpu/priv.h"

/* Interrupts in decreasing priority. */
static const unsigned irq_order[] = {
	VCPU_IRQ_MEI, VCPU_IRQ_MSI, VCPU_IRQ_MTI,
	VCPU_IRQ_SEI, VCPU_IRQ_SSI, VCPU_IRQ_STI,
};

uint64_t vcpu_mip(struct vcpu *v, int need_timer)
{
	uint64_t now = need_timer ? vcpu_clint_mtime(v->chip) : 0;
	uint64_t lines = vcpu_irqchip_lines(v->chip, v->s->hartid, now);

	if (!need_timer)
		lines &= ~VCPU_MIP_MTIP;
	return (v->s->mip & VCPU_MIP_S_MASK) | lines;
}

static uint64_t vector(uint64_t tvec, uint64_t cause)
{
	uint64_t base = tvec & ~3ull;

	if ((tvec & 3) == 1 && (cause & VCPU_CAUSE_INTR))
		return base + 4 * (cause & ~VCPU_CAUSE_INTR);
	return base;
}

void vcpu_trap(struct vcpu *v, uint64_t cause, uint64_t tval)
{
	struct vcpu_state *s = v->s;
	uint64_t code = cause & ~VCPU_CAUSE_INTR;
	uint64_t deleg = (cause & VCPU_CAUSE_INTR) ? s->mideleg : s->medeleg;
	uint64_t st = s->mstatus;

	s->reservation = ~0ull;
	if (s->priv <= VCPU_PRIV_S && code < 64 && ((deleg >> code) & 1)) {
		s->scause = cause;
		s->sepc = s->pc;
		s->stval = tval;
		st &= ~(VCPU_MSTATUS_SPIE | VCPU_MSTATUS_SPP | VCPU_MSTATUS_SIE);
		if (s->mstatus & VCPU_MSTATUS_SIE)
			st |= VCPU_MSTATUS_SPIE;
		if (s->priv == VCPU_PRIV_S)
			st |= VCPU_MSTATUS_SPP;
		s->priv = VCPU_PRIV_S;
		s->pc = vector(s->stvec, cause);
	} else {
		s->mcause = cause;
		s->mepc = s->pc;
		s->mtval = tval;
		st &= ~(VCPU_MSTATUS_MPIE | VCPU_MSTATUS_MPP | VCPU_MSTATUS_MIE);
		if (s->mstatus & VCPU_MSTATUS_MIE)
			st |= VCPU_MSTATUS_MPIE;
		st |= (uint64_t)s->priv << VCPU_MSTATUS_MPP_SHIFT;
		s->priv = VCPU_PRIV_M;
		s->pc = vector(s->mtvec, cause);
	}
	s->mstatus = st;
	mmu_sync_ctx(v->mmu);
}

/* The highest-priority interrupt among @bits, or -1. */
static int highest(uint64_t bits)
{
	for (unsigned i = 0; i < sizeof(irq_order) / sizeof(irq_order[0]); i++)
		if (bits & (1ull << irq_order[i]))
			return (int)irq_order[i];
	return -1;
}

int vcpu_check_irq(struct vcpu *v)
{
	struct vcpu_state *s = v->s;
	uint64_t pending, m_irq, s_irq;
	int m_on, s_on, irq = -1;

	if (!s->mie)
		return 0;
	pending = vcpu_mip(v, (s->mie & VCPU_MIP_MTIP) != 0) & s->mie;
	if (!pending)
		return 0;
	m_irq = pending & ~s->mideleg;
	s_irq = pending & s->mideleg;
	m_on = s->priv < VCPU_PRIV_M || (s->mstatus & VCPU_MSTATUS_MIE);
	s_on = s->priv < VCPU_PRIV_S ||
	       (s->priv == VCPU_PRIV_S && (s->mstatus & VCPU_MSTATUS_SIE));
	if (m_irq && m_on)
		irq = highest(m_irq);
	if (irq < 0 && s_irq && s_on)
		irq = highest(s_irq);
	if (irq < 0)
		return 0;
	vcpu_trap(v, VCPU_CAUSE_INTR | (uint64_t)irq, 0);
	return 1;
}

int vcpu_irq_wakeup(struct vcpu *v)
{
	return (vcpu_mip(v, (v->s->mie & VCPU_MIP_MTIP) != 0) & v->s->mie) != 0;
}

int vcpu_mret(struct vcpu *v)
{
	struct vcpu_state *s = v->s;
	uint64_t st = s->mstatus;
	unsigned mpp = (unsigned)((st & VCPU_MSTATUS_MPP) >> VCPU_MSTATUS_MPP_SHIFT);

	if (s->priv != VCPU_PRIV_M)
		return -EPERM;
	st &= ~(VCPU_MSTATUS_MIE | VCPU_MSTATUS_MPP);
	if (st & VCPU_MSTATUS_MPIE)
		st |= VCPU_MSTATUS_MIE;
	st |= VCPU_MSTATUS_MPIE;
	if (mpp != VCPU_PRIV_M)
		st &= ~VCPU_MSTATUS_MPRV;
	s->mstatus = st;
	s->priv = mpp;
	s->pc = s->mepc;
	mmu_sync_ctx(v->mmu);
	return 0;
}

int vcpu_sret(struct vcpu *v)
{
	struct vcpu_state *s = v->s;
	uint64_t st = s->mstatus;

	if (s->priv == VCPU_PRIV_U ||
	    (s->priv == VCPU_PRIV_S && (st & VCPU_MSTATUS_TSR)))
		return -EPERM;
	s->priv = (st & VCPU_MSTATUS_SPP) ? VCPU_PRIV_S : VCPU_PRIV_U;
	st &= ~(VCPU_MSTATUS_SIE | VCPU_MSTATUS_SPP | VCPU_MSTATUS_MPRV);
	if (st & VCPU_MSTATUS_SPIE)
		st |= VCPU_MSTATUS_SIE;
	st |= VCPU_MSTATUS_SPIE;
	s->mstatus = st;
	s->pc = s->sepc;
	mmu_sync_ctx(v->mmu);
	return 0;
}
