/* SPDX-License-Identifier: MIT */
/*
 * The memory context of one hart in one tessera-vcpu process.
 *
 * struct mmu_hart ties the hart's architectural state (satp, mstatus, priv,
 * PMP registers, all in the shared struct vcpu_state) to this process's
 * mapping of guest RAM, its software TLB, the MMIO router and the
 * memory.page_fault publisher. Everything here is a per-process cache that
 * can be rebuilt from the shared state at any time: a restarted vcpu makes
 * a fresh mmu_hart and loses nothing the guest could observe.
 *
 * Loads, stores and fetches are in mmu/access.h; this header holds the
 * context and the calls the interpreter must make when the state that
 * translation depends on changes:
 *
 *   after a trap, MRET/SRET, or any write to mstatus/sstatus  mmu_sync_ctx()
 *   a write to satp                                           mmu_satp_write()
 *   SFENCE.VMA                                                mmu_sfence_vma()
 *   a write to pmpcfgN / pmpaddrN                 mmu_pmp_write_cfg/addr()
 *   the state was reset or restored from elsewhere        mmu_tlb_flush_all()
 *                                                        + mmu_sync_ctx()
 *
 * Threading: one mmu_hart belongs to the one thread running its hart. Guest
 * RAM is shared with other harts and processes; page-table A/D updates use
 * host atomics for that reason.
 */
#ifndef TESSERA_MMU_MMU_H
#define TESSERA_MMU_MMU_H

#include <stdint.h>

#include "mmu/tlb.h"
#include "vcpu/state.h"

/* Exception causes (mcause values) produced by memory accesses. */
#define MMU_CAUSE_FETCH_MISALIGNED 0
#define MMU_CAUSE_FETCH_ACCESS     1
#define MMU_CAUSE_LOAD_MISALIGNED  4
#define MMU_CAUSE_LOAD_ACCESS      5
#define MMU_CAUSE_STORE_MISALIGNED 6   /* also AMO */
#define MMU_CAUSE_STORE_ACCESS     7   /* also AMO */
#define MMU_CAUSE_FETCH_PAGE       12
#define MMU_CAUSE_LOAD_PAGE        13
#define MMU_CAUSE_STORE_PAGE       15  /* also AMO */

/* satp fields (RV64). */
#define MMU_SATP_MODE_SHIFT 60
#define MMU_SATP_MODE_BARE  0ull
#define MMU_SATP_MODE_SV39  8ull
#define MMU_SATP_MODE_SV48  9ull
#define MMU_SATP_ASID_SHIFT 44
#define MMU_SATP_ASID_MASK  0xffffull
#define MMU_SATP_PPN_MASK   ((1ull << 44) - 1)

/* mstatus bits translation depends on. */
#define MMU_MSTATUS_MPP_SHIFT 11
#define MMU_MSTATUS_MPP   (3ull << MMU_MSTATUS_MPP_SHIFT)
#define MMU_MSTATUS_MPRV  (1ull << 17)
#define MMU_MSTATUS_SUM   (1ull << 18)
#define MMU_MSTATUS_MXR   (1ull << 19)

/*
 * The MMIO router for physical addresses outside RAM. @size is 1, 2, 4 or
 * 8; a read stores the zero-extended value in *@val. Returns >= 0, or
 * -errno when nothing answers at @pa (the access becomes an access fault).
 */
typedef int (*mmu_mmio_fn)(void *opaque, uint64_t pa, unsigned size,
			   int is_write, uint64_t *val);

/*
 * Called for every page fault (causes 12, 13, 15) before the access
 * returns: @addr is the faulting virtual address (the tval), @access 'r',
 * 'w' or 'x', @pc the faulting instruction: for a fetch the address
 * fetched from (the start of the instruction), for a load or store
 * state->pc, which the interpreter must have set before the access. Must
 * not touch the mmu_hart.
 */
typedef void (*mmu_page_fault_fn)(void *opaque, uint64_t addr, uint64_t pc,
				  int access, int cause);

/* What a failed access reports; valid after a call returned -EFAULT. */
struct mmu_fault {
	uint64_t cause;  /* MMU_CAUSE_* */
	uint64_t tval;   /* the faulting virtual address (see access.h) */
};

struct mmu_hart_config {
	struct vcpu_state *state;  /* borrowed; outlives the mmu_hart */
	uint8_t *ram;              /* host mapping of guest RAM, borrowed */
	uint64_t ram_base;         /* guest physical address of ram[0] */
	uint64_t ram_size;         /* bytes; ram_base and size 4 KiB-aligned */
	mmu_mmio_fn mmio;          /* may be NULL: every MMIO access faults */
	void *mmio_opaque;
	mmu_page_fault_fn on_page_fault;  /* may be NULL */
	void *page_fault_opaque;
};

