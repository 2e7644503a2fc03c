/* SPDX-License-Identifier: MIT */
/*
 * The F extension and the FP state common to F and D: arithmetic in every
 * static rounding mode and through frm, exact fflags (NV, DZ, OF, UF, NX),
 * the canonical NaN, NaN boxing of singles in the 64-bit registers, fmin and
 * fmax with NaNs and signed zeros, sign injection, compares (quiet and
 * signalling), fclass, conversions to and from integers with saturation,
 * the fused multiply-adds (single rounding, inf*0 with a quiet NaN), fcsr
 * and its fflags/frm views, mstatus.FS tracking and the illegal-instruction
 * traps for FS=Off and reserved rounding modes.
 */
#include "isa.h"

#define ONE    0x3f800000u
#define TWO    0x40000000u
#define THREE  0x40400000u
#define HALF   0x3f000000u
#define NEG1   0xbf800000u
#define PINF   0x7f800000u
#define NINF   0xff800000u
#define QNAN   0x7fc00000u        /* the canonical NaN */
#define SNAN   0x7f800001u
#define MAXF   0x7f7fffffu
#define MINN   0x00800000u        /* smallest normal */
#define NZERO  0x80000000u
#define EPS24  0x33800000u        /* 2^-24: half an ulp of 1.0 */

#define FADD(a, b, rm) FPOP2("w", "fadd.s", a, b, rm)
#define FMUL(a, b, rm) FPOP2("w", "fmul.s", a, b, rm)
#define FDIV(a, b, rm) FPOP2("w", "fdiv.s", a, b, rm)

static void test_arith(void)
{
	CHECK_FP(FADD(ONE, TWO, RNE), S(THREE), 0);
	CHECK_FP(FPOP2("w", "fsub.s", ONE, TWO, RNE), S(NEG1), 0);
	CHECK_FP(FMUL(THREE, HALF, RNE), S(0x3fc00000), 0);
	CHECK_FP(FDIV(THREE, TWO, RNE), S(0x3fc00000), 0);
	CHECK_FP(FPOP1("w", "fsqrt.s", 0x40800000, RNE), S(TWO), 0);
	CHECK_FP(FPOP1("w", "fsqrt.s", NZERO, RNE), S(NZERO), 0);
	CHECK_FP(FPOP1("w", "fsqrt.s", NEG1, RNE), S(QNAN), FF_NV);
	CHECK_FP(FPOP1("w", "fsqrt.s", PINF, RNE), S(PINF), 0);
	CHECK_FP(FADD(ONE, NEG1, RNE), 0, 0);
	CHECK_FP(FADD(ONE, NEG1, RDN), S(NZERO), 0);   /* x - x = -0 in RDN */
	CHECK_FP(FADD(NZERO, NZERO, RNE), S(NZERO), 0);
	CHECK_FP(FDIV(ONE, 0, RNE), S(PINF), FF_DZ);
	CHECK_FP(FDIV(NEG1, 0, RNE), S(NINF), FF_DZ);
	CHECK_FP(FDIV(0, 0, RNE), S(QNAN), FF_NV);
	CHECK_FP(FADD(PINF, NINF, RNE), S(QNAN), FF_NV);
	CHECK_FP(FMUL(PINF, 0, RNE), S(QNAN), FF_NV);
	CHECK_FP(FDIV(PINF, PINF, RNE), S(QNAN), FF_NV);
}

