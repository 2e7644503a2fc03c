/* SPDX-License-Identifier: MIT */
/*
 * vcpu/fpu suite: F/D results and fflags, bit for bit.
 *
 * Two independent sources of truth, neither of them the code under test:
 *  - a table of vectors whose results were worked out by hand from the
 *    IEEE 754 encodings (each group says how), covering every op, every
 *    rounding mode, ties, overflow to inf or the largest finite value by
 *    mode, underflow with and without inexact (tininess after rounding),
 *    conversion boundaries at 2^31, 2^32, 2^63 and 2^64, NaN boxing, the
 *    2.2 FMIN/FMAX rules and all ten FCLASS classes;
 *  - a reference rounding in exact integer arithmetic (ref_*), used to
 *    check add, sub, mul, div, sqrt, fused multiply-add and conversions on
 *    random operands in all five rounding modes.
 * During development the table was also run on qemu-riscv64 (Linux user
 * mode, SoftFloat) and agreed in every entry and mode.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu/fpu.h"

#define NX VCPU_FFLAG_NX
#define UF VCPU_FFLAG_UF
#define OF VCPU_FFLAG_OF
#define DZ VCPU_FFLAG_DZ
#define NV VCPU_FFLAG_NV
#define B(v) (0xffffffff00000000ull | (uint32_t)(v))
#define OP(n) VCPU_OP_##n
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };

/* Single encodings. */
#define S_ONE   B(0x3f800000)
#define S_MONE  B(0xbf800000)
#define S_TWO   B(0x40000000)
#define S_THREE B(0x40400000)
#define S_HALF  B(0x3f000000)
#define S_MAX   B(0x7f7fffff)
#define S_NMAX  B(0xff7fffff)
#define S_INF   B(0x7f800000)
#define S_NINF  B(0xff800000)
#define S_QNAN  B(0x7fc00000)
#define S_SNAN  B(0x7f800001)
#define S_MINN  B(0x00800000)      /* 2^-126 */
#define S_PZ    B(0)
#define S_NZ    B(0x80000000)
/* Double encodings. */
#define D_ONE   0x3ff0000000000000ull
#define D_MONE  0xbff0000000000000ull
#define D_TWO   0x4000000000000000ull
#define D_THREE 0x4008000000000000ull
#define D_HALF  0x3fe0000000000000ull
#define D_MAX   0x7fefffffffffffffull
#define D_INF   0x7ff0000000000000ull
#define D_NINF  0xfff0000000000000ull
#define D_QNAN  0x7ff8000000000000ull
#define D_SNAN  0x7ff0000000000001ull
#define D_MINN  0x0010000000000000ull /* 2^-1022 */
#define D_NZ    0x8000000000000000ull

/* One vector: want[rm] and fl[rm] for RNE, RTZ, RDN, RUP, RMM. */
struct vec {
	uint16_t op;
	uint64_t a, b, c;
	uint64_t want[5];
	uint8_t fl[5];
	int line;
};

#define V5(op, a, b, c, w0, w1, w2, w3, w4, f0, f1, f2, f3, f4) \
	{ OP(op), a, b, c, { w0, w1, w2, w3, w4 }, { f0, f1, f2, f3, f4 }, \
	  __LINE__ }
/* Same result in every rounding mode. */
#define V(op, a, b, c, w, f) V5(op, a, b, c, w, w, w, w, w, f, f, f, f, f)
/* Same flags in every rounding mode. */
#define VR(op, a, b, c, w0, w1, w2, w3, w4, f) \
	V5(op, a, b, c, w0, w1, w2, w3, w4, f, f, f, f, f)

