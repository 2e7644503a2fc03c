/* SPDX-License-Identifier: MIT */
/*
 * The C extension, one explicit c.* mnemonic at a time (the assembler
 * refuses a c.* form it cannot encode, so every case below really is a
 * 16-bit instruction): immediates at their extremes and sign extension,
 * the x8-x15 register forms, the sp-relative loads and stores with their
 * largest offsets, branches both ways, c.jr/c.jalr (link = pc + 2), the
 * HINT encodings (executed as no-ops), c.ebreak and the all-zero illegal
 * parcel (both skipped by 2 bytes). Results go to rt_check_eq() from the
 * runtime; CHK clobbers a0-a3 and the other caller-saved registers.
 */
#include "rt.h"

#define CHK(reg, want) \
	mv a2, reg; li a3, want; li a0, __LINE__; la a1, expr; call rt_check_eq

#define ENTER(size) addi sp, sp, -(size); sd ra, (size) - 8(sp)
#define LEAVE(size) ld ra, (size) - 8(sp); addi sp, sp, size; ret

	.option rvc
	.text
	.globl main
main:
	addi	sp, sp, -32
	sd	ra, 24(sp)
	sd	s0, 16(sp)
	sd	s1, 8(sp)
	call	test_imm
	call	test_alu
	call	test_mem
	call	test_sp
	call	test_ctrl
	call	test_traps
	la	a0, name
	call	rt_done
	ld	ra, 24(sp)
	ld	s0, 16(sp)
	ld	s1, 8(sp)
	addi	sp, sp, 32
	ret

test_imm:
	ENTER(16)
	c.li	a0, -32
	CHK(a0, -32)
	c.li	a0, 31
	CHK(a0, 31)
	c.lui	a0, 0x1f
	CHK(a0, 0x1f000)
	c.lui	a0, 0xfffe0
	CHK(a0, 0xfffffffffffe0000)
	c.lui	s1, 1
	CHK(s1, 0x1000)
	li	a0, 10
	c.addi	a0, -11
	CHK(a0, -1)
	li	a0, 10
	c.addi	a0, 31
	CHK(a0, 41)
	li	a0, 0x7fffffff
	c.addiw	a0, 1
	CHK(a0, 0xffffffff80000000)
	li	a0, 0x123456789
	c.addiw	a0, 0
	CHK(a0, 0x23456789)
	li	a0, 0xfffffffe
	c.addiw	a0, -32
	CHK(a0, 0xffffffffffffffde)
	c.addi4spn a0, sp, 4
	sub	a0, a0, sp
	CHK(a0, 4)
	c.addi4spn a5, sp, 1020
	sub	a0, a5, sp
	CHK(a0, 1020)
	mv	s0, sp
	c.addi16sp sp, -512
	sub	s1, s0, sp
	c.addi16sp sp, 496
	c.addi16sp sp, 16
	sub	s0, s0, sp
	CHK(s1, 512)
	CHK(s0, 0)
	LEAVE(16)

test_alu:
	ENTER(16)
	li	s0, -1
	c.srli	s0, 63
	CHK(s0, 1)
	li	s0, -1
	c.srli	s0, 32
	CHK(s0, 0xffffffff)
	li	s0, 0x8000000000000000
	c.srai	s0, 4
	CHK(s0, 0xf800000000000000)
	li	s0, 0x4000000000000000
	c.srai	s0, 62
	CHK(s0, 1)
	li	s1, 0xff
	c.andi	s1, -16
	CHK(s1, 0xf0)
	li	s1, -1
	c.andi	s1, 31
	CHK(s1, 31)
	li	a0, 1
	c.slli	a0, 63
	CHK(a0, 0x8000000000000000)
	li	t0, 3
	c.slli	t0, 32
	CHK(t0, 0x300000000)
	li	a4, 5
	li	a5, 7
	c.sub	a4, a5
	CHK(a4, -2)
	li	a4, 0xff00ff00
	li	a5, 0x0ff00ff0
	c.xor	a4, a5
	CHK(a4, 0xf0f0f0f0)
	li	a4, 0xff00ff00
	li	a5, 0x0ff00ff0
	c.or	a4, a5
	CHK(a4, 0xfff0fff0)
	li	a4, 0xff00ff00
	li	a5, 0x0ff00ff0
	c.and	a4, a5
	CHK(a4, 0x0f000f00)
	li	a4, 0x7fffffff
	li	a5, 1
	c.addw	a4, a5
	CHK(a4, 0xffffffff80000000)
	li	a4, 0
	li	a5, 1
	c.subw	a4, a5
	CHK(a4, -1)
	li	a4, 0x180000000
	li	a5, 0x100000000
	c.subw	a4, a5
	CHK(a4, 0xffffffff80000000)
	li	t0, 0x1234
	c.mv	a0, t0
	CHK(a0, 0x1234)
	li	t1, 5
	li	t2, 6
	c.add	t1, t2
	CHK(t1, 11)
	li	s1, 77
	c.nop
	.hword	0x0005		/* c.nop with an immediate: HINT */
	.hword	0x4015		/* c.li x0, 5: HINT */
	.hword	0x802a		/* c.mv x0, a0: HINT */
	.hword	0x902a		/* c.add x0, a0: HINT */
	.hword	0x0006		/* c.slli x0, 1: HINT */
	CHK(s1, 77)
	LEAVE(16)