static void test_rounding(void)
{
	/* 1/3 and -1/3: the discarded bits are above one half ulp */
	CHECK_FP(FDIV(ONE, THREE, RNE), S(0x3eaaaaab), FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RTZ), S(0x3eaaaaaa), FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RDN), S(0x3eaaaaaa), FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RUP), S(0x3eaaaaab), FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RMM), S(0x3eaaaaab), FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RNE), S(0xbeaaaaab), FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RTZ), S(0xbeaaaaaa), FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RDN), S(0xbeaaaaab), FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RUP), S(0xbeaaaaaa), FF_NX);
	/* exact ties: even versus away from zero */
	CHECK_FP(FADD(ONE, EPS24, RNE), S(ONE), FF_NX);
	CHECK_FP(FADD(ONE, EPS24, RMM), S(0x3f800001), FF_NX);
	CHECK_FP(FADD(ONE, EPS24, RUP), S(0x3f800001), FF_NX);
	CHECK_FP(FADD(ONE, EPS24, RDN), S(ONE), FF_NX);
	CHECK_FP(FADD(0x3f800001, EPS24, RNE), S(0x3f800002), FF_NX);
	CHECK_FP(FADD(0x3f800001, EPS24, RTZ), S(0x3f800001), FF_NX);
	CHECK_FP(FADD(NEG1, EPS24 | NZERO, RMM), S(0xbf800001), FF_NX);
	CHECK_FP(FADD(NEG1, EPS24 | NZERO, RUP), S(NEG1), FF_NX);
	CHECK_FP(FADD(NEG1, EPS24 | NZERO, RDN), S(0xbf800001), FF_NX);
	/* sqrt(2) */
	CHECK_FP(FPOP1("w", "fsqrt.s", TWO, RNE), S(0x3fb504f3), FF_NX);
	CHECK_FP(FPOP1("w", "fsqrt.s", TWO, RUP), S(0x3fb504f4), FF_NX);
	CHECK_FP(FPOP1("w", "fsqrt.s", TWO, RTZ), S(0x3fb504f3), FF_NX);
}

static void test_range(void)
{
	CHECK_FP(FMUL(MAXF, TWO, RNE), S(PINF), FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXF, TWO, RTZ), S(MAXF), FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXF, TWO, RDN), S(MAXF), FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXF, TWO, RUP), S(PINF), FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXF | NZERO, TWO, RUP), S(MAXF | NZERO), FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXF | NZERO, TWO, RDN), S(NINF), FF_OF | FF_NX);
	CHECK_FP(FADD(MAXF, 0x73000000, RNE), S(PINF), FF_OF | FF_NX);
	/* exact subnormal result: tiny but exact, so no underflow flag */
	CHECK_FP(FMUL(MINN, HALF, RNE), S(0x00400000), 0);
	/* 2^-150: half of the smallest subnormal */
	CHECK_FP(FMUL(1, HALF, RNE), 0, FF_UF | FF_NX);
	CHECK_FP(FMUL(1, HALF, RUP), S(1), FF_UF | FF_NX);
	CHECK_FP(FMUL(1, HALF, RMM), S(1), FF_UF | FF_NX);
	CHECK_FP(FMUL(1 | NZERO, HALF, RNE), S(NZERO), FF_UF | FF_NX);
	CHECK_FP(FMUL(3, HALF, RNE), S(2), FF_UF | FF_NX);
	CHECK_FP(FADD(1, 1, RNE), S(2), 0);
	CHECK_FP(FMUL(0x00ffffff, HALF, RNE), S(0x00800000), FF_UF | FF_NX);
}