static const struct vec vectors[] = {
	/* FADD/FSUB.S. 1 + 2^-24 is halfway between 1 and 1 + 2^-23
	 * (0x3f800001); 1 is even. 1 + 2^-23 + 2^-24 is halfway between
	 * 0x3f800001 (odd) and 0x3f800002. 2^-25 is a quarter ulp,
	 * 3 * 2^-25 three quarters. */
	VR(FADD_S, S_ONE, B(0x33800000), 0, S_ONE, S_ONE, S_ONE,
	   B(0x3f800001), B(0x3f800001), NX),
	VR(FADD_S, B(0x3f800001), B(0x33800000), 0, B(0x3f800002),
	   B(0x3f800001), B(0x3f800001), B(0x3f800002), B(0x3f800002), NX),
	VR(FSUB_S, S_MONE, B(0x33800000), 0, S_MONE, S_MONE, B(0xbf800001),
	   S_MONE, B(0xbf800001), NX),
	VR(FADD_S, S_ONE, B(0x33000000), 0, S_ONE, S_ONE, S_ONE,
	   B(0x3f800001), S_ONE, NX),
	VR(FADD_S, S_ONE, B(0x33c00000), 0, B(0x3f800001), S_ONE, S_ONE,
	   B(0x3f800001), B(0x3f800001), NX),
	V(FADD_S, S_ONE, S_ONE, 0, S_TWO, 0),
	/* x - x is +0 except under RDN; -0 + -0 is -0; +0 + -0 as x - x. */
	VR(FSUB_S, S_ONE, S_ONE, 0, S_PZ, S_PZ, S_NZ, S_PZ, S_PZ, 0),
	V(FADD_S, S_NZ, S_NZ, 0, S_NZ, 0),
	VR(FADD_S, S_PZ, S_NZ, 0, S_PZ, S_PZ, S_NZ, S_PZ, S_PZ, 0),
	VR(FSUB_D, D_ONE, D_ONE, 0, 0, 0, D_NZ, 0, 0, 0),
	/* Overflow: inf where the mode rounds away, the largest finite
	 * value where it rounds toward zero; OF always with NX. */
	VR(FADD_S, S_MAX, S_MAX, 0, S_INF, S_MAX, S_MAX, S_INF, S_INF, OF | NX),
	VR(FSUB_S, S_NMAX, S_MAX, 0, S_NINF, S_NMAX, S_NINF, S_NMAX, S_NINF,
	   OF | NX),
	/* S_MAX + 2^103 is the tie between S_MAX (odd) and 2^128: RNE and
	 * RMM overflow; RTZ and RDN stay finite, and without OF since the
	 * rounded value at unbounded exponent is finite. */
	V5(FADD_S, S_MAX, B(0x73000000), 0, S_INF, S_MAX, S_MAX, S_INF, S_INF,
	   OF | NX, NX, NX, OF | NX, OF | NX),
	V5(FADD_S, S_MAX, B(0x72800000), 0, S_MAX, S_MAX, S_MAX, S_INF, S_MAX,
	   NX, NX, NX, OF | NX, NX),
	VR(FADD_D, D_MAX, D_MAX, 0, D_INF, D_MAX, D_MAX, D_INF, D_INF, OF | NX),
	/* Double ties: 1 + 2^-53 and 1 + 2^-52 + 2^-53. */
	VR(FADD_D, D_ONE, 0x3ca0000000000000ull, 0, D_ONE, D_ONE, D_ONE,
	   0x3ff0000000000001ull, 0x3ff0000000000001ull, NX),
	VR(FADD_D, 0x3ff0000000000001ull, 0x3ca0000000000000ull, 0,
	   0x3ff0000000000002ull, 0x3ff0000000000001ull, 0x3ff0000000000001ull,
	   0x3ff0000000000002ull, 0x3ff0000000000002ull, NX),
	VR(FSUB_D, D_MONE, 0x3ca0000000000000ull, 0, D_MONE, D_MONE,
	   0xbff0000000000001ull, D_MONE, 0xbff0000000000001ull, NX),
	/* Subnormal sums are exact: no UF without NX. */
	V(FADD_S, B(1), B(1), 0, B(2), 0),
	V(FADD_S, B(0x007fffff), B(1), 0, S_MINN, 0),
	V(FSUB_D, D_MINN, 1, 0, 0x000fffffffffffffull, 0),
	/* Infinities and NaNs: canonical NaN, NV for invalid or sNaN. */
	V(FSUB_S, S_INF, S_INF, 0, S_QNAN, NV),
	V(FADD_S, S_INF, S_NINF, 0, S_QNAN, NV),
	V(FADD_S, S_INF, S_ONE, 0, S_INF, 0),
	V(FADD_S, B(0x7fc12345), S_ONE, 0, S_QNAN, 0),
	V(FADD_S, B(0xffc00000), S_ONE, 0, S_QNAN, 0),
	V(FADD_S, S_ONE, S_SNAN, 0, S_QNAN, NV),
	V(FADD_D, 0x7ff8000000000123ull, D_ONE, 0, D_QNAN, 0),
	V(FADD_D, D_SNAN, D_QNAN, 0, D_QNAN, NV),
	V(FSUB_D, D_NINF, D_NINF, 0, D_QNAN, NV),
	/* NaN boxing: a single whose upper half is not all ones is the
	 * canonical NaN, so the sum is too, without NV. */
	V(FADD_S, 0x000000003f800000ull, S_ONE, 0, S_QNAN, 0),
	V(FADD_S, S_ONE, 0x7fffffff3f800000ull, 0, S_QNAN, 0),
	V(FADD_S, S_ONE, 0x000000007f800001ull, 0, S_QNAN, 0), /* not sNaN */

	/* FMUL. (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie with the even
	 * 0x3f801000 below. (1 + 2^-12)(1 + 2^-12 + 2^-11) = 1 + 2^-10 +
	 * 2^-23 + 2^-24: a tie with the odd 0x3f802001 below. */
	VR(FMUL_S, B(0x3f800800), B(0x3f800800), 0, B(0x3f801000),
	   B(0x3f801000), B(0x3f801000), B(0x3f801001), B(0x3f801001), NX),
	VR(FMUL_S, B(0xbf800800), B(0x3f800800), 0, B(0xbf801000),
	   B(0xbf801000), B(0xbf801001), B(0xbf801000), B(0xbf801001), NX),
	VR(FMUL_S, B(0x3f800800), B(0x3f801800), 0, B(0x3f802002),
	   B(0x3f802001), B(0x3f802001), B(0x3f802002), B(0x3f802002), NX),
	/* (1 + 2^-26)(1 + 2^-27) = 1 + 3 * 2^-27 + 2^-53: a double tie. */
	VR(FMUL_D, 0x3ff0000004000000ull, 0x3ff0000002000000ull, 0,
	   0x3ff0000006000000ull, 0x3ff0000006000000ull, 0x3ff0000006000000ull,
	   0x3ff0000006000001ull, 0x3ff0000006000001ull, NX),
	/* 2^-126 * (1 - 2^-24) = 2^-126 - 2^-150: halfway between the
	 * largest subnormal (odd) and 2^-126. Tininess after rounding looks
	 * at the value rounded to 24 bits with unbounded exponent, which is
	 * exact and below 2^-126: UF in every mode, even where the
	 * delivered result is the normal 2^-126. */
	VR(FMUL_S, S_MINN, B(0x3f7fffff), 0, S_MINN, B(0x007fffff),
	   B(0x007fffff), S_MINN, S_MINN, UF | NX),
	/* 18631 * 2^-75 times 1801 * 2^-76 = (2^25 - 1) * 2^-151 = 2^-126 -
	 * 2^-151: rounded to 24 bits at unbounded exponent it is a tie that
	 * RNE, RMM and RUP resolve to 2^-126, not tiny, so no UF; RTZ and
	 * RDN give the largest subnormal, tiny and inexact. */
	V5(FMUL_S, B(0x21118e00), B(0x1ee12000), 0, S_MINN, B(0x007fffff),
	   B(0x007fffff), S_MINN, S_MINN, NX, UF | NX, UF | NX, NX, NX),
	/* Exactly representable subnormal product: no flags. */
	V(FMUL_S, S_MINN, S_HALF, 0, B(0x00400000), 0),
	V(FMUL_S, S_MINN, B(0x3f7ffffe), 0, B(0x007fffff), 0),
	/* Half the smallest subnormal: a tie between 0 and it. */
	VR(FMUL_D, 1, D_HALF, 0, 0, 0, 0, 1, 1, UF | NX),
	VR(FMUL_D, 0x8000000000000001ull, D_HALF, 0, D_NZ, D_NZ,
	   0x8000000000000001ull, D_NZ, 0x8000000000000001ull, UF | NX),
	VR(FMUL_D, D_MINN, 0x3fefffffffffffffull, 0, D_MINN,
	   0x000fffffffffffffull, 0x000fffffffffffffull, D_MINN, D_MINN,
	   UF | NX),
	VR(FMUL_S, B(0x7f000000), S_TWO, 0, S_INF, S_MAX, S_MAX, S_INF, S_INF,
	   OF | NX),
	VR(FMUL_S, B(0x7f000000), B(0xc0000000), 0, S_NINF, S_NMAX, S_NINF,
	   S_NMAX, S_NINF, OF | NX),
	V(FMUL_S, S_INF, S_PZ, 0, S_QNAN, NV),
	V(FMUL_D, D_NZ, D_INF, 0, D_QNAN, NV),
	V(FMUL_S, S_PZ, S_MONE, 0, S_NZ, 0),
	V(FMUL_D, D_NINF, D_MONE, 0, D_INF, 0),

	/* FDIV. 1/3 = 1.0101...b * 2^-2: the 23 kept bits end in 0 and the
	 * rest is 2/3 ulp (up under RNE). In double the rest is 1/3 ulp. */
	VR(FDIV_S, S_ONE, S_THREE, 0, B(0x3eaaaaab), B(0x3eaaaaaa),
	   B(0x3eaaaaaa), B(0x3eaaaaab), B(0x3eaaaaab), NX),
	VR(FDIV_S, S_MONE, S_THREE, 0, B(0xbeaaaaab), B(0xbeaaaaaa),
	   B(0xbeaaaaab), B(0xbeaaaaaa), B(0xbeaaaaab), NX),
	VR(FDIV_D, D_ONE, D_THREE, 0, 0x3fd5555555555555ull,
	   0x3fd5555555555555ull, 0x3fd5555555555555ull, 0x3fd5555555555556ull,
	   0x3fd5555555555555ull, NX),
	V(FDIV_S, S_ONE, S_PZ, 0, S_INF, DZ),
	V(FDIV_S, S_MONE, S_PZ, 0, S_NINF, DZ),
	V(FDIV_D, D_ONE, D_NZ, 0, D_NINF, DZ),
	V(FDIV_S, S_PZ, S_PZ, 0, S_QNAN, NV),
	V(FDIV_D, D_INF, D_INF, 0, D_QNAN, NV),
	V(FDIV_D, D_INF, 0, 0, D_INF, 0),
	V(FDIV_S, S_ONE, S_INF, 0, S_PZ, 0),
	V(FDIV_D, D_QNAN, 0, 0, D_QNAN, 0),
	/* 2^-126 / 3 = 2796202.67 * 2^-149: tiny and inexact. 2^-126 /
	 * 2^23 = 2^-149 exactly: no flags. */
	VR(FDIV_S, S_MINN, S_THREE, 0, B(0x002aaaab), B(0x002aaaaa),
	   B(0x002aaaaa), B(0x002aaaab), B(0x002aaaab), UF | NX),
	V(FDIV_S, S_MINN, B(0x4b000000), 0, B(1), 0),
	/* Quotients tie only below the normal range: 5 * 2^-149 / 2 is
	 * halfway between 2 * 2^-149 (even) and 3 * 2^-149. */
	VR(FDIV_S, B(5), S_TWO, 0, B(2), B(2), B(2), B(3), B(3), UF | NX),
	VR(FDIV_S, B(0x80000005), S_TWO, 0, B(0x80000002), B(0x80000002),
	   B(0x80000003), B(0x80000002), B(0x80000003), UF | NX),
	VR(FDIV_D, 5, D_TWO, 0, 2, 2, 2, 3, 3, UF | NX),
	VR(FDIV_S, S_MAX, S_HALF, 0, S_INF, S_MAX, S_MAX, S_INF, S_INF,
	   OF | NX),

	/* FSQRT. sqrt(2) = 1.6a09e667f3bcc908...h: the single's 24th bit is
	 * followed by a 0 (down), the double's 53rd by 1001b (up). */
	VR(FSQRT_S, S_TWO, 0, 0, B(0x3fb504f3), B(0x3fb504f3), B(0x3fb504f3),
	   B(0x3fb504f4), B(0x3fb504f3), NX),
	VR(FSQRT_D, D_TWO, 0, 0, 0x3ff6a09e667f3bcdull, 0x3ff6a09e667f3bccull,
	   0x3ff6a09e667f3bccull, 0x3ff6a09e667f3bcdull, 0x3ff6a09e667f3bcdull,
	   NX),
	V(FSQRT_S, B(0x40800000), 0, 0, S_TWO, 0),
	V(FSQRT_S, B(2), 0, 0, B(0x1a800000), 0),           /* 2^-148 */
	V(FSQRT_S, S_NZ, 0, 0, S_NZ, 0),
	V(FSQRT_S, S_MONE, 0, 0, S_QNAN, NV),
	V(FSQRT_D, D_NINF, 0, 0, D_QNAN, NV),
	V(FSQRT_D, D_INF, 0, 0, D_INF, 0),
	V(FSQRT_D, D_QNAN, 0, 0, D_QNAN, 0),
	V(FSQRT_D, D_SNAN, 0, 0, D_QNAN, NV),
	V(FSQRT_S, 0x3f800000ull, 0, 0, S_QNAN, 0),       /* badly boxed */

	/* Fused multiply-add: one rounding. (1 + 2^-12)^2 - 1 = 2^-11 +
	 * 2^-24 exactly, where a rounded product would give 2^-11. */
	V(FMADD_S, B(0x3f800800), B(0x3f800800), S_MONE, B(0x3a000400), 0),
	V(FMADD_D, 0x3ff0000008000000ull, 0x3ff0000008000000ull, D_MONE,
	  0x3e70000004000000ull, 0),
	/* 2 * S_MAX - S_MAX: the product never overflows when fused. */
	V(FMADD_S, S_MAX, S_TWO, S_NMAX, S_MAX, 0),
	V(FMADD_S, S_TWO, S_THREE, S_ONE, B(0x40e00000), 0),      /* 7 */
	V(FMSUB_S, S_TWO, S_THREE, S_ONE, B(0x40a00000), 0),      /* 5 */
	V(FNMSUB_S, S_TWO, S_THREE, S_ONE, B(0xc0a00000), 0),     /* -5 */
	V(FNMADD_S, S_TWO, S_THREE, S_ONE, B(0xc0e00000), 0),     /* -7 */
	V(FMADD_D, D_TWO, D_THREE, D_ONE, 0x401c000000000000ull, 0),
	V(FMSUB_D, D_TWO, D_THREE, D_ONE, 0x4014000000000000ull, 0),
	V(FNMSUB_D, D_TWO, D_THREE, D_ONE, 0xc014000000000000ull, 0),
	V(FNMADD_D, D_TWO, D_THREE, D_ONE, 0xc01c000000000000ull, 0),
	/* Signs of exact zeros: (+0) + (-0) is +0 but -0 under RDN;
	 * -(+0) - (+0) = (-0) + (-0) is -0 in every mode. */
	VR(FMADD_S, S_ONE, S_PZ, S_NZ, S_PZ, S_PZ, S_NZ, S_PZ, S_PZ, 0),
	V(FMADD_S, S_ONE, S_NZ, S_NZ, S_NZ, 0),
	V(FNMADD_S, S_ONE, S_PZ, S_PZ, S_NZ, 0),
	VR(FNMSUB_D, D_ONE, 0, 0, 0, 0, D_NZ, 0, 0, 0),
	VR(FMSUB_D, D_ONE, 0, 0, 0, 0, D_NZ, 0, 0, 0),
	VR(FMADD_D, D_ONE, D_ONE, D_MONE, 0, 0, D_NZ, 0, 0, 0),
	/* inf * 0 is invalid even with a quiet NaN addend. */
	V(FMADD_S, S_INF, S_PZ, S_QNAN, S_QNAN, NV),
	V(FMADD_D, D_NZ, D_INF, D_QNAN, D_QNAN, NV),
	V(FNMADD_D, D_INF, 0, D_ONE, D_QNAN, NV),
	V(FMADD_S, S_INF, S_ONE, S_NINF, S_QNAN, NV),
	V(FMSUB_S, S_INF, S_ONE, S_INF, S_QNAN, NV),
	V(FMADD_S, S_INF, S_ONE, S_INF, S_INF, 0),
	V(FMADD_S, S_QNAN, S_ONE, S_ONE, S_QNAN, 0),
	V(FMADD_D, D_ONE, D_ONE, D_SNAN, D_QNAN, NV),
	V(FMADD_D, D_QNAN, 0, D_ONE, D_QNAN, 0),
	/* (1 + 2^-12)(1 + 2^-12 + 2^-18) - 2^-30 = 1 + 2^-11 + 2^-18 +
	 * 2^-24: a tie only after the addend; the lower neighbour
	 * 0x3f801020 is even. The rounded product alone would round up. */
	VR(FMADD_S, B(0x3f800800), B(0x3f800820), B(0xb0800000),
	   B(0x3f801020), B(0x3f801020), B(0x3f801020), B(0x3f801021),
	   B(0x3f801021), NX),
	/* (1 + 2^-26)(1 + 2^-27 + 2^-40) - 2^-66 = 1 + 2^-26 + 2^-27 +
	 * 2^-40 + 2^-53: likewise in double. */
	VR(FMADD_D, 0x3ff0000004000000ull, 0x3ff0000002001000ull,
	   0xbbd0000000000000ull, 0x3ff0000006001000ull, 0x3ff0000006001000ull,
	   0x3ff0000006001000ull, 0x3ff0000006001001ull, 0x3ff0000006001001ull,
	   NX),
	/* 2^-27 * 2^-26 + 1 = 1 + 2^-53: a tie in an accumulation, where c
	 * and the result are close; FNMADD gives its negation. */
	VR(FMADD_D, 0x3e40000000000000ull, 0x3e50000000000000ull, D_ONE, D_ONE,
	   D_ONE, D_ONE, 0x3ff0000000000001ull, 0x3ff0000000000001ull, NX),
	VR(FNMADD_D, 0x3e40000000000000ull, 0x3e50000000000000ull, D_ONE,
	   D_MONE, D_MONE, 0xbff0000000000001ull, D_MONE, 0xbff0000000000001ull,
	   NX),
	/* Negated: FNMSUB = -(a*b) + c = -(the above). */
	VR(FNMSUB_D, 0x3ff0000004000000ull, 0x3ff0000002001000ull,
	   0x3bd0000000000000ull, 0xbff0000006001000ull, 0xbff0000006001000ull,
	   0xbff0000006001001ull, 0xbff0000006001000ull, 0xbff0000006001001ull,
	   NX),
	VR(FMADD_S, S_MINN, B(0x3f7fffff), S_PZ, S_MINN, B(0x007fffff),
	   B(0x007fffff), S_MINN, S_MINN, UF | NX),
	VR(FMADD_S, S_MAX, S_TWO, S_PZ, S_INF, S_MAX, S_MAX, S_INF, S_INF,
	   OF | NX),
	V(FMADD_S, 0x3f800000ull, S_ONE, S_ONE, S_QNAN, 0),   /* badly boxed */

	/* FCVT.W.S / FCVT.W.D: the 32-bit result is sign-extended; out of
	 * range saturates with NV alone; NaN gives the maximum. */
	VR(FCVT_W_S, B(0x40200000), 0, 0, 2, 2, 2, 3, 3, NX),     /* 2.5 */
	VR(FCVT_W_S, B(0xc0200000), 0, 0, -2ull, -2ull, -3ull, -2ull, -3ull,
	   NX),
	VR(FCVT_W_S, S_HALF, 0, 0, 0, 0, 0, 1, 1, NX),
	VR(FCVT_W_S, B(0xbf000000), 0, 0, 0, 0, -1ull, 0, -1ull, NX),
	VR(FCVT_W_S, B(0x3fc00000), 0, 0, 2, 1, 1, 2, 2, NX),       /* 1.5 */
	VR(FCVT_W_S, B(1), 0, 0, 0, 0, 0, 1, 0, NX),
	VR(FCVT_W_S, B(0x80000001), 0, 0, 0, 0, -1ull, 0, 0, NX),
	V(FCVT_W_S, S_NZ, 0, 0, 0, 0),
	V(FCVT_W_S, B(0x4f000000), 0, 0, 0x7fffffff, NV),           /* 2^31 */
	V(FCVT_W_S, B(0x4effffff), 0, 0, 0x7fffff80, 0),
	V(FCVT_W_S, B(0xcf000000), 0, 0, 0xffffffff80000000ull, 0),
	V(FCVT_W_S, B(0xcf000001), 0, 0, 0xffffffff80000000ull, NV),
	V(FCVT_W_S, S_QNAN, 0, 0, 0x7fffffff, NV),
	V(FCVT_W_S, S_SNAN, 0, 0, 0x7fffffff, NV),
	V(FCVT_W_S, B(0xffc00000), 0, 0, 0x7fffffff, NV),
	V(FCVT_W_S, S_INF, 0, 0, 0x7fffffff, NV),
	V(FCVT_W_S, S_NINF, 0, 0, 0xffffffff80000000ull, NV),
	V(FCVT_W_S, 0x00000000bf800000ull, 0, 0, 0x7fffffff, NV),  /* boxing */
	/* 2^31 - 0.5 rounds to 2^31 (out of range) under RNE, RUP, RMM. */
	V5(FCVT_W_D, 0x41dfffffffe00000ull, 0, 0, 0x7fffffff, 0x7fffffff,
	   0x7fffffff, 0x7fffffff, 0x7fffffff, NV, NX, NX, NV, NV),
	V(FCVT_W_D, 0x41dfffffffc00000ull, 0, 0, 0x7fffffff, 0),
	/* -2^31 - 0.5: RDN and RMM go to -2^31 - 1. */
	V5(FCVT_W_D, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull,
	   0xffffffff80000000ull, 0xffffffff80000000ull, 0xffffffff80000000ull,
	   0xffffffff80000000ull, NX, NX, NV, NX, NV),
	V(FCVT_W_D, 0xc1e0000000200000ull, 0, 0, 0xffffffff80000000ull, NV),
	V(FCVT_W_D, 0xc1dfffffffc00000ull, 0, 0, 0xffffffff80000001ull, 0),
	VR(FCVT_W_D, 0xc004000000000000ull, 0, 0, -2ull, -2ull, -3ull, -2ull,
	   -3ull, NX),
	V(FCVT_W_D, D_QNAN, 0, 0, 0x7fffffff, NV),
	/* FCVT.WU: negative values that round to 0 are in range (NX);
	 * those that round to -1 or below saturate to 0 with NV. */
	V(FCVT_WU_S, S_MONE, 0, 0, 0, NV),
	V5(FCVT_WU_S, B(0xbe99999a), 0, 0, 0, 0, 0, 0, 0,            /* -0.3 */
	   NX, NX, NV, NX, NX),
	V5(FCVT_WU_S, B(0xbf000000), 0, 0, 0, 0, 0, 0, 0,            /* -0.5 */
	   NX, NX, NV, NX, NV),
	V(FCVT_WU_S, S_NZ, 0, 0, 0, 0),
	V(FCVT_WU_S, B(0x4f800000), 0, 0, ~0ull, NV),               /* 2^32 */
	V(FCVT_WU_S, B(0x4f7fffff), 0, 0, 0xffffffffffffff00ull, 0),
	V(FCVT_WU_S, B(0x4f000000), 0, 0, 0xffffffff80000000ull, 0),
	V(FCVT_WU_S, S_QNAN, 0, 0, ~0ull, NV),
	V(FCVT_WU_S, S_INF, 0, 0, ~0ull, NV),
	V(FCVT_WU_S, S_NINF, 0, 0, 0, NV),
	V(FCVT_WU_S, S_ONE, 0, 0, 1, 0),
	V(FCVT_WU_D, 0x41efffffffe00000ull, 0, 0, ~0ull, 0),     /* 2^32-1 */
	/* 2^32 - 0.5: to 2^32 (NV) or to 2^32 - 1 (NX); both all ones. */
	V5(FCVT_WU_D, 0x41effffffff00000ull, 0, 0, ~0ull, ~0ull, ~0ull, ~0ull,
	   ~0ull, NV, NX, NX, NV, NV),
	V5(FCVT_WU_D, 0xbfe8000000000000ull, 0, 0, 0, 0, 0, 0, 0,   /* -0.75 */
	   NV, NX, NV, NX, NV),
	V(FCVT_WU_D, 0x41e0000000000000ull, 0, 0, 0xffffffff80000000ull, 0),
	V(FCVT_WU_D, D_SNAN, 0, 0, ~0ull, NV),
	/* FCVT.L / FCVT.LU: the 2^63 and 2^64 boundaries. */
	V(FCVT_L_S, B(0x5f000000), 0, 0, 0x7fffffffffffffffull, NV),
	V(FCVT_L_S, B(0xdf000000), 0, 0, 0x8000000000000000ull, 0),
	V(FCVT_L_S, B(0x5effffff), 0, 0, 0x7fffff8000000000ull, 0),
	V(FCVT_L_S, S_NINF, 0, 0, 0x8000000000000000ull, NV),
	V(FCVT_L_S, S_QNAN, 0, 0, 0x7fffffffffffffffull, NV),
	VR(FCVT_L_S, B(0xc0200000), 0, 0, -2ull, -2ull, -3ull, -2ull, -3ull,
	   NX),
	V(FCVT_LU_S, B(0x5f800000), 0, 0, ~0ull, NV),
	V(FCVT_LU_S, B(0x5f7fffff), 0, 0, 0xffffff0000000000ull, 0),
	V(FCVT_LU_S, S_MONE, 0, 0, 0, NV),
	V(FCVT_LU_S, S_QNAN, 0, 0, ~0ull, NV),
	V(FCVT_L_D, 0x43e0000000000000ull, 0, 0, 0x7fffffffffffffffull, NV),
	V(FCVT_L_D, 0xc3e0000000000000ull, 0, 0, 0x8000000000000000ull, 0),
	V(FCVT_L_D, 0x43dfffffffffffffull, 0, 0, 0x7ffffffffffffc00ull, 0),
	V(FCVT_L_D, 0xc3e0000000000001ull, 0, 0, 0x8000000000000000ull, NV),
	V(FCVT_L_D, D_INF, 0, 0, 0x7fffffffffffffffull, NV),
	V(FCVT_L_D, D_QNAN, 0, 0, 0x7fffffffffffffffull, NV),
	VR(FCVT_L_D, 0x4004000000000000ull, 0, 0, 2, 2, 2, 3, 3, NX),
	V(FCVT_LU_D, 0x43f0000000000000ull, 0, 0, ~0ull, NV),
	V(FCVT_LU_D, 0x43efffffffffffffull, 0, 0, 0xfffffffffffff800ull, 0),
	V(FCVT_LU_D, 0x43e0000000000000ull, 0, 0, 0x8000000000000000ull, 0),
	V(FCVT_LU_D, D_NINF, 0, 0, 0, NV),
	V5(FCVT_LU_D, 0x8000000000000001ull, 0, 0, 0, 0, 0, 0, 0,
	   NX, NX, NV, NX, NX),

	/* FCVT.S.W and friends take x1. 2^24 + 1 is a tie between 2^24
	 * (even) and 2^24 + 2; 2^24 + 3 one between 2^24 + 2 (odd) and
	 * 2^24 + 4. The W forms read only the low 32 bits. */
	VR(FCVT_S_W, 0x1000001, 0, 0, B(0x4b800000), B(0x4b800000),
	   B(0x4b800000), B(0x4b800001), B(0x4b800001), NX),
	VR(FCVT_S_W, 0x1000003, 0, 0, B(0x4b800002), B(0x4b800001),
	   B(0x4b800001), B(0x4b800002), B(0x4b800002), NX),
	VR(FCVT_S_W, 0xfffffffffeffffffull, 0, 0, B(0xcb800000), B(0xcb800000),
	   B(0xcb800001), B(0xcb800000), B(0xcb800001), NX),
	V(FCVT_S_W, 0x1234567880000000ull, 0, 0, B(0xcf000000), 0),
	V(FCVT_S_W, 0, 0, 0, S_PZ, 0),
	V(FCVT_S_W, ~0ull, 0, 0, S_MONE, 0),
	VR(FCVT_S_W, 0x7fffffff, 0, 0, B(0x4f000000), B(0x4effffff),
	   B(0x4effffff), B(0x4f000000), B(0x4f000000), NX),
	VR(FCVT_S_WU, ~0ull, 0, 0, B(0x4f800000), B(0x4f7fffff), B(0x4f7fffff),
	   B(0x4f800000), B(0x4f800000), NX),
	V(FCVT_S_WU, 0xffffffff80000000ull, 0, 0, B(0x4f000000), 0),
	V(FCVT_S_L, 0x8000000000000000ull, 0, 0, B(0xdf000000), 0),
	V(FCVT_S_L, ~0ull, 0, 0, S_MONE, 0),
	VR(FCVT_S_LU, ~0ull, 0, 0, B(0x5f800000), B(0x5f7fffff), B(0x5f7fffff),
	   B(0x5f800000), B(0x5f800000), NX),
	VR(FCVT_D_L, 0x20000000000001ull, 0, 0, 0x4340000000000000ull,
	   0x4340000000000000ull, 0x4340000000000000ull, 0x4340000000000001ull,
	   0x4340000000000001ull, NX),
	VR(FCVT_D_L, 0xffdfffffffffffffull, 0, 0, 0xc340000000000000ull,
	   0xc340000000000000ull, 0xc340000000000001ull, 0xc340000000000000ull,
	   0xc340000000000001ull, NX),
	VR(FCVT_D_L, 0x7fffffffffffffffull, 0, 0, 0x43e0000000000000ull,
	   0x43dfffffffffffffull, 0x43dfffffffffffffull, 0x43e0000000000000ull,
	   0x43e0000000000000ull, NX),
	V(FCVT_D_L, 0x8000000000000000ull, 0, 0, 0xc3e0000000000000ull, 0),
	VR(FCVT_D_LU, ~0ull, 0, 0, 0x43f0000000000000ull, 0x43efffffffffffffull,
	   0x43efffffffffffffull, 0x43f0000000000000ull, 0x43f0000000000000ull,
	   NX),
	/* 2^63 + 2^10 and 2^63 + 3 * 2^10, with an ulp of 2^11. */
	VR(FCVT_D_LU, 0x8000000000000400ull, 0, 0, 0x43e0000000000000ull,
	   0x43e0000000000000ull, 0x43e0000000000000ull, 0x43e0000000000001ull,
	   0x43e0000000000001ull, NX),
	VR(FCVT_D_LU, 0x8000000000000c00ull, 0, 0, 0x43e0000000000002ull,
	   0x43e0000000000001ull, 0x43e0000000000001ull, 0x43e0000000000002ull,
	   0x43e0000000000002ull, NX),
	V(FCVT_D_W, 0xabcdef0180000000ull, 0, 0, 0xc1e0000000000000ull, 0),
	V(FCVT_D_WU, 0xabcdef01ffffffffull, 0, 0, 0x41efffffffe00000ull, 0),
	V(FCVT_D_LU, 0, 0, 0, 0, 0),

	/* FCVT.S.D: narrowing rounds once from the double. */
	VR(FCVT_S_D, 0x3fd5555555555555ull, 0, 0, B(0x3eaaaaab), B(0x3eaaaaaa),
	   B(0x3eaaaaaa), B(0x3eaaaaab), B(0x3eaaaaab), NX),
	VR(FCVT_S_D, D_MAX, 0, 0, S_INF, S_MAX, S_MAX, S_INF, S_INF, OF | NX),
	V(FCVT_S_D, 0x47efffffe0000000ull, 0, 0, S_MAX, 0),
	/* 2^128 - 2^103: the tie above S_MAX, as in the sum above. */
	V5(FCVT_S_D, 0x47effffff0000000ull, 0, 0, S_INF, S_MAX, S_MAX, S_INF,
	   S_INF, OF | NX, NX, NX, OF | NX, OF | NX),
	/* 2^-150, half the smallest subnormal; -2^-150; 3 * 2^-150. */
	VR(FCVT_S_D, 0x3690000000000000ull, 0, 0, S_PZ, S_PZ, S_PZ, B(1), B(1),
	   UF | NX),
	VR(FCVT_S_D, 0xb690000000000000ull, 0, 0, S_NZ, S_NZ, B(0x80000001),
	   S_NZ, B(0x80000001), UF | NX),
	VR(FCVT_S_D, 0x36a8000000000000ull, 0, 0, B(2), B(1), B(1), B(2), B(2),
	   UF | NX),
	V(FCVT_S_D, 0x36a0000000000000ull, 0, 0, B(1), 0),
	/* 2^-126 - 2^-150 (UF everywhere) and 2^-126 - 2^-151 (UF only
	 * where the result is the largest subnormal), as for FMUL.S. */
	VR(FCVT_S_D, 0x380fffffe0000000ull, 0, 0, S_MINN, B(0x007fffff),
	   B(0x007fffff), S_MINN, S_MINN, UF | NX),
	V5(FCVT_S_D, 0x380ffffff0000000ull, 0, 0, S_MINN, B(0x007fffff),
	   B(0x007fffff), S_MINN, S_MINN, NX, UF | NX, UF | NX, NX, NX),
	V(FCVT_S_D, 0x7ff8000000000123ull, 0, 0, S_QNAN, 0),
	V(FCVT_S_D, D_SNAN, 0, 0, S_QNAN, NV),
	V(FCVT_S_D, D_NZ, 0, 0, S_NZ, 0),
	V(FCVT_S_D, D_NINF, 0, 0, S_NINF, 0),
	/* FCVT.D.S is exact. */
	V(FCVT_D_S, S_ONE, 0, 0, D_ONE, 0),
	V(FCVT_D_S, B(1), 0, 0, 0x36a0000000000000ull, 0),
	V(FCVT_D_S, S_NINF, 0, 0, D_NINF, 0),
	V(FCVT_D_S, S_NZ, 0, 0, D_NZ, 0),
	V(FCVT_D_S, S_SNAN, 0, 0, D_QNAN, NV),
	V(FCVT_D_S, B(0xffc01234), 0, 0, D_QNAN, 0),
	V(FCVT_D_S, 0x000000003f800000ull, 0, 0, D_QNAN, 0),

	/* FMIN/FMAX: -0 < +0; one NaN gives the other operand; two give
	 * the canonical NaN; sNaN raises NV either way. */
	V(FMIN_S, S_PZ, S_NZ, 0, S_NZ, 0),
	V(FMIN_S, S_NZ, S_PZ, 0, S_NZ, 0),
	V(FMAX_S, S_NZ, S_PZ, 0, S_PZ, 0),
	V(FMAX_S, S_PZ, S_NZ, 0, S_PZ, 0),
	V(FMIN_S, S_QNAN, S_ONE, 0, S_ONE, 0),
	V(FMIN_S, S_ONE, S_QNAN, 0, S_ONE, 0),
	V(FMIN_S, S_SNAN, S_ONE, 0, S_ONE, NV),
	V(FMAX_S, S_ONE, S_SNAN, 0, S_ONE, NV),
	V(FMAX_S, S_NINF, B(0x7fc01234), 0, S_NINF, 0),
	V(FMIN_S, S_QNAN, S_QNAN, 0, S_QNAN, 0),
	V(FMIN_S, S_SNAN, B(0xffc00001), 0, S_QNAN, NV),
	V(FMIN_S, S_ONE, S_TWO, 0, S_ONE, 0),
	V(FMAX_S, S_MONE, B(0xc0000000), 0, S_MONE, 0),
	V(FMIN_S, S_NINF, S_INF, 0, S_NINF, 0),
	V(FMAX_S, S_NINF, S_INF, 0, S_INF, 0),
	V(FMIN_S, 0x3f800000ull, S_TWO, 0, S_TWO, 0),         /* boxing */
	V(FMIN_S, 0x3f800000ull, 0x40000000ull, 0, S_QNAN, 0),
	V(FMIN_D, 0, D_NZ, 0, D_NZ, 0),
	V(FMAX_D, D_NZ, 0, 0, 0, 0),
	V(FMIN_D, 1, 0x8000000000000001ull, 0, 0x8000000000000001ull, 0),
	V(FMAX_D, D_QNAN, D_MONE, 0, D_MONE, 0),
	V(FMAX_D, D_SNAN, D_MONE, 0, D_MONE, NV),
	V(FMAX_D, 0x7ff8000000000123ull, 0xfff8000000000000ull, 0, D_QNAN, 0),
	V(FMIN_D, D_MAX, D_INF, 0, D_MAX, 0),
	V(FMAX_D, 0xffefffffffffffffull, D_NINF, 0, 0xffefffffffffffffull, 0),

	/* FEQ is quiet (NV on sNaN only), FLT/FLE signal on any NaN. */
	V(FEQ_S, S_ONE, S_ONE, 0, 1, 0),
	V(FEQ_S, S_PZ, S_NZ, 0, 1, 0),
	V(FLT_S, S_NZ, S_PZ, 0, 0, 0),
	V(FLE_S, S_NZ, S_PZ, 0, 1, 0),
	V(FLT_S, S_NINF, S_ONE, 0, 1, 0),
	V(FLT_S, S_MONE, B(0xc0000000), 0, 0, 0),
	V(FLT_S, B(0xc0000000), S_MONE, 0, 1, 0),
	V(FLE_S, S_INF, S_INF, 0, 1, 0),
	V(FEQ_S, S_QNAN, S_QNAN, 0, 0, 0),
	V(FEQ_S, S_SNAN, S_ONE, 0, 0, NV),
	V(FLT_S, S_QNAN, S_ONE, 0, 0, NV),
	V(FLE_S, S_ONE, S_QNAN, 0, 0, NV),
	V(FEQ_S, 0x3f800000ull, 0x3f800000ull, 0, 0, 0),       /* boxing */
	V(FLT_S, B(1), B(2), 0, 1, 0),
	V(FEQ_D, D_ONE, D_ONE, 0, 1, 0),
	V(FEQ_D, D_NZ, 0, 0, 1, 0),
	V(FLE_D, D_NZ, 0, 0, 1, 0),
	V(FLT_D, 0x8000000000000001ull, 0, 0, 1, 0),
	V(FLT_D, D_MAX, D_INF, 0, 1, 0),
	V(FLE_D, D_INF, D_MAX, 0, 0, 0),
	V(FEQ_D, D_QNAN, D_ONE, 0, 0, 0),
	V(FEQ_D, D_ONE, D_SNAN, 0, 0, NV),
	V(FLE_D, D_QNAN, D_QNAN, 0, 0, NV),

	/* FCLASS: bit 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0,
	 * 5 +subnormal, 6 +normal, 7 +inf, 8 sNaN, 9 qNaN. */
	V(FCLASS_S, S_NINF, 0, 0, 1 << 0, 0),
	V(FCLASS_S, S_MONE, 0, 0, 1 << 1, 0),
	V(FCLASS_S, B(0x807fffff), 0, 0, 1 << 2, 0),
	V(FCLASS_S, S_NZ, 0, 0, 1 << 3, 0),
	V(FCLASS_S, S_PZ, 0, 0, 1 << 4, 0),
	V(FCLASS_S, B(1), 0, 0, 1 << 5, 0),
	V(FCLASS_S, S_MINN, 0, 0, 1 << 6, 0),
	V(FCLASS_S, S_INF, 0, 0, 1 << 7, 0),
	V(FCLASS_S, B(0xffbfffff), 0, 0, 1 << 8, 0),
	V(FCLASS_S, B(0xffc00000), 0, 0, 1 << 9, 0),
	V(FCLASS_S, 0xfffffffe00000000ull, 0, 0, 1 << 9, 0),    /* boxing */
	V(FCLASS_D, D_NINF, 0, 0, 1 << 0, 0),
	V(FCLASS_D, 0xffefffffffffffffull, 0, 0, 1 << 1, 0),
	V(FCLASS_D, 0x8000000000000001ull, 0, 0, 1 << 2, 0),
	V(FCLASS_D, D_NZ, 0, 0, 1 << 3, 0),
	V(FCLASS_D, 0, 0, 0, 1 << 4, 0),
	V(FCLASS_D, 0x000fffffffffffffull, 0, 0, 1 << 5, 0),
	V(FCLASS_D, D_MINN, 0, 0, 1 << 6, 0),
	V(FCLASS_D, D_INF, 0, 0, 1 << 7, 0),
	V(FCLASS_D, 0x7ff7ffffffffffffull, 0, 0, 1 << 8, 0),
	V(FCLASS_D, 0x7ff8000000000000ull, 0, 0, 1 << 9, 0),

	/* Sign injection works on bits: NaNs keep their payload, only a
	 * badly boxed single becomes the canonical NaN first. */
	V(FSGNJ_S, S_ONE, S_NZ, 0, S_MONE, 0),
	V(FSGNJN_S, S_ONE, S_NZ, 0, S_ONE, 0),
	V(FSGNJX_S, S_MONE, S_NZ, 0, S_ONE, 0),
	V(FSGNJX_S, S_MONE, S_PZ, 0, S_MONE, 0),
	V(FSGNJ_S, S_SNAN, S_MONE, 0, B(0xff800001), 0),
	V(FSGNJN_S, 0x7f800001ull, S_ONE, 0, B(0xffc00000), 0),
	V(FSGNJ_S, S_ONE, 0x80000000ull, 0, S_ONE, 0),
	V(FSGNJ_D, D_ONE, D_NZ, 0, D_MONE, 0),
	V(FSGNJN_D, D_MONE, D_NZ, 0, D_ONE, 0),
	V(FSGNJX_D, D_MONE, D_MONE, 0, D_ONE, 0),
	V(FSGNJN_D, 0x7ff0000000001234ull, 0x7ff0000000001234ull, 0,
	  0xfff0000000001234ull, 0),

	/* Moves transfer bits: FMV.X.W sign-extends even a badly boxed
	 * value, FMV.W.X boxes, the D forms are raw; no flags, no NaN
	 * canonicalisation. */
	V(FMV_X_W, 0x12345678cafef00dull, 0, 0, 0xffffffffcafef00dull, 0),
	V(FMV_X_W, 0xffffffff7f800001ull, 0, 0, 0x7f800001, 0),
	V(FMV_W_X, 0x1234567800000001ull, 0, 0, B(1), 0),
	V(FMV_X_D, 0x7ff0000000000001ull, 0, 0, 0x7ff0000000000001ull, 0),
	V(FMV_D_X, 0xfff4000000000000ull, 0, 0, 0xfff4000000000000ull, 0),
};

