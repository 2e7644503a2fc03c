/* SPDX-License-Identifier: MIT */
/*
 * The D extension: double arithmetic in every rounding mode with exact
 * fflags, overflow and underflow, NaNs (canonical results, signalling
 * inputs), fmin/fmax and sign injection, compares, fclass, conversions to
 * and from 32- and 64-bit integers with saturation, conversions between
 * single and double (rounding, NaNs, boxing of the result and of the input),
 * the fused multiply-adds and fld/fsd.
 */
#include "isa.h"

#define ONE    0x3ff0000000000000ul
#define TWO    0x4000000000000000ul
#define THREE  0x4008000000000000ul
#define HALF   0x3fe0000000000000ul
#define NEG1   0xbff0000000000000ul
#define PINF   0x7ff0000000000000ul
#define NINF   0xfff0000000000000ul
#define QNAN   0x7ff8000000000000ul
#define SNAN   0x7ff0000000000001ul
#define MAXD   0x7feffffffffffffful
#define MINN   0x0010000000000000ul
#define NZERO  0x8000000000000000ul
#define EPS53  0x3ca0000000000000ul        /* 2^-53 */

#define FADD(a, b, rm) FPOP2("d", "fadd.d", a, b, rm)
#define FMUL(a, b, rm) FPOP2("d", "fmul.d", a, b, rm)
#define FDIV(a, b, rm) FPOP2("d", "fdiv.d", a, b, rm)
#define TOX(op, a, rm) FPTOX1("d", op, a, rm)
#define FROMX(op, x, rm) XTOFP("d", op, x, rm)

static void test_arith(void)
{
	CHECK_FP(FADD(ONE, TWO, RNE), THREE, 0);
	CHECK_FP(FPOP2("d", "fsub.d", ONE, TWO, RNE), NEG1, 0);
	CHECK_FP(FMUL(THREE, HALF, RNE), 0x3ff8000000000000ul, 0);
	CHECK_FP(FDIV(ONE, 0, RNE), PINF, FF_DZ);
	CHECK_FP(FDIV(NZERO, 0, RNE), QNAN, FF_NV);
	CHECK_FP(FADD(PINF, NINF, RNE), QNAN, FF_NV);
	CHECK_FP(FADD(ONE, NEG1, RDN), NZERO, 0);
	CHECK_FP(FPOP1("d", "fsqrt.d", 0x4010000000000000ul, RNE), TWO, 0);
	CHECK_FP(FPOP1("d", "fsqrt.d", NEG1, RNE), QNAN, FF_NV);
	CHECK_FP(FPOP1("d", "fsqrt.d", NZERO, RNE), NZERO, 0);
	CHECK_FP(FPOP1("d", "fsqrt.d", TWO, RNE), 0x3ff6a09e667f3bcdul, FF_NX);
	CHECK_FP(FPOP1("d", "fsqrt.d", TWO, RTZ), 0x3ff6a09e667f3bccul, FF_NX);
	CHECK_FP(FPOP1("d", "fsqrt.d", TWO, RDN), 0x3ff6a09e667f3bccul, FF_NX);
	CHECK_FP(FPOP1("d", "fsqrt.d", TWO, RUP), 0x3ff6a09e667f3bcdul, FF_NX);
}

static void test_rounding(void)
{
	CHECK_FP(FDIV(ONE, THREE, RNE), 0x3fd5555555555555ul, FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RTZ), 0x3fd5555555555555ul, FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RUP), 0x3fd5555555555556ul, FF_NX);
	CHECK_FP(FDIV(ONE, THREE, RMM), 0x3fd5555555555555ul, FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RDN), 0xbfd5555555555556ul, FF_NX);
	CHECK_FP(FDIV(NEG1, THREE, RUP), 0xbfd5555555555555ul, FF_NX);
	CHECK_FP(FADD(ONE, EPS53, RNE), ONE, FF_NX);
	CHECK_FP(FADD(ONE, EPS53, RMM), ONE + 1, FF_NX);
	CHECK_FP(FADD(ONE, EPS53, RUP), ONE + 1, FF_NX);
	CHECK_FP(FADD(ONE, EPS53, RDN), ONE, FF_NX);
	CHECK_FP(FADD(ONE + 1, EPS53, RNE), ONE + 2, FF_NX);
	CHECK_FP(FADD(ONE + 1, EPS53, RTZ), ONE + 1, FF_NX);
	CHECK_FP(FADD(NEG1, EPS53 | NZERO, RMM), NEG1 + 1, FF_NX);
	CHECK_FP(FADD(NEG1, EPS53 | NZERO, RNE), NEG1, FF_NX);
}