static void test_nan(void)
{
	CHECK_FP(FADD(0x7fc12345, ONE, RNE), S(QNAN), 0);
	CHECK_FP(FADD(0xffc00000, ONE, RNE), S(QNAN), 0);
	CHECK_FP(FADD(SNAN, ONE, RNE), S(QNAN), FF_NV);
	CHECK_FP(FMUL(ONE, 0xff800123, RNE), S(QNAN), FF_NV);
	CHECK_FP(FPOP1("w", "fsqrt.s", 0x7fc00001, RNE), S(QNAN), 0);
	CHECK_FP(FPOP2("w", "fmin.s", QNAN, ONE, NORM), S(ONE), 0);
	CHECK_FP(FPOP2("w", "fmin.s", ONE, 0x7fc12345, NORM), S(ONE), 0);
	CHECK_FP(FPOP2("w", "fmax.s", SNAN, NEG1, NORM), S(NEG1), FF_NV);
	CHECK_FP(FPOP2("w", "fmax.s", 0x7fc12345, SNAN, NORM), S(QNAN), FF_NV);
	CHECK_FP(FPOP2("w", "fmin.s", 0x7fc12345, 0x7fc00001, NORM), S(QNAN), 0);
	CHECK_FP(FPOP2("w", "fmin.s", NZERO, 0, NORM), S(NZERO), 0);
	CHECK_FP(FPOP2("w", "fmin.s", 0, NZERO, NORM), S(NZERO), 0);
	CHECK_FP(FPOP2("w", "fmax.s", NZERO, 0, NORM), 0, 0);
	CHECK_FP(FPOP2("w", "fmax.s", 0, NZERO, NORM), 0, 0);
	CHECK_FP(FPOP2("w", "fmin.s", NINF, MAXF, NORM), S(NINF), 0);
	CHECK_FP(FPOP2("w", "fmax.s", THREE, TWO, NORM), S(THREE), 0);
}

static void test_sign(void)
{
	CHECK_FP(FPOP2("w", "fsgnj.s", ONE, NEG1, NORM), S(NEG1), 0);
	CHECK_FP(FPOP2("w", "fsgnj.s", NEG1, ONE, NORM), S(ONE), 0);
	CHECK_FP(FPOP2("w", "fsgnjn.s", ONE, NEG1, NORM), S(ONE), 0);
	CHECK_FP(FPOP2("w", "fsgnjn.s", ONE, ONE, NORM), S(NEG1), 0);
	CHECK_FP(FPOP2("w", "fsgnjx.s", NEG1, NEG1, NORM), S(ONE), 0);
	CHECK_FP(FPOP2("w", "fsgnjx.s", NEG1, ONE, NORM), S(NEG1), 0);
	/* sign injection never canonicalises NaNs nor signals */
	CHECK_FP(FPOP2("w", "fsgnjn.s", 0x7f812345, ONE, NORM), S(0xff812345), 0);
	CHECK_FP(FPOP2("w", "fsgnj.s", SNAN, SNAN, NORM), S(SNAN), 0);
}

static void test_compare(void)
{
	CHECK_FP(FPTOX2("w", "feq.s", ONE, ONE), 1, 0);
	CHECK_FP(FPTOX2("w", "feq.s", NZERO, 0), 1, 0);
	CHECK_FP(FPTOX2("w", "feq.s", QNAN, QNAN), 0, 0);
	CHECK_FP(FPTOX2("w", "feq.s", SNAN, ONE), 0, FF_NV);
	CHECK_FP(FPTOX2("w", "flt.s", NEG1, ONE), 1, 0);
	CHECK_FP(FPTOX2("w", "flt.s", NZERO, 0), 0, 0);
	CHECK_FP(FPTOX2("w", "flt.s", QNAN, ONE), 0, FF_NV);
	CHECK_FP(FPTOX2("w", "fle.s", NZERO, 0), 1, 0);
	CHECK_FP(FPTOX2("w", "fle.s", TWO, ONE), 0, 0);
	CHECK_FP(FPTOX2("w", "fle.s", ONE, QNAN), 0, FF_NV);
	CHECK_FP(FPTOX2("w", "flt.s", NINF, PINF), 1, 0);
}

static void test_class(void)
{
	static const uint32_t in[10] = { NINF, NEG1, 0x807fffff, NZERO, 0,
					 0x00000001, ONE, PINF, SNAN, QNAN };

	for (int i = 0; i < 10; i++)
		CHECK_FP(FPTOX1("w", "fclass.s", in[i], NORM), 1u << i, 0);
	CHECK_FP(FPTOX1("w", "fclass.s", 0xffc00000, NORM), 0x200, 0);
	CHECK_FP(FPTOX1("w", "fclass.s", 0xff800001, NORM), 0x100, 0);
}

