/* SPDX-License-Identifier: MIT */
/*
 * Calls between the parts of the vcpu module (interpreter, CSR file, traps,
 * atomics, run loop). Not for use outside vcpu/ and its unit tests. All of
 * them run on the hart's own thread.
 */
#ifndef TESSERA_VCPU_INTERNAL_H
#define TESSERA_VCPU_INTERNAL_H

#include <stdint.h>

#include "vcpu/insn.h"
#include "vcpu/vcpu.h"

/* CSR instruction kinds for vcpu_csr_rw. */
enum vcpu_csr_kind { VCPU_CSR_WRITE, VCPU_CSR_SET, VCPU_CSR_CLEAR };

/* Bits of vcpu.counters_written (the mcountinhibit bit positions). */
#define VCPU_CTR_CY 1u
#define VCPU_CTR_IR 4u

/*
 * vcpu_interp - execute up to @limit instructions from state->pc (fewer
 * when one ends the chunk: CSR writes, xRET, WFI, SFENCE.VMA). Counts
 * retired instructions into mcycle/minstret. Returns how many instructions
 * were executed, trapping ones included. interp.c.
 */
uint64_t vcpu_interp(struct vcpu *v, uint64_t limit);

/*
 * vcpu_block_build - decode the block starting at guest @pc, whose bytes
 * are at host address @host (the rest of that guest page is readable
 * there), into @b. b->n is 0 when the first instruction straddles the page
 * end. block.c.
 */
void vcpu_block_build(struct vcpu *v, struct vcpu_block *b, uint64_t pc,
		      const uint8_t *host);

/*
 * vcpu_decode_memo - vcpu_decode(@raw, @in) through the hart's memo of
 * recent decodings, which saves the table search for the encodings a
 * program keeps rebuilding blocks from. block.c.
 */
void vcpu_decode_memo(struct vcpu *v, uint32_t raw, struct vcpu_insn *in);

/*
 * vcpu_count - retire @n instructions: minstret and mcycle advance unless
 * inhibited by mcountinhibit or in @skip (VCPU_CTR_* bits). csr.c.
 */
void vcpu_count(struct vcpu *v, uint64_t n, uint32_t skip);

/*
 * vcpu_csr_rw - the CSR instruction on CSR @csr: read the old value into
 * *@old, then (if @write) write @src combined as @kind says. Checks
 * privilege, read-only, counter enables, FS and TVM. Returns 0, or -EPERM
 * when the instruction is illegal (nothing changed). csr.c.
 */
int vcpu_csr_rw(struct vcpu *v, unsigned csr, enum vcpu_csr_kind kind,
		uint64_t src, int write, uint64_t *old);

/*
 * vcpu_mip - mip as the hart sees it now: the software-writable bits of
 * state->mip with the CLINT/PLIC lines merged in. @need_timer 0 skips the
 * clock read (MTIP then reads 0). trap.c.
 */
uint64_t vcpu_mip(struct vcpu *v, int need_timer);

/*
 * vcpu_trap - take exception or interrupt @cause (bit 63 for interrupts)
 * with @tval at state->pc: delegation, xEPC/xCAUSE/xTVAL, status stack,
 * vector. Clears the LR reservation and resyncs the memory context. trap.c.
 */
void vcpu_trap(struct vcpu *v, uint64_t cause, uint64_t tval);

/*
 * vcpu_check_irq - take the highest-priority pending and enabled
 * interrupt, if any. Returns 1 when one was taken, else 0. trap.c.
 */
int vcpu_check_irq(struct vcpu *v);

/* vcpu_irq_wakeup - whether (mip & mie) != 0, what ends a WFI. trap.c. */
int vcpu_irq_wakeup(struct vcpu *v);

/*
 * vcpu_mret / vcpu_sret - return from a trap; state->pc becomes xEPC.
 * Return 0, or -EPERM when illegal here (privilege, TSR). trap.c.
 */
int vcpu_mret(struct vcpu *v);
int vcpu_sret(struct vcpu *v);

/*
 * vcpu_atomic - execute A-extension instruction @in with rs1 value @addr
 * and rs2 value @src; the value for rd in *@out. Returns 0, or -EFAULT with
 * v->mmu->fault set. atomic.c.
 */
int vcpu_atomic(struct vcpu *v, const struct vcpu_insn *in, uint64_t addr,
		uint64_t src, uint64_t *out);

#endif
