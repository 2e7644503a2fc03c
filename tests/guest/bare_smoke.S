/* SPDX-License-Identifier: MIT */
/*
 * The smallest useful guest program, with no runtime: a handful of RV64I
 * instructions checked in registers, one line on the UART and a pass or fail
 * through the test finisher. It is the first thing to run on a new
 * interpreter, before traps, CSRs or the C runtime can be trusted; a failing
 * step exits with its step number.
 */
	.section .text.init, "ax", @progbits
	.globl _start
_start:
	li	s0, 0x10000000		/* UART0 */
	li	s1, 0x100000		/* test finisher */
	li	s2, 1			/* step number */

	li	t0, 40
	addi	t0, t0, 2
	li	t1, 42
	bne	t0, t1, fail
	addi	s2, s2, 1

	lui	t0, 0x12345
	addiw	t0, t0, 0x678
	li	t1, 0x12345678
	bne	t0, t1, fail
	addi	s2, s2, 1

	li	t0, -1
	srli	t0, t0, 32
	li	t1, 0xffffffff
	bne	t0, t1, fail
	addi	s2, s2, 1

	la	t2, scratch
	li	t0, 0x8877665544332211
	sd	t0, 0(t2)
	lw	t1, 4(t2)		/* 0x88776655 sign-extended */
	li	t0, 0xffffffff88776655
	bne	t0, t1, fail
	addi	s2, s2, 1

	call	leaf
	li	t1, 7
	bne	a0, t1, fail
	addi	s2, s2, 1

	la	t0, msg
1:	lbu	t1, 0(t0)
	beqz	t1, 2f
	sb	t1, 0(s0)
	addi	t0, t0, 1
	j	1b
2:	li	t0, 0x5555
	sw	t0, 0(s1)
3:	j	3b

fail:
	slli	s2, s2, 16
	li	t0, 0x3333
	or	t0, t0, s2
	sw	t0, 0(s1)
4:	j	4b

leaf:
	li	a0, 7
	ret

	.section .rodata
msg:
	.string "bare_smoke: 5 steps ok\n"

	.data
	.balign 8
scratch:
	.dword 0