static struct vcpu_state st;

/* Run @op on f1..f3 (and x1 = @a) with rounding mode @rm, static or
 * dynamic, into rd 4. Returns vcpu_fpu_exec's value. */
static int exec_rm(enum vcpu_op op, int rm, int dynamic, uint64_t a,
		   uint64_t b, uint64_t c)
{
	struct vcpu_insn in = { .op = (uint16_t)op, .rd = 4, .rs1 = 1,
				.rs2 = 2, .rs3 = 3, .len = 4 };

	memset(&st, 0, sizeof(st));
	in.rm = (uint8_t)(dynamic ? DYN : rm);
	st.fcsr = dynamic ? (uint32_t)rm << 5 : 0;
	st.f[1] = a;
	st.f[2] = b;
	st.f[3] = c;
	st.x[1] = a;
	st.x[2] = b;
	return vcpu_fpu_exec(&st, &in);
}

static uint64_t result_of(enum vcpu_op op)
{
	return vcpu_fpu_op_writes_f(op) ? st.f[4] : st.x[4];
}

#define NVEC ((int)(sizeof(vectors) / sizeof(vectors[0])))
#define VEC_CHUNK 32

/* Check one vector in every rounding mode, static and dynamic. */
static void check_vector(const struct vec *v)
{
	for (int rm = 0; rm < 5; rm++) {
		for (int dyn = 0; dyn < 2; dyn++) {
			uint64_t got;
			unsigned fl;

			ck_assert_int_eq(exec_rm(v->op, rm, dyn, v->a, v->b,
						 v->c), 0);
			got = result_of(v->op);
			fl = st.fcsr & 0x1f;
			ck_assert_msg(got == v->want[rm] && fl == v->fl[rm],
				      "line %d %s rm %d: got %016llx/%02x, "
				      "want %016llx/%02x", v->line,
				      vcpu_op_name(v->op), rm,
				      (unsigned long long)got, fl,
				      (unsigned long long)v->want[rm],
				      v->fl[rm]);
			ck_assert_uint_eq(st.fcsr >> 5, dyn ? (unsigned)rm : 0);
		}
	}
}