static void test_to_int(void)
{
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x3fc00000, RNE), 2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x3fc00000, RTZ), 1, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x3fc00000, RDN), 1, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x3fc00000, RUP), 2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x40200000, RNE), 2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x40200000, RMM), 3, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xbfc00000, RNE), -2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xbfc00000, RTZ), -1, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xbfc00000, RDN), -2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xbfc00000, RUP), -1, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xbfc00000, RMM), -2, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xc3000000, RNE), -128, 0);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", QNAN, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xffc00000, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", PINF, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", NINF, RNE), S(0x80000000), FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0x4f000000, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.w.s", 0xcf000000, RNE), S(0x80000000), 0);
	CHECK_FP(FPTOX1("w", "fcvt.wu.s", 0x4f000000, RNE), S(0x80000000), 0);
	CHECK_FP(FPTOX1("w", "fcvt.wu.s", 0x4f800000, RNE), ~0ul, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.wu.s", NEG1, RNE), 0, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.wu.s", 0xbf000000, RTZ), 0, FF_NX);
	CHECK_FP(FPTOX1("w", "fcvt.wu.s", QNAN, RNE), ~0ul, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.l.s", 0x5f000000, RNE), 0x7ffffffffffffffful,
		 FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.l.s", 0xdf000000, RNE), 0x8000000000000000ul,
		 0);
	CHECK_FP(FPTOX1("w", "fcvt.l.s", QNAN, RNE), 0x7ffffffffffffffful, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.l.s", NINF, RNE), 0x8000000000000000ul, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.l.s", 0x4f800000, RNE), 0x100000000ul, 0);
	CHECK_FP(FPTOX1("w", "fcvt.lu.s", 0x5f800000, RNE), ~0ul, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.lu.s", 0x5f000000, RNE), 0x8000000000000000ul,
		 0);
	CHECK_FP(FPTOX1("w", "fcvt.lu.s", NEG1, RNE), 0, FF_NV);
	CHECK_FP(FPTOX1("w", "fcvt.lu.s", SNAN, RNE), ~0ul, FF_NV);
}

static void test_from_int(void)
{
	CHECK_FP(XTOFP("w", "fcvt.s.w", 0x7fffffff, RNE), S(0x4f000000), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.w", 0x7fffffff, RTZ), S(0x4effffff), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.w", 0xdeadbeef00000005ul, RNE),
		 S(0x40a00000), 0);
	CHECK_FP(XTOFP("w", "fcvt.s.w", 0xfffffffful, RNE), S(NEG1), 0);
	CHECK_FP(XTOFP("w", "fcvt.s.wu", 0xfffffffful, RNE), S(0x4f800000), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.wu", 0xfffffffful, RTZ), S(0x4f7fffff), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.wu", 0x100000003ul, RNE), S(0x40400000), 0);
	CHECK_FP(XTOFP("w", "fcvt.s.l", -1, RNE), S(NEG1), 0);
	CHECK_FP(XTOFP("w", "fcvt.s.l", 0x8000000000000000ul, RNE),
		 S(0xdf000000), 0);
	CHECK_FP(XTOFP("w", "fcvt.s.l", 0x1000001, RNE), S(0x4b800000), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.l", 0x1000003, RNE), S(0x4b800002), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.lu", ~0ul, RNE), S(0x5f800000), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.lu", ~0ul, RDN), S(0x5f7fffff), FF_NX);
	CHECK_FP(XTOFP("w", "fcvt.s.lu", 0, RNE), 0, 0);
}

