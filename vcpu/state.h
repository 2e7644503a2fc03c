/* SPDX-License-Identifier: MIT */
/*
 * The architectural state of one hart, as one plain struct.
 *
 * It holds no pointers and no host-specific values, so it can live in a
 * shared memory region created by tessera-mmu and be resumed by a freshly
 * started tessera-vcpu process. The vcpu commits to it at block boundaries:
 * everything here is what the guest could observe at the last committed
 * instruction boundary. Per-process caches (TLB, decoded blocks, JIT code)
 * never live here.
 */
#ifndef TESSERA_VCPU_STATE_H
#define TESSERA_VCPU_STATE_H

#include <stdint.h>

#define VCPU_STATE_MAGIC   0x5445535348415254ull /* "TESSHART" */
#define VCPU_STATE_VERSION 1u

enum vcpu_priv {
	VCPU_PRIV_U = 0,
	VCPU_PRIV_S = 1,
	VCPU_PRIV_M = 3,
};

#define VCPU_PMP_ENTRIES 16

struct vcpu_state {
	uint64_t magic;          /* VCPU_STATE_MAGIC once initialised */
	uint32_t version;        /* VCPU_STATE_VERSION */
	uint32_t hartid;

	uint64_t x[32];          /* x[0] always reads 0 */
	uint64_t f[32];          /* raw 64-bit FP registers, NaN-boxed singles */
	uint64_t pc;
	uint32_t priv;           /* enum vcpu_priv */
	uint32_t fcsr;           /* frm << 5 | fflags */

	/* Machine mode. mip holds the software-writable bits only; external,
	 * timer and software interrupt lines are merged in from the CLINT and
	 * PLIC state when interrupts are checked. */
	uint64_t mstatus;        /* sstatus is a view of this */
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie, mip;       /* sie/sip are views of these */
	uint64_t mtvec, mscratch, mepc, mcause, mtval;
	uint64_t mcounteren, mcountinhibit, menvcfg, mseccfg;
	uint64_t mcycle, minstret;

	/* Supervisor mode. */
	uint64_t stvec, sscratch, sepc, scause, stval, satp;
	uint64_t scounteren, senvcfg;

	/* Physical memory protection: pmpcfg0 and pmpcfg2 on RV64. */
	uint64_t pmpcfg[VCPU_PMP_ENTRIES / 8];
	uint64_t pmpaddr[VCPU_PMP_ENTRIES];

	/* LR/SC reservation: the guest physical address of the reserved word
	 * (aligned, so bit 0 is free: set for an LR.D), or ~0 for none. */
	uint64_t reservation;

	/* Run state shared with the supervisor and other processes. */
	uint32_t wfi;            /* 1 while the hart waits for an interrupt */
	uint32_t stop;           /* set by anyone to ask the hart to stop */
	uint64_t commit_seq;     /* bumped at every commit */
	uint64_t reserved[32];   /* room to grow without a layout break */
};

/*
 * vcpu_state_reset - put @s into the reset state of hart @hartid: M-mode,
 * pc at @reset_pc, misa for RV64GC with S and U, every other CSR zero.
 * Callers: the creator of the shared region (mmu) or a standalone harness.
 */
void vcpu_state_reset(struct vcpu_state *s, uint32_t hartid, uint64_t reset_pc);

#endif