/* The table in chunks: one forked test per chunk keeps the suite fast
 * under the sanitizers while a failure still names its line. */
START_TEST(vector_table)
{
	for (int i = _i * VEC_CHUNK; i < NVEC && i < (_i + 1) * VEC_CHUNK; i++)
		check_vector(&vectors[i]);
}
END_TEST

/* ---- Illegal encodings, fcsr handling, register rules ---------------- */

START_TEST(reserved_rounding_modes)
{
	static const enum vcpu_op rm_ops[] = {
		OP(FADD_S), OP(FSQRT_D), OP(FMADD_D), OP(FCVT_D_S),
		OP(FCVT_D_W), OP(FCVT_W_S), OP(FCVT_S_D), OP(FCVT_LU_D),
	};

	for (unsigned i = 0; i < sizeof(rm_ops) / sizeof(rm_ops[0]); i++) {
		struct vcpu_insn in = { .op = (uint16_t)rm_ops[i], .rd = 4,
					.rs1 = 1, .rs2 = 2, .rs3 = 3 };

		ck_assert(vcpu_fpu_op_has_rm(rm_ops[i]));
		for (int rm = 5; rm <= 7; rm++) {
			for (uint32_t frm = 0; frm < 8; frm++) {
				int bad = rm != DYN || frm >= 5;

				memset(&st, 0, sizeof(st));
				st.f[1] = st.f[2] = st.f[3] = D_ONE;
				st.x[1] = 3;
				st.f[4] = st.x[4] = 0x5a5a;
				st.fcsr = frm << 5 | NV;
				in.rm = (uint8_t)rm;
				ck_assert_int_eq(vcpu_fpu_exec(&st, &in),
						 bad ? -EINVAL : 0);
				if (bad) {
					/* nothing written on an illegal op */
					ck_assert_uint_eq(st.f[4], 0x5a5a);
					ck_assert_uint_eq(st.x[4], 0x5a5a);
					ck_assert_uint_eq(st.fcsr,
							  frm << 5 | NV);
				}
			}
		}
	}
}
END_TEST

