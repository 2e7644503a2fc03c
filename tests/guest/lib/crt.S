/* SPDX-License-Identifier: MIT */
/*
 * Start-up code and trap entry for the guest runtime.
 *
 * _start runs in M-mode on hart 0 (others park in WFI): it sets the stack,
 * clears .bss, installs the M- and S-level trap vectors with their own
 * stacks (through mscratch/sscratch, so traps from code with a bad sp are
 * still reported), opens PMP entry 0 over the whole address space (without
 * any matching entry S and U could not run at all), turns the FPU on, and
 * calls main(); main's return value goes to rt_exit().
 *
 * Both trap entries save every integer register and the trap CSRs into a
 * struct rt_frame and call rt_trap_dispatch(frame, level). A zero return
 * writes epc/status back and returns with xRET; a nonzero return means the
 * lower-privilege code called by rt_run_at() has finished, and control goes
 * back to rt_run_at()'s caller (from S-level by escalating with an ecall).
 */
#include "rt.h"

	.section .text.init, "ax", @progbits
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, rt_stack_top
	la	t0, rt_mtrap_entry
	csrw	mtvec, t0
	la	t0, rt_mtrap_stack_top
	csrw	mscratch, t0
	la	t0, rt_strap_entry
	csrw	stvec, t0
	la	t0, rt_strap_stack_top
	csrw	sscratch, t0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	li	t0, -1
	csrw	pmpaddr0, t0
	li	t0, 0x1f		/* NAPOT, R, W, X */
	csrw	pmpcfg0, t0
	li	t0, (1 << 13)		/* mstatus.FS = Initial */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	call	main
	call	rt_exit
park:
	wfi
	j	park

/* Save x1, x3..x31 at their slots of the frame at sp; x2 is saved by caller. */
.macro SAVE_REGS
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(sp)
	.endr
.endm

/* Restore every register but sp, then sp last. */
.macro RESTORE_REGS
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(sp)
	.endr
	ld	sp, 16(sp)
.endm

	.text
	.balign 4
	.globl rt_mtrap_entry
rt_mtrap_entry:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -RT_FRAME_SIZE
	SAVE_REGS
	csrr	t0, mscratch
	sd	t0, 16(sp)
	csrr	t0, mepc
	sd	t0, RT_FRAME_EPC(sp)
	csrr	t0, mcause
	sd	t0, RT_FRAME_CAUSE(sp)
	csrr	t0, mtval
	sd	t0, RT_FRAME_TVAL(sp)
	csrr	t0, mstatus
	sd	t0, RT_FRAME_STATUS(sp)
	mv	a0, sp
	li	a1, RT_PRIV_M
	call	rt_trap_dispatch
	addi	t0, sp, RT_FRAME_SIZE
	csrw	mscratch, t0
	bnez	a0, mode_exit
	ld	t0, RT_FRAME_EPC(sp)
	csrw	mepc, t0
	ld	t0, RT_FRAME_STATUS(sp)
	csrw	mstatus, t0
	RESTORE_REGS
	mret

/* Back to rt_run_at()'s caller with the lower code's a0. */
mode_exit:
	ld	a0, (10 * 8)(sp)
	la	t0, rt_mctx
	ld	ra, 0(t0)
	ld	sp, 8(t0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, (16 + \n * 8)(t0)
	.endr
	ld	t1, 112(t0)
	andi	t1, t1, MSTATUS_MIE
	csrs	mstatus, t1
	ret

	.balign 4
	.globl rt_strap_entry
rt_strap_entry:
	csrrw	sp, sscratch, sp
	addi	sp, sp, -RT_FRAME_SIZE
	SAVE_REGS
	csrr	t0, sscratch
	sd	t0, 16(sp)
	csrr	t0, sepc
	sd	t0, RT_FRAME_EPC(sp)
	csrr	t0, scause
	sd	t0, RT_FRAME_CAUSE(sp)
	csrr	t0, stval
	sd	t0, RT_FRAME_TVAL(sp)
	csrr	t0, sstatus
	sd	t0, RT_FRAME_STATUS(sp)
	mv	a0, sp
	li	a1, RT_PRIV_S
	call	rt_trap_dispatch
	addi	t0, sp, RT_FRAME_SIZE
	csrw	sscratch, t0
	bnez	a0, s_mode_exit
	ld	t0, RT_FRAME_EPC(sp)
	csrw	sepc, t0
	ld	t0, RT_FRAME_STATUS(sp)
	csrw	sstatus, t0
	RESTORE_REGS
	sret

/* The S-level handler cannot reach M's context itself: ask M with an ecall. */
s_mode_exit:
	ld	a0, (10 * 8)(sp)
	li	a7, RT_ECALL_EXIT_MODE
	ecall
1:	j	1b

	.globl rt_run_at
rt_run_at:
	la	t0, rt_mctx
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, (16 + \n * 8)(t0)
	.endr
	csrr	t1, mstatus
	sd	t1, 112(t0)
	li	t1, MSTATUS_MPP
	csrc	mstatus, t1
	andi	a0, a0, 3
	slli	a0, a0, 11
	csrs	mstatus, a0
	csrw	mepc, a1
	mv	a0, a2
	mv	sp, a3
	mv	ra, a4
	mret

	.globl rt_lower_return
rt_lower_return:
	li	a7, RT_ECALL_EXIT_MODE
	ecall
1:	j	1b

	.bss
	.balign 8
rt_mctx:
	.skip 120