test_mem:
	ENTER(16)
	la	s0, buf
	c.lw	a0, 0(s0)
	CHK(a0, 0x11223344)
	c.lw	a0, 4(s0)
	CHK(a0, 0xffffffff80000001)
	c.ld	a1, 8(s0)
	CHK(a1, 0x8877665544332211)
	c.lw	a0, 124(s0)
	CHK(a0, 0x7eadbeef)
	c.ld	a0, 248(s0)
	CHK(a0, 0xcafef00dd00dfeed)
	li	a4, 0x8877665544332211
	c.sw	a4, 16(s0)
	ld	a0, 16(s0)
	CHK(a0, 0x44332211)
	li	a4, 0x8877665544332211
	c.sd	a4, 16(s0)
	ld	a0, 16(s0)
	CHK(a0, 0x8877665544332211)
	c.fld	fa0, 24(s0)
	fmv.x.d	a0, fa0
	CHK(a0, 0x400921fb54442d18)
	c.fsd	fa0, 32(s0)
	ld	a0, 32(s0)
	CHK(a0, 0x400921fb54442d18)
	c.fld	fa5, 248(s0)
	fmv.x.d	a0, fa5
	CHK(a0, 0xcafef00dd00dfeed)
	LEAVE(16)

test_sp:
	ENTER(528)
	li	a0, 0x1122334455667788
	c.sdsp	a0, 8(sp)
	c.ldsp	t0, 8(sp)
	CHK(t0, 0x1122334455667788)
	c.lwsp	t0, 12(sp)
	CHK(t0, 0x11223344)
	li	t1, 0x80000000
	c.swsp	t1, 16(sp)
	c.lwsp	t2, 16(sp)
	CHK(t2, 0xffffffff80000000)
	li	t1, 0x3ff8000000000000
	fmv.d.x	ft0, t1
	c.fsdsp	ft0, 24(sp)
	c.fldsp	ft1, 24(sp)
	fmv.x.d	t0, ft1
	CHK(t0, 0x3ff8000000000000)
	li	a0, 0x0123456789abcdef
	c.sdsp	a0, 504(sp)
	c.ldsp	t0, 504(sp)
	CHK(t0, 0x0123456789abcdef)
	li	a0, 0x76543210
	c.swsp	a0, 252(sp)
	c.lwsp	t0, 252(sp)
	CHK(t0, 0x76543210)
	c.fldsp	ft2, 504(sp)
	c.fsdsp	ft2, 496(sp)
	ld	t0, 496(sp)
	CHK(t0, 0x0123456789abcdef)
	LEAVE(528)

test_ctrl:
	ENTER(16)
	li	s1, 0
	c.j	1f
	li	s1, 99
1:	CHK(s1, 0)
	li	s0, 0
	li	s1, 0
	c.beqz	s0, 2f
	li	s1, 1
2:	CHK(s1, 0)
	li	s0, 5
	li	s1, 0
	c.beqz	s0, 3f
	li	s1, 1
3:	CHK(s1, 1)
	li	s0, -1
	li	s1, 0
	c.bnez	s0, 4f
	li	s1, 1
4:	CHK(s1, 0)
	li	s0, 0
	li	s1, 0
	c.bnez	s0, 5f
	li	s1, 1
5:	CHK(s1, 1)
	li	s0, 5		/* a backward c.bnez loop */
	li	s1, 0
6:	addi	s1, s1, 2
	c.addi	s0, -1
	c.bnez	s0, 6b
	CHK(s1, 10)
	la	t0, 7f
	li	s1, 0
	c.jr	t0
	li	s1, 1
7:	CHK(s1, 0)
	la	t0, 9f
	c.jalr	t0
8:	j	10f
9:	mv	s1, ra
	ret
10:	la	t1, 8b
	sub	s1, s1, t1
	CHK(s1, 0)
	LEAVE(16)

test_traps:
	ENTER(16)
	call	rt_trap_expect
	li	s1, 0
11:	c.ebreak
	c.li	s1, 1
	c.addi	s1, 2
	CHK(s1, 3)
	li	a0, __LINE__
	li	a1, CAUSE_BREAKPOINT
	li	a2, -1
	li	a3, RT_PRIV_M
	call	rt_check_trap
	la	t0, rt_last_trap
	ld	s1, 8(t0)
	la	t1, 11b
	sub	s1, s1, t1
	CHK(s1, 0)
	call	rt_trap_expect
	li	s1, 0
12:	.hword	0
	c.li	s1, 1
	c.addi	s1, 2
	CHK(s1, 3)
	li	a0, __LINE__
	li	a1, CAUSE_ILLEGAL
	li	a2, 0
	li	a3, RT_PRIV_M
	call	rt_check_trap
	LEAVE(16)

	.section .rodata
expr:	.string "register"
name:	.string "isa_rvc"

	.data
	.balign 8
buf:
	.word	0x11223344, 0x80000001
	.dword	0x8877665544332211, 0, 0x400921fb54442d18, 0
	.skip	124 - 40
	.word	0x7eadbeef
	.skip	248 - 128
	.dword	0xcafef00dd00dfeed