START_TEST(ops_without_rounding_mode)
{
	/* funct3 selects the operation: any value is fine, frm is unused
	 * even when it holds a reserved mode. */
	static const enum vcpu_op ops[] = {
		OP(FSGNJ_S), OP(FMIN_D), OP(FEQ_S), OP(FLE_D), OP(FCLASS_S),
		OP(FMV_X_W), OP(FMV_D_X),
	};

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vcpu_insn in = { .op = (uint16_t)ops[i], .rd = 4,
					.rs1 = 1, .rs2 = 2, .rm = 7 };

		ck_assert(!vcpu_fpu_op_has_rm(ops[i]));
		memset(&st, 0, sizeof(st));
		st.fcsr = 7u << 5;
		ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	}
}
END_TEST

START_TEST(not_fpu_ops)
{
	static const uint16_t ops[] = {
		OP(ILLEGAL), OP(ADD), OP(LW), OP(CSRRW), OP(FLW), OP(FSW),
		OP(FLD), OP(FSD), VCPU_OP__COUNT, 0xffff,
	};

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vcpu_insn in = { .op = ops[i], .rd = 4, .rs1 = 1 };

		memset(&st, 0, sizeof(st));
		ck_assert_int_eq(vcpu_fpu_exec(&st, &in), -EINVAL);
	}
	ck_assert(vcpu_fpu_op_writes_f(OP(FLW)));
	ck_assert(!vcpu_fpu_op_writes_f(OP(FSD)));
	ck_assert(!vcpu_fpu_op_writes_f(OP(ADD)));
	ck_assert(!vcpu_fpu_op_has_rm(OP(ADD)));
}
END_TEST