static void test_range(void)
{
	CHECK_FP(FMUL(MAXD, TWO, RNE), PINF, FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXD, TWO, RTZ), MAXD, FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXD | NZERO, TWO, RUP), MAXD | NZERO, FF_OF | FF_NX);
	CHECK_FP(FMUL(MAXD | NZERO, TWO, RDN), NINF, FF_OF | FF_NX);
	CHECK_FP(FMUL(MINN, HALF, RNE), 0x0008000000000000ul, 0);
	CHECK_FP(FMUL(1, HALF, RNE), 0, FF_UF | FF_NX);
	CHECK_FP(FMUL(1, HALF, RUP), 1, FF_UF | FF_NX);
	CHECK_FP(FMUL(1 | NZERO, HALF, RDN), 1 | NZERO, FF_UF | FF_NX);
	CHECK_FP(FMUL(3, HALF, RNE), 2, FF_UF | FF_NX);
}

static void test_nan(void)
{
	CHECK_FP(FADD(0x7ff8000000012345ul, ONE, RNE), QNAN, 0);
	CHECK_FP(FADD(SNAN, ONE, RNE), QNAN, FF_NV);
	CHECK_FP(FPOP2("d", "fmin.d", QNAN, ONE, NORM), ONE, 0);
	CHECK_FP(FPOP2("d", "fmax.d", ONE, SNAN, NORM), ONE, FF_NV);
	CHECK_FP(FPOP2("d", "fmax.d", SNAN, 0xfff8000000000000ul, NORM), QNAN,
		 FF_NV);
	CHECK_FP(FPOP2("d", "fmin.d", NZERO, 0, NORM), NZERO, 0);
	CHECK_FP(FPOP2("d", "fmax.d", NZERO, 0, NORM), 0, 0);
	CHECK_FP(FPOP2("d", "fmax.d", 0, NZERO, NORM), 0, 0);
	CHECK_FP(FPOP2("d", "fmin.d", NEG1, NINF, NORM), NINF, 0);
	CHECK_FP(FPOP2("d", "fsgnj.d", ONE, NZERO, NORM), NEG1, 0);
	CHECK_FP(FPOP2("d", "fsgnjn.d", NEG1, NEG1, NORM), ONE, 0);
	CHECK_FP(FPOP2("d", "fsgnjx.d", NEG1, NEG1, NORM), ONE, 0);
	CHECK_FP(FPOP2("d", "fsgnjx.d", SNAN, NZERO, NORM), SNAN | NZERO, 0);
	CHECK_FP(FPTOX2("d", "feq.d", QNAN, QNAN), 0, 0);
	CHECK_FP(FPTOX2("d", "feq.d", SNAN, QNAN), 0, FF_NV);
	CHECK_FP(FPTOX2("d", "feq.d", NZERO, 0), 1, 0);
	CHECK_FP(FPTOX2("d", "flt.d", NEG1, 0), 1, 0);
	CHECK_FP(FPTOX2("d", "flt.d", 0, QNAN), 0, FF_NV);
	CHECK_FP(FPTOX2("d", "fle.d", THREE, THREE), 1, 0);
	CHECK_FP(FPTOX2("d", "fle.d", QNAN, THREE), 0, FF_NV);
}

static void test_class(void)
{
	static const uint64_t in[10] = { NINF, NEG1, 0x800ffffffffffffful,
		NZERO, 0, 1, ONE, PINF, SNAN, QNAN };

	for (int i = 0; i < 10; i++)
		CHECK_FP(TOX("fclass.d", in[i], NORM), 1u << i, 0);
}

