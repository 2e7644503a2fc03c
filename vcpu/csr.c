/* SPDX-License-Identifier: MIT */
/*
 * The CSR file of an RV64GC hart with M, S and U modes (privileged spec
 * v1.12): access rules (privilege from csr[9:8], read-only from
 * csr[11:10]), the sstatus/sie/sip views of their M-mode registers, WARL
 * legalisation, counter enables, FS gating of the FP CSRs, TVM for satp,
 * and the PMP and satp writes delegated to the mmu (which flushes its TLB).
 * Anything not listed is an illegal instruction, as are pmpcfg1/3 on RV64.
 */
#include <errno.h>

#include "mmu/pmp.h"
#include "vcpu/internal.h"
#include "vcpu/priv.h"

#define SSTATUS_MASK (VCPU_MSTATUS_SIE | VCPU_MSTATUS_SPIE | VCPU_MSTATUS_SPP | \
		      VCPU_MSTATUS_FS | VCPU_MSTATUS_SUM | VCPU_MSTATUS_MXR | \
		      VCPU_MSTATUS_UXL | VCPU_MSTATUS_SD)
#define SSTATUS_WRITE (VCPU_MSTATUS_SIE | VCPU_MSTATUS_SPIE | VCPU_MSTATUS_SPP | \
		       VCPU_MSTATUS_FS | VCPU_MSTATUS_SUM | VCPU_MSTATUS_MXR)
#define MSTATUS_WRITE (SSTATUS_WRITE | VCPU_MSTATUS_MIE | VCPU_MSTATUS_MPIE | \
		       VCPU_MSTATUS_MPP | VCPU_MSTATUS_MPRV | VCPU_MSTATUS_TVM | \
		       VCPU_MSTATUS_TW | VCPU_MSTATUS_TSR)
#define ENVCFG_WRITE 1ull  /* FIOM */

void vcpu_count(struct vcpu *v, uint64_t n, uint32_t skip)
{
	uint32_t inhibit = (uint32_t)v->s->mcountinhibit | skip;

	if (!(inhibit & VCPU_CTR_IR))
		v->s->minstret += n;
	if (!(inhibit & VCPU_CTR_CY))
		v->s->mcycle += n;
}

static uint64_t mstatus_read(const struct vcpu_state *s)
{
	uint64_t st = s->mstatus | VCPU_MSTATUS_XL64;

	if ((st & VCPU_MSTATUS_FS) == VCPU_MSTATUS_FS)
		st |= VCPU_MSTATUS_SD;
	return st;
}

/* Whether the counter @idx (0 cycle, 1 time, 2 instret, 3.. hpm) may be
 * read at the current privilege. */
static int counter_ok(const struct vcpu_state *s, unsigned idx)
{
	if (s->priv == VCPU_PRIV_M)
		return 1;
	if (!((s->mcounteren >> idx) & 1))
		return 0;
	return s->priv == VCPU_PRIV_S || ((s->scounteren >> idx) & 1);
}

static int fs_on(const struct vcpu_state *s)
{
	return (s->mstatus & VCPU_MSTATUS_FS) != 0;
}

/* Reads of the unprivileged, counter and supervisor CSRs. */
static int read_low(struct vcpu *v, unsigned csr, uint64_t *val)
{
	struct vcpu_state *s = v->s;

	switch (csr) {
	case VCPU_CSR_FFLAGS: *val = s->fcsr & 0x1f; return fs_on(s) ? 0 : -EPERM;
	case VCPU_CSR_FRM: *val = (s->fcsr >> 5) & 7; return fs_on(s) ? 0 : -EPERM;
	case VCPU_CSR_FCSR: *val = s->fcsr & 0xff; return fs_on(s) ? 0 : -EPERM;
	case VCPU_CSR_SSTATUS: *val = mstatus_read(s) & SSTATUS_MASK; return 0;
	case VCPU_CSR_SIE: *val = s->mie & s->mideleg; return 0;
	case VCPU_CSR_STVEC: *val = s->stvec; return 0;
	case VCPU_CSR_SCOUNTEREN: *val = s->scounteren; return 0;
	case VCPU_CSR_SENVCFG: *val = s->senvcfg; return 0;
	case VCPU_CSR_SSCRATCH: *val = s->sscratch; return 0;
	case VCPU_CSR_SEPC: *val = s->sepc; return 0;
	case VCPU_CSR_SCAUSE: *val = s->scause; return 0;
	case VCPU_CSR_STVAL: *val = s->stval; return 0;
	case VCPU_CSR_SIP: *val = vcpu_mip(v, 1) & s->mideleg; return 0;
	case VCPU_CSR_SATP:
		*val = s->satp;
		return s->priv == VCPU_PRIV_S && (s->mstatus & VCPU_MSTATUS_TVM) ?
		       -EPERM : 0;
	}
	if (csr >= VCPU_CSR_CYCLE && csr <= VCPU_CSR_HPMCOUNTER31) {
		if (!counter_ok(s, csr - VCPU_CSR_CYCLE))
			return -EPERM;
		*val = csr == VCPU_CSR_CYCLE ? s->mcycle :
		       csr == VCPU_CSR_TIME ? vcpu_clint_mtime(v->chip) :
		       csr == VCPU_CSR_INSTRET ? s->minstret : 0;
		return 0;
	}
	return -EPERM;
}