START_TEST(flags_accrue)
{
	struct vcpu_insn in = { .op = OP(FDIV_D), .rd = 4, .rs1 = 1,
				.rs2 = 2, .rm = DYN };

	memset(&st, 0, sizeof(st));
	st.fcsr = RUP << 5 | UF;
	st.f[1] = D_ONE;
	st.f[2] = D_THREE;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.f[4], 0x3fd5555555555556ull);
	ck_assert_uint_eq(st.fcsr, RUP << 5 | UF | NX);
	st.f[2] = 0;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.fcsr, RUP << 5 | UF | NX | DZ);
	/* An exact op leaves the flags alone. */
	in.op = OP(FADD_D);
	st.f[2] = D_ONE;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.fcsr, RUP << 5 | UF | NX | DZ);
}
END_TEST

START_TEST(x0_and_aliasing)
{
	struct vcpu_insn in = { .op = OP(FCVT_L_D), .rd = 0, .rs1 = 1,
				.rm = RNE };

	memset(&st, 0, sizeof(st));
	st.f[1] = 0x4004000000000000ull;   /* 2.5 */
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.x[0], 0);
	ck_assert_uint_eq(st.fcsr, NX);     /* the flags still accrue */
	in.op = OP(FEQ_D);
	in.rs2 = 1;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.x[0], 0);
	/* rd == rs1 == rs2 == rs3: f1 = f1 * f1 + f1 = 2.5^2 + 2.5. */
	in = (struct vcpu_insn){ .op = OP(FMADD_D), .rd = 1, .rs1 = 1,
				 .rs2 = 1, .rs3 = 1, .rm = RNE };
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.f[1], 0x4021800000000000ull);  /* 8.75 */
	/* Singles are written NaN-boxed. */
	in = (struct vcpu_insn){ .op = OP(FCVT_S_L), .rd = 31, .rs1 = 31,
				 .rm = RNE };
	st.x[31] = 3;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.f[31], S_THREE);
}
END_TEST