static void test_to_int(void)
{
	CHECK_FP(TOX("fcvt.w.d", 0x41e0000000000000ul, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(TOX("fcvt.w.d", 0xc1e0000000000000ul, RNE), S(0x80000000), 0);
	CHECK_FP(TOX("fcvt.w.d", 0xc1e0000000100000ul, RTZ), S(0x80000000),
		 FF_NX);
	CHECK_FP(TOX("fcvt.w.d", 0xc1e0000000100000ul, RNE), S(0x80000000),
		 FF_NX);
	CHECK_FP(TOX("fcvt.w.d", 0xc1e0000000100000ul, RDN), S(0x80000000),
		 FF_NV);
	CHECK_FP(TOX("fcvt.w.d", QNAN, RNE), 0x7fffffff, FF_NV);
	CHECK_FP(TOX("fcvt.w.d", 0x3ff8000000000000ul, RMM), 2, FF_NX);
	CHECK_FP(TOX("fcvt.wu.d", 0x41efffffffe00000ul, RNE), ~0ul, 0);
	CHECK_FP(TOX("fcvt.wu.d", 0x41f0000000000000ul, RNE), ~0ul, FF_NV);
	CHECK_FP(TOX("fcvt.wu.d", NEG1, RNE), 0, FF_NV);
	CHECK_FP(TOX("fcvt.wu.d", NINF, RNE), 0, FF_NV);
	CHECK_FP(TOX("fcvt.l.d", 0x43e0000000000000ul, RNE),
		 0x7ffffffffffffffful, FF_NV);
	CHECK_FP(TOX("fcvt.l.d", 0xc3e0000000000000ul, RNE),
		 0x8000000000000000ul, 0);
	CHECK_FP(TOX("fcvt.l.d", SNAN, RNE), 0x7ffffffffffffffful, FF_NV);
	CHECK_FP(TOX("fcvt.l.d", PINF, RNE), 0x7ffffffffffffffful, FF_NV);
	CHECK_FP(TOX("fcvt.l.d", 0xc00c000000000000ul, RNE), -4, FF_NX);
	CHECK_FP(TOX("fcvt.l.d", 0xc00c000000000000ul, RTZ), -3, FF_NX);
	CHECK_FP(TOX("fcvt.lu.d", 0x43f0000000000000ul, RNE), ~0ul, FF_NV);
	CHECK_FP(TOX("fcvt.lu.d", 0x43e0000000000000ul, RNE),
		 0x8000000000000000ul, 0);
	CHECK_FP(TOX("fcvt.lu.d", 0xbfeccccccccccccdul, RTZ), 0, FF_NX);
	CHECK_FP(TOX("fcvt.lu.d", NEG1, RTZ), 0, FF_NV);
	CHECK_FP(TOX("fcvt.lu.d", QNAN, RNE), ~0ul, FF_NV);
}

static void test_from_int(void)
{
	CHECK_FP(FROMX("fcvt.d.l", 0x20000000000001ul, RNE), 0x4340000000000000ul,
		 FF_NX);
	CHECK_FP(FROMX("fcvt.d.l", 0x20000000000001ul, RUP), 0x4340000000000001ul,
		 FF_NX);
	CHECK_FP(FROMX("fcvt.d.l", -1, RNE), NEG1, 0);
	CHECK_FP(FROMX("fcvt.d.lu", ~0ul, RNE), 0x43f0000000000000ul, FF_NX);
	CHECK_FP(FROMX("fcvt.d.lu", ~0ul, RTZ), 0x43efffffffffffffull, FF_NX);
	CHECK_FP(FROMX("fcvt.d.w", 0xdeadbeef80000000ul, NORM),
		 0xc1e0000000000000ul, 0);
	CHECK_FP(FROMX("fcvt.d.wu", 0x12345678fffffffful, NORM),
		 0x41efffffffe00000ul, 0);
	CHECK_FP(FROMX("fcvt.d.w", 0, NORM), 0, 0);
}

static void test_convert_sd(void)
{
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x3ff0000010000000ul, RNE),
		 0xffffffff3f800000ul, FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x3ff0000010000000ul, RUP),
		 0xffffffff3f800001ul, FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x3ff0000010000000ul, RMM),
		 0xffffffff3f800001ul, FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x7e37e43c8800759cul, RNE),
		 0xffffffff7f800000ul, FF_OF | FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x7e37e43c8800759cul, RTZ),
		 0xffffffff7f7ffffful, FF_OF | FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x7ff8000000000001ul, RNE),
		 0xffffffff7fc00000ul, 0);
	CHECK_FP(FPOP1("d", "fcvt.s.d", SNAN, RNE), 0xffffffff7fc00000ul, FF_NV);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x3690000000000000ul, RNE),
		 0xffffffff00000000ul, FF_UF | FF_NX);
	CHECK_FP(FPOP1("d", "fcvt.s.d", 0x36a0000000000000ul, RNE),
		 0xffffffff00000001ul, 0);
	CHECK_FP(FPOP1("d", "fcvt.s.d", NZERO, RNE), 0xffffffff80000000ul, 0);
	/* the single input of fcvt.d.s must be boxed */
	CHECK_FP(FPOP1("d", "fcvt.d.s", 0xffffffff3eaaaaabul, NORM),
		 0x3fd5555560000000ul, 0);
	CHECK_FP(FPOP1("d", "fcvt.d.s", 0xffffffff7f800001ul, NORM), QNAN, FF_NV);
	CHECK_FP(FPOP1("d", "fcvt.d.s", 0x000000003f800000ul, NORM), QNAN, 0);
	CHECK_FP(FPOP1("d", "fcvt.d.s", 0xffffffffff800000ul, NORM), NINF, 0);
	CHECK_FP(FPOP1("d", "fcvt.d.s", 0xffffffff00000001ul, NORM),
		 0x36a0000000000000ul, 0);
}