/* Reads of the machine-level CSRs. */
static int read_m(struct vcpu *v, unsigned csr, uint64_t *val)
{
	struct vcpu_state *s = v->s;

	switch (csr) {
	case VCPU_CSR_MSTATUS: *val = mstatus_read(s); return 0;
	case VCPU_CSR_MISA: *val = s->misa; return 0;
	case VCPU_CSR_MEDELEG: *val = s->medeleg; return 0;
	case VCPU_CSR_MIDELEG: *val = s->mideleg; return 0;
	case VCPU_CSR_MIE: *val = s->mie; return 0;
	case VCPU_CSR_MTVEC: *val = s->mtvec; return 0;
	case VCPU_CSR_MCOUNTEREN: *val = s->mcounteren; return 0;
	case VCPU_CSR_MENVCFG: *val = s->menvcfg; return 0;
	case VCPU_CSR_MCOUNTINHIBIT: *val = s->mcountinhibit; return 0;
	case VCPU_CSR_MSCRATCH: *val = s->mscratch; return 0;
	case VCPU_CSR_MEPC: *val = s->mepc; return 0;
	case VCPU_CSR_MCAUSE: *val = s->mcause; return 0;
	case VCPU_CSR_MTVAL: *val = s->mtval; return 0;
	case VCPU_CSR_MIP: *val = vcpu_mip(v, 1); return 0;
	case VCPU_CSR_MSECCFG: *val = s->mseccfg; return 0;
	case VCPU_CSR_MCYCLE: *val = s->mcycle; return 0;
	case VCPU_CSR_MINSTRET: *val = s->minstret; return 0;
	case VCPU_CSR_MVENDORID: case VCPU_CSR_MARCHID: case VCPU_CSR_MIMPID:
	case VCPU_CSR_MCONFIGPTR:
		*val = 0;
		return 0;
	case VCPU_CSR_MHARTID: *val = s->hartid; return 0;
	case VCPU_CSR_PMPCFG0: *val = s->pmpcfg[0]; return 0;
	case VCPU_CSR_PMPCFG0 + 2: *val = s->pmpcfg[1]; return 0;
	}
	if (csr >= VCPU_CSR_PMPADDR0 && csr <= VCPU_CSR_PMPADDR15) {
		*val = s->pmpaddr[csr - VCPU_CSR_PMPADDR0];
		return 0;
	}
	if ((csr >= VCPU_CSR_MHPMEVENT3 && csr <= VCPU_CSR_MHPMEVENT31) ||
	    (csr >= VCPU_CSR_MHPMCOUNTER3 && csr <= VCPU_CSR_MHPMCOUNTER31)) {
		*val = 0;
		return 0;
	}
	return -EPERM;
}

static uint64_t legal_tvec(uint64_t old, uint64_t val)
{
	return (val & 3) >= 2 ? old : val;
}

static int write_low(struct vcpu *v, unsigned csr, uint64_t val)
{
	struct vcpu_state *s = v->s;
	uint64_t sip_w = s->mideleg & VCPU_MIP_SSIP;

	switch (csr) {
	case VCPU_CSR_FFLAGS: s->fcsr = (s->fcsr & ~0x1fu) | (val & 0x1f); break;
	case VCPU_CSR_FRM: s->fcsr = (s->fcsr & 0x1f) | ((val & 7) << 5); break;
	case VCPU_CSR_FCSR: s->fcsr = val & 0xff; break;
	case VCPU_CSR_SSTATUS:
		s->mstatus = (s->mstatus & ~SSTATUS_WRITE) | (val & SSTATUS_WRITE);
		mmu_sync_ctx(v->mmu);
		return 0;
	case VCPU_CSR_SIE:
		s->mie = (s->mie & ~s->mideleg) | (val & s->mideleg);
		return 0;
	case VCPU_CSR_STVEC: s->stvec = legal_tvec(s->stvec, val); return 0;
	case VCPU_CSR_SCOUNTEREN: s->scounteren = val & 0xffffffffull; return 0;
	case VCPU_CSR_SENVCFG: s->senvcfg = val & ENVCFG_WRITE; return 0;
	case VCPU_CSR_SSCRATCH: s->sscratch = val; return 0;
	case VCPU_CSR_SEPC: s->sepc = val & ~1ull; return 0;
	case VCPU_CSR_SCAUSE: s->scause = val; return 0;
	case VCPU_CSR_STVAL: s->stval = val; return 0;
	case VCPU_CSR_SIP: s->mip = (s->mip & ~sip_w) | (val & sip_w); return 0;
	case VCPU_CSR_SATP: mmu_satp_write(v->mmu, val); return 0;
	default: return -EPERM;
	}
	/* The FP CSRs: the write makes the FP state dirty. */
	s->mstatus |= VCPU_MSTATUS_FS;
	return 0;
}