static void test_fused(void)
{
	CHECK_FP(FPOP3("w", "fmadd.s", TWO, THREE, ONE, RNE), S(0x40e00000), 0);
	CHECK_FP(FPOP3("w", "fmsub.s", TWO, THREE, ONE, RNE), S(0x40a00000), 0);
	CHECK_FP(FPOP3("w", "fnmsub.s", TWO, THREE, ONE, RNE), S(0xc0a00000), 0);
	CHECK_FP(FPOP3("w", "fnmadd.s", TWO, THREE, ONE, RNE), S(0xc0e00000), 0);
	/* (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 only with a single rounding */
	CHECK_FP(FPOP3("w", "fmadd.s", 0x3f800001, 0x3f7ffffe, NEG1, RNE),
		 S(0xa8800000), 0);
	CHECK_FP(FPOP3("w", "fmadd.s", PINF, 0, QNAN, RNE), S(QNAN), FF_NV);
	CHECK_FP(FPOP3("w", "fmadd.s", ONE, ONE, SNAN, RNE), S(QNAN), FF_NV);
	CHECK_FP(FPOP3("w", "fmadd.s", PINF, ONE, NINF, RNE), S(QNAN), FF_NV);
	CHECK_FP(FPOP3("w", "fmadd.s", ONE, THREE, 0x33800000, RTZ),
		 S(THREE), FF_NX);
	CHECK_FP(FPOP3("w", "fnmadd.s", 0, ONE, 0, RNE), S(NZERO), 0);
	CHECK_FP(FPOP3("w", "fmsub.s", 0, ONE, 0, RNE), 0, 0);
}

static void test_boxing(void)
{
	uint64_t r, s;

	/* an unboxed single reads as the canonical NaN */
	__asm__ volatile("fmv.d.x ft0, %2\nfadd.s ft1, ft0, ft0\n"
			 "fmv.x.d %0, ft1\nfclass.s %1, ft0"
			 : "=r"(r), "=r"(s) : "r"(0x000000003f800000ul)
			 : "ft0", "ft1");
	CHECK_EQ(r, 0xffffffff7fc00000ul);
	CHECK_EQ(s, 0x200);
	/* transfers ignore the box: fmv.x.w and fsw move the low 32 bits */
	__asm__ volatile("fmv.d.x ft0, %1\nfmv.x.w %0, ft0"
			 : "=r"(r) : "r"(0x12345678bf800000ul) : "ft0");
	CHECK_EQ(r, S(NEG1));
	/* every single-precision write boxes */
	__asm__ volatile("fmv.w.x ft0, %1\nfmv.x.d %0, ft0"
			 : "=r"(r) : "r"(0x123ul) : "ft0");
	CHECK_EQ(r, 0xffffffff00000123ul);
	__asm__ volatile("fcvt.s.w ft0, %1\nfmv.x.d %0, ft0"
			 : "=r"(r) : "r"(1ul) : "ft0");
	CHECK_EQ(r, 0xffffffff3f800000ul);
	__asm__ volatile("fmv.d.x ft0, %1\nfsgnj.s ft1, ft0, ft0\nfmv.x.d %0, ft1"
			 : "=r"(r) : "r"(0x7ff0000040000000ul) : "ft0", "ft1");
	CHECK_EQ(r, 0xffffffff7fc00000ul);
}

static void test_mem(void)
{
	static volatile uint32_t w[2] = { 0x40490fdb, 0 };
	uint64_t r;

	__asm__ volatile("flw ft0, 0(%1)\nfsw ft0, 4(%1)\nfmv.x.d %0, ft0"
			 : "=r"(r) : "r"(w) : "ft0", "memory");
	CHECK_EQ(r, 0xffffffff40490fdbul);
	CHECK_EQ(w[1], 0x40490fdb);
	__asm__ volatile("fmv.d.x ft0, %1\nfsw ft0, 4(%0)"
			 :: "r"(w), "r"(0xdeadbeef3f800000ul) : "ft0", "memory");
	CHECK_EQ(w[1], ONE);
}