static void test_fused(void)
{
	CHECK_FP(FPOP3("d", "fmadd.d", TWO, THREE, ONE, RNE),
		 0x401c000000000000ul, 0);
	CHECK_FP(FPOP3("d", "fmsub.d", TWO, THREE, ONE, RNE),
		 0x4014000000000000ul, 0);
	CHECK_FP(FPOP3("d", "fnmsub.d", TWO, THREE, ONE, RNE),
		 0xc014000000000000ul, 0);
	CHECK_FP(FPOP3("d", "fnmadd.d", TWO, THREE, ONE, RNE),
		 0xc01c000000000000ul, 0);
	CHECK_FP(FPOP3("d", "fmadd.d", ONE + 1, 0x3feffffffffffffeul, NEG1, RNE),
		 0xb970000000000000ul, 0);
	CHECK_FP(FPOP3("d", "fmadd.d", 0, NINF, QNAN, RNE), QNAN, FF_NV);
	CHECK_FP(FPOP3("d", "fnmsub.d", MAXD, TWO, 0, RNE), NINF,
		 FF_OF | FF_NX);
}

static void test_mem(void)
{
	static volatile uint64_t d[2] = { 0x400921fb54442d18ul, 0 };
	uint64_t r;

	__asm__ volatile("fld ft0, 0(%1)\nfsd ft0, 8(%1)\nfmv.x.d %0, ft0"
			 : "=r"(r) : "r"(d) : "ft0", "memory");
	CHECK_EQ(r, 0x400921fb54442d18ul);
	CHECK_EQ(d[1], 0x400921fb54442d18ul);
	/* fsd of a boxed single stores all 64 bits */
	__asm__ volatile("fmv.w.x ft0, %1\nfsd ft0, 8(%0)"
			 :: "r"(d), "r"(0x3f800000ul) : "ft0", "memory");
	CHECK_EQ(d[1], 0xffffffff3f800000ul);
}

int main(void)
{
	test_arith();
	test_rounding();
	test_range();
	test_nan();
	test_class();
	test_to_int();
	test_from_int();
	test_convert_sd();
	test_fused();
	test_mem();
	return rt_done("isa_d");
}