static void write_mstatus(struct vcpu *v, uint64_t val)
{
	struct vcpu_state *s = v->s;

	/* MPP is WARL over {U, S, M}: the reserved value 2 keeps the old one. */
	if (((val & VCPU_MSTATUS_MPP) >> VCPU_MSTATUS_MPP_SHIFT) == 2)
		val = (val & ~VCPU_MSTATUS_MPP) | (s->mstatus & VCPU_MSTATUS_MPP);
	s->mstatus = (s->mstatus & ~MSTATUS_WRITE) | (val & MSTATUS_WRITE);
	mmu_sync_ctx(v->mmu);
}

static int write_m(struct vcpu *v, unsigned csr, uint64_t val)
{
	struct vcpu_state *s = v->s;

	switch (csr) {
	case VCPU_CSR_MSTATUS: write_mstatus(v, val); return 0;
	case VCPU_CSR_MISA: return 0;
	case VCPU_CSR_MEDELEG: s->medeleg = val & VCPU_MEDELEG_MASK; return 0;
	case VCPU_CSR_MIDELEG: s->mideleg = val & VCPU_MIP_S_MASK; return 0;
	case VCPU_CSR_MIE: s->mie = val & VCPU_MIP_ALL; return 0;
	case VCPU_CSR_MTVEC: s->mtvec = legal_tvec(s->mtvec, val); return 0;
	case VCPU_CSR_MCOUNTEREN: s->mcounteren = val & 0xffffffffull; return 0;
	case VCPU_CSR_MENVCFG: s->menvcfg = val & ENVCFG_WRITE; return 0;
	case VCPU_CSR_MCOUNTINHIBIT:
		s->mcountinhibit = val & 0xfffffffdull;
		return 0;
	case VCPU_CSR_MSCRATCH: s->mscratch = val; return 0;
	case VCPU_CSR_MEPC: s->mepc = val & ~1ull; return 0;
	case VCPU_CSR_MCAUSE: s->mcause = val; return 0;
	case VCPU_CSR_MTVAL: s->mtval = val; return 0;
	case VCPU_CSR_MIP:
		s->mip = (s->mip & ~VCPU_MIP_S_MASK) | (val & VCPU_MIP_S_MASK);
		return 0;
	case VCPU_CSR_MSECCFG: return 0;
	case VCPU_CSR_MCYCLE:
		s->mcycle = val;
		v->counters_written |= VCPU_CTR_CY;
		return 0;
	case VCPU_CSR_MINSTRET:
		s->minstret = val;
		v->counters_written |= VCPU_CTR_IR;
		return 0;
	case VCPU_CSR_PMPCFG0: case VCPU_CSR_PMPCFG0 + 2:
		return mmu_pmp_write_cfg(v->mmu, csr - VCPU_CSR_PMPCFG0, val) < 0 ?
		       -EPERM : 0;
	}
	if (csr >= VCPU_CSR_PMPADDR0 && csr <= VCPU_CSR_PMPADDR15)
		return mmu_pmp_write_addr(v->mmu, csr - VCPU_CSR_PMPADDR0, val) < 0 ?
		       -EPERM : 0;
	return 0;
}

int vcpu_csr_rw(struct vcpu *v, unsigned csr, enum vcpu_csr_kind kind,
		uint64_t src, int write, uint64_t *old)
{
	unsigned need = (csr >> 8) & 3;
	uint64_t val;
	int rc;

	csr &= 0xfff;
	if (v->s->priv < need || (write && (csr >> 10) == 3))
		return -EPERM;
	rc = need == VCPU_PRIV_M ? read_m(v, csr, &val) : read_low(v, csr, &val);
	if (rc < 0)
		return rc;
	*old = val;
	if (!write)
		return 0;
	/* A read-modify-write of mip sees SEIP as software wrote it, not the
	 * PLIC line merged into reads (privileged spec 3.1.9). */
	if (csr == VCPU_CSR_MIP && kind != VCPU_CSR_WRITE)
		val = v->s->mip;
	if (kind == VCPU_CSR_SET)
		val |= src;
	else if (kind == VCPU_CSR_CLEAR)
		val &= ~src;
	else
		val = src;
	return need == VCPU_PRIV_M ? write_m(v, csr, val) : write_low(v, csr, val);
}