static void test_fcsr(void)
{
	uint64_t r;

	csr_write(fcsr, 0xff);
	CHECK_EQ(csr_read(fcsr), 0xff);
	CHECK_EQ(csr_read(frm), 7);
	CHECK_EQ(csr_read(fflags), 0x1f);
	csr_write(fcsr, 0x3ff);
	CHECK_EQ(csr_read(fcsr), 0xff);
	csr_write(fflags, 0x21);
	CHECK_EQ(csr_read(fcsr), 0xe1);
	csr_write(frm, 0xf9);
	CHECK_EQ(csr_read(fcsr), 0x21);
	r = csr_swap(fflags, 0);
	CHECK_EQ(r, 1);
	/* dynamic rounding follows frm; flags accumulate */
	csr_write(frm, 1);
	CHECK_FP(FDIV(ONE, THREE, DYN), S(0x3eaaaaaa), FF_NX);
	csr_write(frm, 3);
	CHECK_FP(FDIV(ONE, THREE, DYN), S(0x3eaaaaab), FF_NX);
	csr_write(frm, 0);
	csr_write(fflags, FF_DZ);
	__asm__ volatile("fmv.w.x ft0, %0\nfadd.s ft0, ft0, ft0"
			 :: "r"((uint64_t)SNAN) : "ft0");
	CHECK_EQ(csr_read(fflags), FF_DZ | FF_NV);
	csr_write(fcsr, 0);
}

static void test_fs_state(void)
{
	unsigned long st;

	csr_clear(mstatus, MSTATUS_FS);
	csr_set(mstatus, 1ul << 13);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, 1ul << 13);
	__asm__ volatile("fmv.w.x ft0, zero" ::: "ft0");
	st = csr_read(mstatus);
	CHECK_EQ(st & MSTATUS_FS, MSTATUS_FS);
	CHECK_EQ(st >> 63, 1);
	/* FS = Off: every FP instruction and FP CSR access is illegal */
	csr_clear(mstatus, MSTATUS_FS);
	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\nfadd.s ft0, ft1, ft2\n"
			 ".option pop" ::: "ft0");
	CHECK_TRAP(CAUSE_ILLEGAL, 0x0020f053);
	rt_trap_expect();
	(void)csr_read(fcsr);
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\nflw ft0, 0(sp)\n"
			 ".option pop" ::: "ft0");
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	csr_set(mstatus, 1ul << 13);
}

static void test_bad_rm(void)
{
	csr_write(fcsr, 0);
	/* fadd.s ft2, ft0, ft1 with the reserved static modes 5 and 6 */
	rt_trap_expect();
	__asm__ volatile(".word 0x00105153" ::: "ft2");
	CHECK_TRAP(CAUSE_ILLEGAL, 0x00105153);
	rt_trap_expect();
	__asm__ volatile(".word 0x00106153" ::: "ft2");
	CHECK_TRAP(CAUSE_ILLEGAL, 0x00106153);
	/* dynamic mode with an invalid frm */
	csr_write(frm, 5);
	rt_trap_expect();
	__asm__ volatile(".word 0x00107153" ::: "ft2");
	CHECK_TRAP(CAUSE_ILLEGAL, 0x00107153);
	csr_write(frm, 7);
	rt_trap_expect();
	__asm__ volatile(".word 0x00107153" ::: "ft2");
	CHECK_TRAP(CAUSE_ILLEGAL, 0x00107153);
	csr_write(fcsr, 0);
	/* operations without rounding are legal whatever frm holds */
	csr_write(frm, 6);
	CHECK_FP(FPOP2("w", "fmin.s", ONE, TWO, NORM), S(ONE), 0);
	csr_write(fcsr, 0);
}

int main(void)
{
	test_arith();
	test_rounding();
	test_range();
	test_nan();
	test_sign();
	test_compare();
	test_class();
	test_to_int();
	test_from_int();
	test_fused();
	test_boxing();
	test_mem();
	test_fcsr();
	test_fs_state();
	test_bad_rm();
	return rt_done("isa_f");
}