static unsigned mxcsr_read(void)
{
	unsigned m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static void mxcsr_write(unsigned m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

START_TEST(host_state_isolated)
{
	/* Host code may leave exception flags set in MXCSR (it never
	 * changes the rounding mode, DAZ or FTZ: vcpu/fpu.h): they must not
	 * leak into fflags, and a directed guest rounding mode must not leak
	 * out into the host's MXCSR. */
	mxcsr_write(0x1f80u | 0x3fu);
	ck_assert_int_eq(exec_rm(OP(FMUL_S), RNE, 0, S_MINN, S_HALF, 0), 0);
	ck_assert_uint_eq(st.f[4], B(0x00400000));
	ck_assert_uint_eq(st.fcsr & 0x1f, 0);
	ck_assert_int_eq(exec_rm(OP(FADD_D), RNE, 0, D_INF, D_ONE, 0), 0);
	ck_assert_uint_eq(st.fcsr & 0x1f, 0);
	ck_assert_int_eq(exec_rm(OP(FMADD_D), RTZ, 0, D_MAX, D_TWO, 0), 0);
	ck_assert_uint_eq(st.f[4], D_MAX);
	ck_assert_uint_eq(st.fcsr & 0x1f, OF | NX);
	ck_assert_uint_eq(mxcsr_read() & ~0x3fu, 0x1f80u);
	ck_assert_int_eq(exec_rm(OP(FDIV_S), RUP, 0, S_ONE, S_THREE, 0), 0);
	ck_assert_uint_eq(st.f[4], B(0x3eaaaaab));
	ck_assert_uint_eq(mxcsr_read() & ~0x3fu, 0x1f80u);
	mxcsr_write(0x1f80u);
}
END_TEST

/* ---- Reference rounding in exact integer arithmetic ------------------- */

typedef unsigned __int128 u128;
typedef __int128 s128;

/* An exact value (-1)^neg * (mag + frac) * 2^exp, where frac = 0 unless
 * sticky, in which case 0 < frac < 1. */
struct exact {
	int neg, exp, sticky;
	u128 mag;
};

static const struct { int p, emin, emax, bias; } rf[2] = {
	{ 24, -126, 127, 127 }, { 53, -1022, 1023, 1023 },
};

static int bits128(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;

	if (hi)
		return 128 - __builtin_clzll(hi);
	return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* A finite value's sign, integer significand and exponent. */
static void ref_decode(uint64_t b, int d, int *neg, uint64_t *m, int *e)
{
	int mb = rf[d].p - 1;
	int be = (int)(b >> mb) & (d ? 0x7ff : 0xff);
	uint64_t man = b & ((1ull << mb) - 1);

	*neg = (int)(b >> (d ? 63 : 31)) & 1;
	*m = be ? man | 1ull << mb : man;
	*e = (be ? be : 1) - rf[d].bias - mb;
}

/* (mag + frac) / 2^sh rounded to an integer in mode rm. */
static u128 ref_shift(u128 mag, int sticky, int sh, int rm, int neg,
		      int *inexact)
{
	u128 q = sh >= 128 ? 0 : mag >> sh;
	u128 rem = sh >= 128 ? mag : mag & (((u128)1 << sh) - 1);
	u128 half = sh >= 128 ? ~(u128)0 : (u128)1 << (sh - 1);
	int above = rem > half || (rem == half && sticky);
	int tie = rem == half && !sticky;
	int up;

	ck_assert_int_ge(sh, (sticky ? 2 : 1));
	*inexact = rem || sticky;
	switch (rm) {
	case RNE: up = above || (tie && (q & 1)); break;
	case RTZ: up = 0; break;
	case RDN: up = neg && *inexact; break;
	case RUP: up = !neg && *inexact; break;
	default: up = above || tie; break;
	}
	return q + (u128)up;
}

/* Round a nonzero exact value to width d as RISC-V does; flags to *fl. */
static uint64_t ref_round(int d, struct exact x, int rm, unsigned *fl)
{
	int p = rf[d].p, emin = rf[d].emin, msb = bits128(x.mag) - 1;
	int e = msb + x.exp, q, inexact, tiny;
	uint64_t sign = x.neg ? (d ? 1ull << 63 : 1ull << 31) : 0;
	u128 r;

	if (msb - p + 1 > 0 || x.sticky) {
		/* tininess after rounding: at unbounded exponent */
		r = ref_shift(x.mag, x.sticky, e - p + 1 - x.exp, rm, x.neg,
			      &inexact);
		tiny = (r >> p ? e + 1 : e) < emin;
	} else {
		tiny = e < emin;
	}
	q = (e < emin ? emin : e) - p + 1;
	if (q > x.exp || x.sticky)
		r = ref_shift(x.mag, x.sticky, q - x.exp, rm, x.neg, &inexact);
	else
		r = x.mag << (x.exp - q), inexact = 0;
	*fl = inexact ? NX | (tiny ? UF : 0) : 0;
	if (r >> p) {
		r >>= 1;
		q++;
	}
	if (q + p - 1 > rf[d].emax) {
		int to_inf = rm == RNE || rm == RMM || (rm == RUP && !x.neg) ||
			     (rm == RDN && x.neg);

		*fl = OF | NX;
		return sign | (to_inf ? (d ? D_INF : 0x7f800000u) :
				(d ? D_MAX : 0x7f7fffffu));
	}
	if (r >> (p - 1) == 0)
		return sign | (uint64_t)r;        /* subnormal or zero */
	return sign | (uint64_t)(q + p - 1 + rf[d].bias) << (p - 1) |
	       ((uint64_t)r & ((1ull << (p - 1)) - 1));
}

/* x * 2^ex + y * 2^ey exactly, or with the far smaller part folded into
 * the sticky fraction when it lies wholly below the kept bits. */
static struct exact ref_sum(s128 x, int ex, s128 y, int ey)
{
	struct exact r = { 0, 0, 0, 0 };
	s128 s, t;
	int g, room, sh;
	u128 low = 0;

	if (ex < ey) {
		t = x; x = y; y = t;
		g = ex; ex = ey; ey = g;
	}
	g = ex - ey;
	room = 126 - bits128((u128)(x < 0 ? -x : x));
	if (g <= room) {
		s = (s128)((u128)x << g) + y;
		r.exp = ey;
	} else {
		sh = g - room;
		if (sh >= 127) {
			t = y < 0 ? -1 : 0;
			low = y != 0;
		} else {
			t = y >> sh;
			low = (u128)y & (((u128)1 << sh) - 1);
		}
		s = (s128)((u128)x << room) + t;
		r.exp = ey + sh;
	}
	r.neg = s < 0;
	r.mag = (u128)(s < 0 ? -s : s);
	if (low) {
		r.sticky = 1;
		if (s < 0)
			r.mag--;
	}
	return r;
}

static u128 isqrt128(u128 v, int *rem)
{
	u128 root = 0, bit = (u128)1 << 126;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= root + bit) {
			v -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	*rem = v != 0;
	return root;
}

enum { R_ADD, R_SUB, R_MUL, R_DIV, R_SQRT, R_MADD, R_MSUB, R_NMSUB, R_NMADD };

/* The exact result of a finite, nonzero-operand operation. */
static struct exact ref_exact(int op, int d, uint64_t a, uint64_t b,
			      uint64_t c)
{
	int na, nb, nc, ea, eb, ec, rem;
	uint64_t ma, mb, mc;
	struct exact r = { 0, 0, 0, 0 };
	s128 p, y;

	ref_decode(a, d, &na, &ma, &ea);
	ref_decode(b, d, &nb, &mb, &eb);
	ref_decode(c, d, &nc, &mc, &ec);
	switch (op) {
	case R_ADD: case R_SUB:
		return ref_sum(na ? -(s128)ma : (s128)ma, ea,
			       (nb ^ (op == R_SUB)) ? -(s128)mb : (s128)mb, eb);
	case R_MUL:
		r.neg = na ^ nb;
		r.mag = (u128)ma * mb;
		r.exp = ea + eb;
		return r;
	case R_DIV:
		r.neg = na ^ nb;
		while (ma < 1ull << 52) { ma <<= 1; ea--; }
		while (mb < 1ull << 52) { mb <<= 1; eb--; }
		r.mag = ((u128)ma << 74) / mb;
		r.sticky = ((u128)ma << 74) % mb != 0;
		r.exp = ea - eb - 74;
		return r;
	case R_SQRT:
		if (ea & 1) { ma <<= 1; ea--; }
		while (bits128(ma) < 62) { ma <<= 2; ea -= 2; }
		r.mag = isqrt128((u128)ma << 64, &rem);
		r.sticky = rem;
		r.exp = (ea - 64) / 2;
		return r;
	default:
		p = (s128)((u128)ma * mb);
		if ((na ^ nb) != (op == R_NMSUB || op == R_NMADD))
			p = -p;
		y = (nc != (op == R_MSUB || op == R_NMADD)) ? -(s128)mc :
							       (s128)mc;
		return ref_sum(p, ea + eb, y, ec);
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random finite nonzero value of width d: random bits, a short
 * significand (ties, exact results) at any exponent, or one near @near. */
static uint64_t rand_fp(int d, uint64_t near)
{
	int mb = rf[d].p - 1, emax_b = d ? 0x7fe : 0xfe;
	uint64_t sign = (rng() & 1) ? (d ? 1ull << 63 : 1ull << 31) : 0, v;
	int kind = (int)(rng() % 4), be, nb;

	for (;;) {
		nb = 1 + (int)(rng() % 12);
		v = (rng() & ((1ull << nb) - 1)) << (mb - nb);
		if (kind == 0) {
			v = rng() & ((1ull << (mb + (d ? 11 : 8))) - 1);
		} else if (kind == 1 || !near) {
			be = (int)(rng() % (unsigned)(emax_b + 1));
			v |= (uint64_t)be << mb;
		} else {
			be = (int)(near >> mb & (d ? 0x7ff : 0xff)) -
			     (int)(rng() % (unsigned)(mb + 3)) + 1;
			be = be < 0 ? 0 : be > emax_b ? emax_b : be;
			v |= (uint64_t)be << mb;
		}
		if ((v & ~(d ? 1ull << 63 : 1ull << 31)) != 0 &&
		    (v >> mb & (d ? 0x7ff : 0xff)) != (d ? 0x7ffu : 0xffu))
			return v | sign;
	}
}

START_TEST(random_against_reference)
{
	static const enum vcpu_op ops[2][9] = {
		{ OP(FADD_S), OP(FSUB_S), OP(FMUL_S), OP(FDIV_S), OP(FSQRT_S),
		  OP(FMADD_S), OP(FMSUB_S), OP(FNMSUB_S), OP(FNMADD_S) },
		{ OP(FADD_D), OP(FSUB_D), OP(FMUL_D), OP(FDIV_D), OP(FSQRT_D),
		  OP(FMADD_D), OP(FMSUB_D), OP(FNMSUB_D), OP(FNMADD_D) },
	};
	int d = _i / 9, op = _i % 9;
	uint64_t box = d ? 0 : 0xffffffff00000000ull;

	for (int n = 0; n < 4000; n++) {
		uint64_t a = rand_fp(d, 0), b = rand_fp(d, a);
		uint64_t c = rand_fp(d, n & 1 ? a : b), want, sign;
		struct exact x;
		unsigned wfl;
		int rm = n % 5;

		if (op == R_SQRT)
			a &= d ? ~(1ull << 63) : ~(1ull << 31);
		if (op >= R_MADD && n % 4 == 3) {
			/* an accumulation: a * b near or well below c */
			b = rand_fp(d, d ? D_ONE : 0x3f800000u);
			a = rand_fp(d, c);
		}
		x = ref_exact(op, d, a, b, c);
		sign = d ? 1ull << 63 : 1ull << 31;
		if (x.mag == 0 && !x.sticky) {
			/* exact cancellation: +0, or -0 when rounding down */
			want = rm == RDN ? sign : 0;
			wfl = 0;
		} else {
			want = ref_round(d, x, rm, &wfl);
		}
		ck_assert_int_eq(exec_rm(ops[d][op], rm, n & 2, a | box,
					 b | box, c | box), 0);
		ck_assert_msg(st.f[4] == (want | box) &&
			      (st.fcsr & 0x1f) == wfl,
			      "%s rm %d %llx %llx %llx: got %llx/%x want "
			      "%llx/%x", vcpu_op_name(ops[d][op]), rm,
			      (unsigned long long)a, (unsigned long long)b,
			      (unsigned long long)c,
			      (unsigned long long)st.f[4], st.fcsr & 0x1f,
			      (unsigned long long)(want | box), wfl);
	}
}
END_TEST

START_TEST(random_conversions)
{
	for (int n = 0; n < 20000; n++) {
		int rm = n % 5, neg, e, inexact;
		uint64_t dv = rand_fp(1, 0), m, want;
		struct exact x = { 0, 0, 0, 0 };
		unsigned wfl;
		int64_t iv = (int64_t)(rng() >> (rng() % 64));

		/* FCVT.S.D against the reference rounding. */
		ref_decode(dv, 1, &x.neg, &m, &x.exp);
		x.mag = m;
		want = ref_round(0, x, rm, &wfl);
		ck_assert_int_eq(exec_rm(OP(FCVT_S_D), rm, 0, dv, 0, 0), 0);
		ck_assert_msg(st.f[4] == B(want) && (st.fcsr & 0x1f) == wfl,
			      "fcvt.s.d rm %d %llx", rm,
			      (unsigned long long)dv);
		/* FCVT.S.L and FCVT.D.L: the integer rounded. */
		if (iv == 0)
			continue;
		x.neg = iv < 0;
		x.mag = iv < 0 ? 0 - (uint64_t)iv : (uint64_t)iv;
		x.exp = 0;
		for (int d = 0; d < 2; d++) {
			enum vcpu_op op = d ? OP(FCVT_D_L) : OP(FCVT_S_L);

			want = ref_round(d, x, rm, &wfl);
			ck_assert_int_eq(exec_rm(op, rm, 0, (uint64_t)iv, 0, 0),
					 0);
			ck_assert_uint_eq(st.f[4], d ? want : B(want));
			ck_assert_uint_eq(st.fcsr & 0x1f, wfl);
		}
		/* FCVT.L.D of values below 2^62: rounding at the units. */
		ref_decode(dv, 1, &neg, &m, &e);
		if (e + bits128(m) > 62)
			continue;
		want = e >= 0 ? m << e :
		       (uint64_t)ref_shift(m, 0, -e, rm, neg, &inexact);
		if (e >= 0)
			inexact = 0;
		ck_assert_int_eq(exec_rm(OP(FCVT_L_D), rm, 0, dv, 0, 0), 0);
		ck_assert_uint_eq(st.x[4], neg ? 0 - want : want);
		ck_assert_uint_eq(st.fcsr & 0x1f, inexact ? NX : 0);
	}
}
END_TEST

static Suite *fpu_suite(void)
{
	Suite *s = suite_create("fpu");
	TCase *t = tcase_create("core");

	tcase_add_loop_test(t, vector_table, 0,
			    (NVEC + VEC_CHUNK - 1) / VEC_CHUNK);
	tcase_add_test(t, reserved_rounding_modes);
	tcase_add_test(t, ops_without_rounding_mode);
	tcase_add_test(t, not_fpu_ops);
	tcase_add_test(t, flags_accrue);
	tcase_add_test(t, x0_and_aliasing);
	tcase_add_test(t, host_state_isolated);
	tcase_add_loop_test(t, random_against_reference, 0, 18);
	tcase_add_test(t, random_conversions);
	tcase_set_timeout(t, 120);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
