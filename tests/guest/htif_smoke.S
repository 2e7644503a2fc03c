/* SPDX-License-Identifier: MIT */
/*
 * The HTIF exit protocol used by riscv-tests and riscv-arch-test: the
 * program has a tohost symbol and ends by storing (code << 1) | 1 there,
 * 1 meaning pass. No UART, no runtime. A few RV64I/M/C steps are checked
 * first; a failing step reports its number as the exit code. Under QEMU it
 * runs on the spike machine (the virt board has no HTIF).
 */
	.section .text.init, "ax", @progbits
	.globl _start
_start:
	li	s2, 1
	li	t0, 6
	li	t1, 7
	mul	t2, t0, t1
	li	t3, 42
	bne	t2, t3, fail
	addi	s2, s2, 1
	li	s0, -1
	c.srli	s0, 60
	li	t1, 15
	bne	s0, t1, fail
	addi	s2, s2, 1
	la	t0, tohost
	andi	t1, t0, 7
	bnez	t1, fail
	li	t0, 1
	la	t1, tohost
	sd	t0, 0(t1)
1:	j	1b

fail:
	slli	s2, s2, 1
	ori	s2, s2, 1
	la	t1, tohost
	sd	s2, 0(t1)
2:	j	2b

	.section .tohost, "aw", @progbits
	.balign 64
	.globl tohost
	.type	tohost, @object
	.size	tohost, 8
tohost:
	.dword	0
	.balign 64
	.globl fromhost
	.type	fromhost, @object
	.size	fromhost, 8
fromhost:
	.dword	0