struct mmu_hart {
	/* First, so that JIT code finds tlb.cur[] at offset 0. */
	struct mmu_tlb tlb;
	struct vcpu_state *state;
	uint8_t *ram;
	uint64_t ram_base, ram_size;
	mmu_mmio_fn mmio;
	void *mmio_opaque;
	mmu_page_fault_fn on_page_fault;
	void *page_fault_opaque;
	struct mmu_fault fault;    /* the last fault */
	uint64_t mxr;              /* mstatus.MXR the read tables were filled with */
	uint64_t walks;            /* page-table walks done (statistics) */
	uint64_t fills;            /* TLB entries filled (statistics) */
};

/*
 * mmu_hart_new - a memory context for the hart whose state is
 * @cfg->state, over the RAM mapping @cfg->ram. The TLB starts empty and the
 * context is synced (mmu_sync_ctx). Returns NULL with errno EINVAL for a
 * bad configuration (no state, RAM not page-aligned or wrapping around) or
 * ENOMEM. The caller owns the result; free it with mmu_hart_destroy.
 * Called by the vcpu thread that will run the hart.
 */
struct mmu_hart *mmu_hart_new(const struct mmu_hart_config *cfg);

/*
 * mmu_hart_destroy - free *@pm (NULL is fine) and clear *@pm. Borrowed
 * state and RAM are left alone.
 */
void mmu_hart_destroy(struct mmu_hart **pm);

/*
 * mmu_set_page_fault_hook - (re)wire the memory.page_fault publisher;
 * @fn NULL turns it off.
 */
void mmu_set_page_fault_hook(struct mmu_hart *m, mmu_page_fault_fn fn,
			     void *opaque);

/*
 * mmu_sync_ctx - choose the TLB tables for the current privilege, and for
 * mstatus.MPRV/MPP/SUM/MXR. Cheap (no flush) except when MXR changed. The
 * interpreter must call it after every trap entry, MRET, SRET, and every
 * write to mstatus or sstatus, before the next memory access.
 */
void mmu_sync_ctx(struct mmu_hart *m);

/*
 * mmu_satp_write - CSR write of satp with its WARL rule: a value whose
 * MODE is not Bare, Sv39 or Sv48 is ignored (the spec's choice for
 * unsupported modes); otherwise it is stored and every translated TLB
 * entry is dropped. Returns 0 when stored, 1 when ignored.
 */
int mmu_satp_write(struct mmu_hart *m, uint64_t val);

/*
 * mmu_sfence_vma - SFENCE.VMA. @has_va: rs1 != x0 (then @va is rs1's
 * value), @has_asid: rs2 != x0. Drops the entries for the page of @va, or
 * all of them; ASIDs are not tagged, so an ASID-only fence flushes all.
 */
void mmu_sfence_vma(struct mmu_hart *m, int has_va, uint64_t va,
		    int has_asid, uint64_t asid);

/*
 * mmu_effective_priv - the privilege that loads and stores are made at
 * (mstatus.MPP when in M-mode with MPRV set). Fetches use state->priv.
 */
static inline unsigned mmu_effective_priv(const struct vcpu_state *s)
{
	if (s->priv == VCPU_PRIV_M && (s->mstatus & MMU_MSTATUS_MPRV))
		return (unsigned)((s->mstatus & MMU_MSTATUS_MPP) >>
				  MMU_MSTATUS_MPP_SHIFT);
	return s->priv;
}

/*
 * mmu_phys_ptr - host address of guest physical [@pa, @pa + @len) when it
 * lies entirely in RAM, else NULL. No PMP check: for loaders and the
 * emulator's own bookkeeping, never for guest accesses.
 */
static inline void *mmu_phys_ptr(const struct mmu_hart *m, uint64_t pa,
				 uint64_t len)
{
	uint64_t off = pa - m->ram_base;

	if (pa < m->ram_base || off > m->ram_size || len > m->ram_size - off)
		return (void *)0;
	return m->ram + off;
}

/*
 * mmu_host_to_pa - the guest physical address of @host, a pointer into RAM
 * returned by mmu_host_ptr (e.g. to record an LR reservation).
 */
static inline uint64_t mmu_host_to_pa(const struct mmu_hart *m,
				      const void *host)
{
	return m->ram_base + (uint64_t)((const uint8_t *)host - m->ram);
}

#endif
