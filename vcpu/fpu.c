/* SPDX-License-Identifier: MIT */
/*
 * F and D arithmetic, bit-exact to RISC-V, on an x86-64 host.
 *
 * Three ways to a result, cheapest first:
 *
 * 1. Integer code. Sign injection, moves, compares, FMIN/FMAX, FCLASS and
 *    every conversion (int <-> float, double -> single) work on the bit
 *    patterns; round_pack() rounds an exact value given as an integer
 *    significand, an exponent and a sticky bit, in all five modes, with
 *    RISC-V's flags: NX, OF, and UF when the result is tiny after rounding
 *    (rounded to the target precision with unbounded exponent, below the
 *    normal range) and inexact.
 *
 * 2. Fast paths (fast_single, fast_double): host arithmetic in the default
 *    MXCSR mode (round to nearest, no DAZ/FTZ; nothing in Tessera changes
 *    it, and the slow path puts it back) plus an error-free transformation
 *    giving the sign of the rounding error exactly: TwoSum for sums, an
 *    FMA residual for products, quotients (a - q*b) and square roots
 *    (a - r*r). A single-precision operation is computed in double, where
 *    its product is exact and its quotient and root are rounded once; the
 *    double result D and the error's sign fix the exact value's place among
 *    the single-precision neighbours and midpoints (all multiples of D's
 *    ulp times 2^29), so round_pack gives the correct result and flags in
 *    every mode. A double result R in the normal range, away from overflow
 *    and underflow, is correct under RNE; under RDN, RUP and RTZ it moves
 *    one ulp when the error's sign says so; under RMM only an exact tie
 *    (error = half the gap to the neighbour) changes it. NX is "error != 0";
 *    no other flag can arise in that range. Operands or results outside it
 *    (NaN, infinity, zero results, subnormal or huge values), and double FMA
 *    unless its error is provably measurable (see fast_double), go to 3.
 *    Why: STMXCSR waits for the FP pipeline to drain, which costs more than
 *    the arithmetic (about 10 ns per operation in a tight loop on the AMD
 *    Zen development host), and nearly all guest FP operations (99% in
 *    bench_fp) take the fast path.
 *
 * 3. The slow path (host_op): one SSE instruction under MXCSR loaded with
 *    the guest's rounding mode and clear flags, the flags read back. SSE
 *    and RISC-V agree where IEEE 754 leaves a choice that matters: tininess
 *    is detected after rounding (Intel SDM vol. 1, 11.5.2.5: "the rounded
 *    result ... with unbounded exponent"), and with underflow masked UE is
 *    raised only for an inexact result (4.9.1.5). RISC-V's own rules are
 *    applied after: canonical NaN results, NV for inf * 0 + qNaN (x86 need
 *    not raise it), and RMM, which SSE lacks (rmm_fix, below).
 *
 * Compiler discipline: gcc assumes the default FP environment (no
 * -frounding-math; it ignores #pragma STDC FENV_ACCESS), so it may fold or
 * move plain C FP operations. Every operation that must see the guest's
 * MXCSR is an `asm volatile` instruction, ordered with the `asm volatile`
 * MXCSR accesses around it, inside host_op, which is never inlined so that
 * no caller code is scheduled between them; its libm calls (fma, fmaf:
 * glibc uses the FMA unit when there is one) are pinned between asm
 * barriers on operands and result. Plain C FP code elsewhere runs in the
 * default mode, which is what gcc assumes.
 *
 * Dispatch: every op has its own handler (FPU_OPS at the end), with the
 * hot helpers inlined into it and the op and width constant, so that an
 * instruction costs one indirect call and no op-dependent branch.
 *
 * Singles are NaN-boxed: an operand whose upper 32 bits are not all ones
 * reads as the canonical NaN, and results are written boxed.
 */
#include "vcpu/fpu.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#if !defined(__x86_64__)
#error "vcpu/fpu.c computes on SSE and MXCSR: x86-64 hosts only"
#endif

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN = 7 };

/* Rounding arithmetic operations. */
enum arith { A_ADD, A_SUB, A_MUL, A_DIV, A_SQRT, A_FMA };

/* Hot helpers: each op's handler gets its own copy. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

#define MXCSR_DEFAULT 0x1f80u
#define BOX_HI 0xffffffff00000000ull

/* Format constants, indexed by d (0 single, 1 double). */
static const struct fpu_fmt {
	uint64_t sign, exp, man, quiet, canon, max;
	int man_bits, bias;
} fmts[2] = {
	{ 0x80000000u, 0x7f800000u, 0x007fffffu, 0x00400000u, 0x7fc00000u,
	  0x7f7fffffu, 23, 127 },
	{ 1ull << 63, 0x7ff0000000000000ull, 0x000fffffffffffffull,
	  0x0008000000000000ull, 0x7ff8000000000000ull, 0x7fefffffffffffffull,
	  52, 1023 },
};

static inline int is_nan(uint64_t b, int d)
{
	return (b & fmts[d].exp) == fmts[d].exp && (b & fmts[d].man);
}

static inline int is_snan(uint64_t b, int d)
{
	return is_nan(b, d) && !(b & fmts[d].quiet);
}

static inline int is_inf(uint64_t b, int d)
{
	return (b & ~fmts[d].sign) == fmts[d].exp;
}

static inline int is_zero(uint64_t b, int d)
{
	return (b & ~fmts[d].sign) == 0;
}

/* The biased exponent field. */
static inline int bexp(uint64_t b, int d)
{
	return (int)((b & fmts[d].exp) >> fmts[d].man_bits);
}

static inline float f32(uint64_t b)
{
	uint32_t v = (uint32_t)b;
	float f;

	memcpy(&f, &v, 4);
	return f;
}

static inline double f64(uint64_t b)
{
	double x;

	memcpy(&x, &b, 8);
	return x;
}

static inline uint64_t bits32(float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	return v;
}

static inline uint64_t bits64(double x)
{
	uint64_t b;

	memcpy(&b, &x, 8);
	return b;
}

/* An f register as an operand of width d: singles must be NaN-boxed. */
static inline uint64_t freg(const struct vcpu_state *s, unsigned r, int d)
{
	uint64_t v = s->f[r];

	if (d)
		return v;
	return (v & BOX_HI) == BOX_HI ? (uint32_t)v : fmts[0].canon;
}

static inline void set_f(struct vcpu_state *s, unsigned r, int d, uint64_t v)
{
	s->f[r] = d ? v : vcpu_fpu_box32((uint32_t)v);
}

static inline void set_x(struct vcpu_state *s, unsigned r, uint64_t v)
{
	if (r)
		s->x[r] = v;
}

/* ---- Integer rounding --------------------------------------------------- */

/* Does rounding the truncated magnitude (last bit @odd) away from zero
 * win? @rem: the discarded bits, @half: half an ulp in the same unit,
 * @sticky: nonzero bits below @rem. */
static inline int round_up(int rm, int neg, int odd, uint64_t rem,
			   uint64_t half, int sticky)
{
	int above = rem > half || (rem == half && sticky);
	int tie = rem == half && !sticky;

	switch (rm) {
	case RM_RNE: return above || (tie && odd);
	case RM_RTZ: return 0;
	case RM_RDN: return neg;
	case RM_RUP: return !neg;
	default: return above || tie;
	}
}

/* @mag shifted right by @sh (>= 1) and rounded in mode @rm; *inexact set
 * when anything nonzero was dropped. */
static uint64_t shift_round(uint64_t mag, int sticky, int sh, int rm, int neg,
			    int *inexact)
{
	uint64_t q = sh >= 64 ? 0 : mag >> sh;
	uint64_t rem = sh >= 64 ? mag : mag & ((1ull << sh) - 1);

	*inexact = rem || sticky;
	if (!*inexact)
		return q;
	if (sh > 64)    /* half an ulp exceeds any 64-bit @mag */
		return q + (rm == RM_RDN ? neg : rm == RM_RUP ? !neg : 0);
	return q + round_up(rm, neg, (int)(q & 1), rem, 1ull << (sh - 1),
			    sticky);
}

/*
 * Round (-1)^@neg * (@mag + f) * 2^@exp to width @d in mode @rm, where f
 * is 0 without @sticky and strictly between 0 and 1 with it; @mag != 0.
 * With @sticky the kept bits must end at least one bit above @mag's unit
 * (callers pass >= 54-bit magnitudes to the 24-bit format). Flags go to
 * *fl: NX, OF (with NX), UF when tiny after rounding and inexact.
 */
static uint64_t round_pack(int neg, uint64_t mag, int exp, int sticky, int d,
			   int rm, unsigned *fl)
{
	const struct fpu_fmt *f = &fmts[d];
	int p = f->man_bits + 1, emin = 1 - f->bias;
	int e = 63 - __builtin_clzll(mag) + exp;   /* the binade */
	int q = (e < emin ? emin : e) - p + 1;      /* the kept unit */
	int inexact, tiny = 0, dummy;
	uint64_t sig, sign = neg ? f->sign : 0;

	if (q > exp) {
		sig = shift_round(mag, sticky, q - exp, rm, neg, &inexact);
	} else {
		sig = mag << (exp - q);
		inexact = 0;
	}
	if (e == emin - 1 && e - p + 1 > exp) {
		/* tiny unless rounding to p bits with unbounded exponent
		 * carries up to 2^emin */
		tiny = !(shift_round(mag, sticky, e - p + 1 - exp, rm, neg,
				     &dummy) >> p);
	} else {
		tiny = e < emin;
	}
	if (inexact)
		*fl |= VCPU_FFLAG_NX | (tiny ? VCPU_FFLAG_UF : 0);
	if (sig >> p) {
		sig >>= 1;
		q++;
	}
	if (q + p - 1 > f->bias) {
		*fl |= VCPU_FFLAG_OF | VCPU_FFLAG_NX;
		if (rm == RM_RTZ || (rm == RM_RDN && !neg) ||
		    (rm == RM_RUP && neg))
			return sign | f->max;
		return sign | f->exp;
	}
	if (!(sig >> (p - 1)))
		return sign | sig;                 /* subnormal or zero */
	return sign | (uint64_t)(q + p - 1 + f->bias) << f->man_bits |
	       (sig & f->man);
}

/* ---- Conversions -------------------------------------------------------- */

/*
 * FCVT.{W,WU,L,LU}: @type is 0 W, 1 WU, 2 L, 3 LU (the rs2 field).
 * Out-of-range values, infinities and NaNs saturate with NV alone (NaN and
 * too large to the maximum); an in-range inexact result raises NX. A
 * negative value that rounds to zero is in range for the unsigned ones.
 * W and WU results are sign-extended from 32 bits.
 */
static uint64_t to_int(uint64_t b, int d, int type, int rm, unsigned *fl)
{
	const struct fpu_fmt *f = &fmts[d];
	int is_signed = !(type & 1), bits = type & 2 ? 64 : 32;
	int neg = !!(b & f->sign), be = bexp(b, d), exp, inexact = 0, ok;
	uint64_t max = (is_signed ? ~0ull >> 1 : ~0ull) >> (64 - bits);
	uint64_t m = b & f->man, mag, v;

	exp = (be ? be : 1) - f->bias - f->man_bits;
	if (be)
		m |= f->man + 1;
	if (is_nan(b, d))
		neg = 0;
	if (be == bexp(f->exp, d) || (m && exp >= 0 &&
	    63 - __builtin_clzll(m) + exp >= 64)) {
		ok = 0;
		mag = 0;
	} else {
		mag = exp >= 0 ? m << exp :
		      shift_round(m, 0, -exp, rm, neg, &inexact);
		ok = neg ? (is_signed ? mag <= max + 1 : mag == 0) : mag <= max;
	}
	if (!ok) {
		*fl |= VCPU_FFLAG_NV;
		v = !neg ? max : is_signed ? ~max : 0;
	} else {
		if (inexact)
			*fl |= VCPU_FFLAG_NX;
		v = neg ? 0 - mag : mag;
	}
	return bits == 32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* FCVT.{S,D}.@type: the integer x as sign and magnitude, rounded to width
 * @d. Only NX can arise; zero converts to +0. */
static uint64_t from_int(uint64_t x, int type, int d, int rm, unsigned *fl)
{
	int64_t v = type == 0 ? (int32_t)(uint32_t)x : (int64_t)x;
	uint64_t m;
	int neg = 0;

	switch (type) {
	case 0: case 2:
		neg = v < 0;
		m = neg ? 0 - (uint64_t)v : (uint64_t)v;
		break;
	case 1:
		m = (uint32_t)x;
		break;
	default:
		m = x;
		break;
	}
	return m ? round_pack(neg, m, 0, 0, d, rm, fl) : 0;
}

/* FCVT.S.D: NaNs become canonical (sNaN raising NV); rounding in
 * software. */
static uint64_t narrow(uint64_t b, int rm, unsigned *fl)
{
	int neg = (int)(b >> 63), be = bexp(b, 1);
	uint64_t m = b & fmts[1].man;

	if (is_nan(b, 1)) {
		if (is_snan(b, 1))
			*fl |= VCPU_FFLAG_NV;
		return fmts[0].canon;
	}
	if (be == 0x7ff || (!be && !m))
		return (neg ? fmts[0].sign : 0) | (be ? fmts[0].exp : 0);
	if (be)
		m |= 1ull << 52;
	return round_pack(neg, m, (be ? be : 1) - 1075, 0, 0, rm, fl);
}

/* FCVT.D.S: exact; NaNs become canonical, sNaN raising NV. */
static uint64_t widen(uint64_t b, unsigned *fl)
{
	if (!is_nan(b, 0))
		return bits64((double)f32(b));
	if (is_snan(b, 0))
		*fl |= VCPU_FFLAG_NV;
	return fmts[1].canon;
}

/* ---- Fast paths ------------------------------------------------------- */

static inline int have_fma(void)
{
	return __builtin_cpu_supports("fma");
}

/* a * b + c rounded once, by the FMA unit (callers check have_fma()). */
static inline double hw_fma(double a, double b, double c)
{
	__asm__ volatile("vfmadd231sd %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
	return c;
}

/* Knuth's TwoSum: the exact error of r = a + b (r rounded to nearest). */
static inline double two_sum_err(double a, double b, double r)
{
	double bv = r - a;

	return (a - (r - bv)) + (b - bv);
}

static inline int sign_of(double x)
{
	return (x > 0) - (x < 0);
}

/*
 * round_pack's common case for fast_single, inline: the double @rb (with
 * @sm, the sign of |exact| - |rb|) rounds to a normal single that cannot
 * overflow, and is not itself a single (bits 28..0 of its fraction, @rem,
 * are not zero), so the exact value lies strictly between the same two
 * singles as rb, on the same side of their midpoint unless rb is the
 * midpoint. Returns 0 to leave other cases to round_pack.
 */
static ALWAYS_INLINE int pack_single_normal(uint64_t rb, int sm, int rm,
				     uint64_t *res, unsigned *fl)
{
	int be = bexp(rb, 1) - 1023 + 127, neg = (int)(rb >> 63);
	uint64_t rem = rb & ((1ull << 29) - 1), half = 1ull << 28;
	uint64_t sig = (rb & fmts[1].man) >> 29;

	if (be < 1 || be > 253 || rem == 0)
		return 0;
	sig += (uint64_t)round_up(rm, neg, (int)(sig & 1), 2 * rem - (sm < 0),
				  2 * half, sm != 0);
	*res = (neg ? fmts[0].sign : 0) + ((uint64_t)be << 23) + sig;
	*fl |= VCPU_FFLAG_NX;
	return 1;
}

/*
 * Single precision through double: D is the operation rounded to double,
 * err a value with the sign of (exact - D). Returns 0 (declined) for NaN
 * or infinite operands, zero or invalid results, and div/sqrt without an
 * FMA unit.
 */
static ALWAYS_INLINE int fast_single(int op, uint64_t a, uint64_t b,
				     uint64_t c, int rm, uint64_t *res,
				     unsigned *fl)
{
	double x = f32(a), y = f32(b), z = f32(c), r, err = 0;
	uint64_t rb, m;
	int sm;

	if (bexp(a, 0) == 0xff || bexp(b, 0) == 0xff || bexp(c, 0) == 0xff)
		return 0;
	switch (op) {
	case A_ADD: r = x + y; err = two_sum_err(x, y, r); break;
	case A_SUB: r = x - y; err = two_sum_err(x, -y, r); break;
	case A_MUL: r = x * y; break;               /* exact: 48 bits */
	case A_DIV:
		if (y == 0 || !have_fma())
			return 0;
		r = x / y;
		err = hw_fma(-r, y, x);             /* x - r*y: exact */
		err = y < 0 ? -err : err;
		break;
	case A_SQRT:
		if (!(x > 0) || !have_fma())
			return 0;
		r = sqrt(x);
		err = hw_fma(-r, r, x);             /* exact */
		break;
	default:
		r = x * y;                          /* exact */
		err = two_sum_err(r, z, r + z);
		r += z;
		break;
	}
	if (r == 0)
		return 0;    /* zero signs under RDN: the slow path */
	rb = bits64(r);
	sm = rb >> 63 ? -sign_of(err) : sign_of(err);
	if (pack_single_normal(rb, sm, rm, res, fl))
		return 1;
	m = (rb & fmts[1].man) | 1ull << 52;        /* r is a normal double */
	/* |exact| lies in (m - 1/2, m + 1/2) units of r's ulp, on the side
	 * sm says: as the integer 2m or 2m - 1 plus a sticky fraction. */
	*res = round_pack((int)(rb >> 63), 2 * m - (sm < 0), bexp(rb, 1) - 1076,
			  sm != 0, 0, rm, fl);
	return 1;
}

/* The double result @rb moved one ulp per mode @rm, given the sign @s of
 * (exact - result); @tie: the exact value is halfway to the neighbour. */
static ALWAYS_INLINE uint64_t adjust_double(uint64_t rb, int s, int tie,
					    int rm)
{
	int neg = (int)(rb >> 63), sm = neg ? -s : s;

	switch (rm) {
	case RM_RTZ: return sm < 0 ? rb - 1 : rb;
	case RM_RDN: return s < 0 ? (neg ? rb + 1 : rb - 1) : rb;
	case RM_RUP: return s > 0 ? (neg ? rb - 1 : rb + 1) : rb;
	case RM_RMM: return tie && sm > 0 ? rb + 1 : rb;
	default: return rb;
	}
}

/* Is the exact error @err of result @rb (a double) half the gap to the
 * neighbour on its side? */
static int is_tie(uint64_t rb, double err)
{
	int sm = (rb >> 63 ? -1 : 1) * sign_of(err);
	double gap = f64(sm > 0 ? rb + 1 : rb - 1) - f64(rb);  /* exact */

	return 2 * fabs(err) == fabs(gap);
}

/*
 * Double precision. The result must be normal with biased exponent in
 * [64, 0x7fd), so that moving it one ulp neither overflows nor leaves the
 * normal range, and the residuals below are exact: a*b - r and a - q*b are
 * multiples of ulp(a)ulp(b) and ulp(q)ulp(b), representable when those are
 * at least 2^-1074, hence the operand bounds. For FMA the error
 * x - r = a*b + (c - r) is measured only when c - r is exact (TwoSum error
 * zero, as in accumulations where r is near c): then fma(a, b, c - r) has
 * its sign, being a nonzero multiple of 2^-1074 when nonzero.
 */
static ALWAYS_INLINE int fast_double(int op, uint64_t a, uint64_t b,
				     uint64_t c, int rm, uint64_t *res,
				     unsigned *fl)
{
	double x = f64(a), y = f64(b), r, err, u;
	int ea = bexp(a, 1), eb = bexp(b, 1), er, s;

	if (ea >= 0x7fd || (op != A_SQRT && eb >= 0x7fd) ||
	    (op >= A_MUL && (!ea || (op != A_SQRT && !eb) || !have_fma())))
		return 0;
	switch (op) {
	case A_ADD: r = x + y; err = two_sum_err(x, y, r); break;
	case A_SUB: r = x - y; err = two_sum_err(x, -y, r); break;
	case A_MUL: r = x * y; err = hw_fma(x, y, -r); break;
	case A_DIV:
		if (ea < 64)
			return 0;
		r = x / y;
		err = hw_fma(-r, y, x);
		err = y < 0 ? -err : err;
		break;
	case A_SQRT:
		if (ea < 64 || x < 0)
			return 0;
		r = sqrt(x);
		err = hw_fma(-r, r, x);
		break;
	default:
		if (bexp(c, 1) >= 0x7fd || ea + eb < 1076)
			return 0;
		r = hw_fma(x, y, f64(c));
		u = f64(c) - r;
		if (bexp(bits64(r), 1) >= 0x7fd ||
		    two_sum_err(f64(c), -r, u) != 0)
			return 0;
		err = hw_fma(x, y, u);
		if (rm == RM_RMM && err != 0)
			return 0;
		break;
	}
	er = bexp(bits64(r), 1);
	if (er < 64 || er >= 0x7fd)
		return 0;
	s = sign_of(err);
	*res = adjust_double(bits64(r), s, rm == RM_RMM && s && op <= A_MUL &&
			     is_tie(bits64(r), err), rm);
	if (s)
		*fl |= VCPU_FFLAG_NX;
	return 1;
}

/* ---- The slow path: SSE under the guest's MXCSR ------------------------- */

#define FENCE(v) __asm__ volatile("" : "+x"(v))
#define SSE2(insn, r, a, b) \
	__asm__ volatile(insn " %2, %0" : "=x"(r) : "0"(a), "x"(b))

static const unsigned mxcsr_rc[5] = {
	[RM_RNE] = 0u << 13, [RM_RTZ] = 3u << 13, [RM_RDN] = 1u << 13,
	[RM_RUP] = 2u << 13, [RM_RMM] = 0u << 13,
};

static inline unsigned mxcsr_get(void)
{
	unsigned m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static inline void mxcsr_set(unsigned m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

/* x86 IE, ZE, OE, UE, PE (bits 0, 2..5) as RISC-V NV, DZ, OF, UF, NX;
 * DE (denormal operand) has no RISC-V counterpart. */
static inline unsigned x86_flags(unsigned m)
{
	return ((m & 0x01u) << 4) | ((m >> 2 & 1u) << 3) |
	       ((m >> 3 & 1u) << 2) | ((m >> 4 & 1u) << 1) | (m >> 5 & 1u);
}

static inline uint64_t sse_single(int op, uint64_t a, uint64_t b, uint64_t c)
{
	float x = f32(a), y = f32(b), z = f32(c), r;

	switch (op) {
	case A_ADD: SSE2("addss", r, x, y); break;
	case A_SUB: SSE2("subss", r, x, y); break;
	case A_MUL: SSE2("mulss", r, x, y); break;
	case A_DIV: SSE2("divss", r, x, y); break;
	case A_SQRT:
		__asm__ volatile("sqrtss %1, %0" : "=x"(r) : "x"(x));
		break;
	default:
		FENCE(x); FENCE(y); FENCE(z);
		r = fmaf(x, y, z);
		FENCE(r);
		break;
	}
	return bits32(r);
}

static inline uint64_t sse_double(int op, uint64_t a, uint64_t b, uint64_t c)
{
	double x = f64(a), y = f64(b), z = f64(c), r;

	switch (op) {
	case A_ADD: SSE2("addsd", r, x, y); break;
	case A_SUB: SSE2("subsd", r, x, y); break;
	case A_MUL: SSE2("mulsd", r, x, y); break;
	case A_DIV: SSE2("divsd", r, x, y); break;
	case A_SQRT:
		__asm__ volatile("sqrtsd %1, %0" : "=x"(r) : "x"(x));
		break;
	default:
		FENCE(x); FENCE(y); FENCE(z);
		r = fma(x, y, z);
		FENCE(r);
		break;
	}
	return bits64(r);
}

/*
 * @op on raw operands of width @d under host rounding mode @rm (not RMM);
 * the exceptions raised go to *fl. MXCSR is loaded with clear flags first
 * (whatever host code left there does not leak in) and its rounding mode
 * reset after; the flags are left set, which host code never reads.
 */
__attribute__((noinline))
static uint64_t host_op(int op, int d, uint64_t a, uint64_t b, uint64_t c,
			int rm, unsigned *fl)
{
	unsigned m;
	uint64_t r;

	mxcsr_set(MXCSR_DEFAULT | mxcsr_rc[rm]);
	r = d ? sse_double(op, a, b, c) : sse_single(op, a, b, c);
	m = mxcsr_get();
	if (rm != RM_RNE)
		mxcsr_set(MXCSR_DEFAULT);
	*fl = x86_flags(m);
	return r;
}

/*
 * RMM on the slow path, from the RNE result n (finite, inexact) and the
 * RTZ result z. If n != z, RNE rounded away from zero: the exact value was
 * at or beyond the midpoint, and RMM rounds away too. If n == z, the exact
 * value was below the midpoint m between n and its successor away from
 * zero, or on it; RMM takes the successor exactly when the exact value is
 * m. That test runs in binary128 (tie_exact): products of doubles are
 * exact there; sums are exact or too far from any midpoint to be mistaken
 * for one; a quotient a/b differs from a 54-bit midpoint by a relative
 * 2^-107 or more unless equal (a - mb is a multiple of the smaller unit),
 * and binary128 rounds within 2^-113; fused sums carry their exact TwoSum
 * error. Square roots are never ties: a (p+1)-bit midpoint squares to more
 * than p bits. The flags of n hold for the RMM result: on a tie both are
 * inexact, neither overflows (the largest finite value is odd, so RNE
 * already rounds that tie away), and a subnormal midpoint is exact at
 * unbounded exponent and below the normal range, so both are tiny.
 */
typedef __float128 quad;

static quad to_quad(uint64_t b, int d)
{
	return d ? (quad)f64(b) : (quad)f32(b);
}

/* Is the exact value of @op on a, b, c (width @d) equal to @mid? Runs
 * in round-to-nearest, which TwoSum needs (MXCSR is back at default). */
static int tie_exact(int op, int d, uint64_t a, uint64_t b, uint64_t c,
		     quad mid)
{
	quad x = to_quad(a, d), y = to_quad(b, d), z = to_quad(c, d);
	quad sum, bv, err;

	FENCE(mid);
	switch (op) {
	case A_ADD: return x + y == mid;
	case A_SUB: return x - y == mid;
	case A_MUL: return x * y == mid;
	case A_DIV: return x / y == mid;
	case A_FMA:
		x *= y;
		sum = x + z;
		bv = sum - x;
		err = (x - (sum - bv)) + (z - bv);
		/* sum - mid is exact when sum is near mid (Sterbenz); when it
		 * is not, it is far larger than err. */
		return (sum - mid) + err == 0;
	default:
		return 0;
	}
}

static uint64_t rmm_fix(int op, int d, uint64_t a, uint64_t b, uint64_t c,
			uint64_t n)
{
	unsigned fl;
	uint64_t away = n + 1;    /* next magnitude, same sign */
	quad mid;

	if (op == A_SQRT || host_op(op, d, a, b, c, RM_RTZ, &fl) != n)
		return n;
	mid = (to_quad(n, d) + to_quad(away, d)) / 2;
	return tie_exact(op, d, a, b, c, mid) ? away : n;
}

/*
 * A rounding operation with RISC-V's results: @op on operands of width @d
 * in guest rounding mode @rm; flags ORed into *fl.
 */
static ALWAYS_INLINE uint64_t rv_arith(int op, int d, uint64_t a, uint64_t b,
				       uint64_t c, int rm, unsigned *fl)
{
	unsigned f;
	uint64_t r;

	if (d ? fast_double(op, a, b, c, rm, &r, fl) :
		fast_single(op, a, b, c, rm, &r, fl))
		return r;
	r = host_op(op, d, a, b, c, rm == RM_RMM ? RM_RNE : rm, &f);
	if (is_nan(r, d))
		r = fmts[d].canon;
	else if (rm == RM_RMM && (f & VCPU_FFLAG_NX) && !is_inf(r, d))
		r = rmm_fix(op, d, a, b, c, r);
	*fl |= f;
	return r;
}

/* ---- Operations ------------------------------------------------------- */

/* FMADD/FMSUB/FNMSUB/FNMADD as fma(+-a, b, +-c): @flip bit 0 negates the
 * product, bit 1 the addend; negating an operand is exact, so the single
 * rounding happens on exactly the value the spec names. */
static ALWAYS_INLINE void fma_op(struct vcpu_state *s,
				 const struct vcpu_insn *in, int d, int flip,
				 int rm, unsigned *fl)
{
	uint64_t a = freg(s, in->rs1, d), b = freg(s, in->rs2, d);
	uint64_t c = freg(s, in->rs3, d);

	if ((is_inf(a, d) && is_zero(b, d)) || (is_zero(a, d) && is_inf(b, d)))
		*fl |= VCPU_FFLAG_NV;
	if (flip & 1)
		a ^= fmts[d].sign;
	if (flip & 2)
		c ^= fmts[d].sign;
	set_f(s, in->rd, d, rv_arith(A_FMA, d, a, b, c, rm, fl));
}

/* FSGNJ (kind 0), FSGNJN (1), FSGNJX (2): bit operations, no flags. */
static uint64_t sign_inject(uint64_t a, uint64_t b, int d, int kind)
{
	uint64_t sign = fmts[d].sign;
	uint64_t sb = kind == 0 ? b : kind == 1 ? ~b : a ^ b;

	return (a & ~sign) | (sb & sign);
}

/* A totally ordered integer key of a non-NaN value: -0 and +0 equal. */
static inline int64_t order_key(uint64_t b, int d)
{
	int64_t mag = (int64_t)(b & ~fmts[d].sign);

	return b & fmts[d].sign ? -mag : mag;
}

/* FMIN/FMAX: minimumNumber/maximumNumber of the 2.2 spec; -0 < +0. */
static uint64_t min_max(uint64_t a, uint64_t b, int d, int is_max,
			unsigned *fl)
{
	int64_t ka, kb;

	if (is_snan(a, d) || is_snan(b, d))
		*fl |= VCPU_FFLAG_NV;
	if (is_nan(a, d))
		return is_nan(b, d) ? fmts[d].canon : b;
	if (is_nan(b, d))
		return a;
	ka = order_key(a, d);
	kb = order_key(b, d);
	if (ka == kb)    /* equal, or zeros of either sign */
		return (!!(a & fmts[d].sign) ^ is_max) ? a : b;
	return (ka < kb) ^ is_max ? a : b;
}

/* FEQ (kind 2, quiet), FLT (1) and FLE (0), signalling: the funct3. */
static uint64_t compare(uint64_t a, uint64_t b, int d, int kind, unsigned *fl)
{
	int64_t ka, kb;

	if (is_nan(a, d) || is_nan(b, d)) {
		if (kind != 2 || is_snan(a, d) || is_snan(b, d))
			*fl |= VCPU_FFLAG_NV;
		return 0;
	}
	ka = order_key(a, d);
	kb = order_key(b, d);
	return kind == 2 ? ka == kb : kind == 1 ? ka < kb : ka <= kb;
}

/* FCLASS: one of ten bits. */
static uint64_t classify(uint64_t b, int d)
{
	const struct fpu_fmt *f = &fmts[d];
	int neg = !!(b & f->sign);

	if (is_nan(b, d))
		return is_snan(b, d) ? 1u << 8 : 1u << 9;
	if (is_inf(b, d))
		return neg ? 1u << 0 : 1u << 7;
	if (is_zero(b, d))
		return neg ? 1u << 3 : 1u << 4;
	if (!(b & f->exp))
		return neg ? 1u << 2 : 1u << 5;
	return neg ? 1u << 1 : 1u << 6;
}

/* ---- Dispatch ----------------------------------------------------------- */

/* Every op has its own handler, generated from the table below with its
 * variant (arith op, sign-injection kind, FMA sign flips, conversion type:
 * the rs2 or funct3 field) and width (0 single, 1 double) as constants. */
typedef void fpu_fn(struct vcpu_state *s, const struct vcpu_insn *in, int rm,
		    unsigned *fl);

#define RS1(d) freg(s, in->rs1, d)
#define RS2(d) freg(s, in->rs2, d)
#define H_ARITH(n, v, d) \
	set_f(s, in->rd, d, rv_arith(v, d, RS1(d), RS2(d), 0, rm, fl))
#define H_FMA(n, v, d) fma_op(s, in, d, v, rm, fl)
#define H_SGNJ(n, v, d) set_f(s, in->rd, d, sign_inject(RS1(d), RS2(d), d, v))
#define H_MINMAX(n, v, d) set_f(s, in->rd, d, min_max(RS1(d), RS2(d), d, v, fl))
#define H_CMP(n, v, d) set_x(s, in->rd, compare(RS1(d), RS2(d), d, v, fl))
#define H_CLASS(n, v, d) set_x(s, in->rd, classify(RS1(d), d))
#define H_TOINT(n, v, d) set_x(s, in->rd, to_int(RS1(d), d, v, rm, fl))
#define H_FROMINT(n, v, d) \
	set_f(s, in->rd, d, from_int(s->x[in->rs1], v, d, rm, fl))
#define H_NARROW(n, v, d) set_f(s, in->rd, 0, narrow(RS1(1), rm, fl))
#define H_WIDEN(n, v, d) set_f(s, in->rd, 1, widen(RS1(0), fl))
/* FMV.X.W moves raw bits, boxed or not, sign-extended. */
#define H_MVXF(n, v, d) set_x(s, in->rd, d ? s->f[in->rs1] : \
	(uint64_t)(int64_t)(int32_t)(uint32_t)s->f[in->rs1])
#define H_MVFX(n, v, d) set_f(s, in->rd, d, s->x[in->rs1])

/* name, kind, variant, width, has a rounding-mode field */
#define FPU_OPS(X) \
	X(FADD_S, ARITH, A_ADD, 0, 1) X(FADD_D, ARITH, A_ADD, 1, 1) \
	X(FSUB_S, ARITH, A_SUB, 0, 1) X(FSUB_D, ARITH, A_SUB, 1, 1) \
	X(FMUL_S, ARITH, A_MUL, 0, 1) X(FMUL_D, ARITH, A_MUL, 1, 1) \
	X(FDIV_S, ARITH, A_DIV, 0, 1) X(FDIV_D, ARITH, A_DIV, 1, 1) \
	X(FSQRT_S, ARITH, A_SQRT, 0, 1) X(FSQRT_D, ARITH, A_SQRT, 1, 1) \
	X(FMADD_S, FMA, 0, 0, 1) X(FMADD_D, FMA, 0, 1, 1) \
	X(FNMSUB_S, FMA, 1, 0, 1) X(FNMSUB_D, FMA, 1, 1, 1) \
	X(FMSUB_S, FMA, 2, 0, 1) X(FMSUB_D, FMA, 2, 1, 1) \
	X(FNMADD_S, FMA, 3, 0, 1) X(FNMADD_D, FMA, 3, 1, 1) \
	X(FSGNJ_S, SGNJ, 0, 0, 0) X(FSGNJ_D, SGNJ, 0, 1, 0) \
	X(FSGNJN_S, SGNJ, 1, 0, 0) X(FSGNJN_D, SGNJ, 1, 1, 0) \
	X(FSGNJX_S, SGNJ, 2, 0, 0) X(FSGNJX_D, SGNJ, 2, 1, 0) \
	X(FMIN_S, MINMAX, 0, 0, 0) X(FMIN_D, MINMAX, 0, 1, 0) \
	X(FMAX_S, MINMAX, 1, 0, 0) X(FMAX_D, MINMAX, 1, 1, 0) \
	X(FLE_S, CMP, 0, 0, 0) X(FLE_D, CMP, 0, 1, 0) \
	X(FLT_S, CMP, 1, 0, 0) X(FLT_D, CMP, 1, 1, 0) \
	X(FEQ_S, CMP, 2, 0, 0) X(FEQ_D, CMP, 2, 1, 0) \
	X(FCLASS_S, CLASS, 0, 0, 0) X(FCLASS_D, CLASS, 0, 1, 0) \
	X(FCVT_W_S, TOINT, 0, 0, 1) X(FCVT_W_D, TOINT, 0, 1, 1) \
	X(FCVT_WU_S, TOINT, 1, 0, 1) X(FCVT_WU_D, TOINT, 1, 1, 1) \
	X(FCVT_L_S, TOINT, 2, 0, 1) X(FCVT_L_D, TOINT, 2, 1, 1) \
	X(FCVT_LU_S, TOINT, 3, 0, 1) X(FCVT_LU_D, TOINT, 3, 1, 1) \
	X(FCVT_S_W, FROMINT, 0, 0, 1) X(FCVT_D_W, FROMINT, 0, 1, 1) \
	X(FCVT_S_WU, FROMINT, 1, 0, 1) X(FCVT_D_WU, FROMINT, 1, 1, 1) \
	X(FCVT_S_L, FROMINT, 2, 0, 1) X(FCVT_D_L, FROMINT, 2, 1, 1) \
	X(FCVT_S_LU, FROMINT, 3, 0, 1) X(FCVT_D_LU, FROMINT, 3, 1, 1) \
	X(FCVT_S_D, NARROW, 0, 0, 1) X(FCVT_D_S, WIDEN, 0, 1, 1) \
	X(FMV_X_W, MVXF, 0, 0, 0) X(FMV_X_D, MVXF, 0, 1, 0) \
	X(FMV_W_X, MVFX, 0, 0, 0) X(FMV_D_X, MVFX, 0, 1, 0)

#define FPU_HANDLER(name, kind, v, d, r) \
	static void h_##name(struct vcpu_state *s, const struct vcpu_insn *in, \
			     int rm, unsigned *fl) \
	{ \
		H_##kind(name, v, d); \
	}
FPU_OPS(FPU_HANDLER)

static const struct op_entry {
	fpu_fn *fn;
	int has_rm;
} op_table[VCPU_OP__COUNT] = {
#define FPU_ENTRY(name, kind, v, d, r) [VCPU_OP_##name] = { h_##name, r },
	FPU_OPS(FPU_ENTRY)
#undef FPU_ENTRY
};

int vcpu_fpu_op_has_rm(enum vcpu_op op)
{
	return (unsigned)op < VCPU_OP__COUNT && op_table[op].has_rm;
}

int vcpu_fpu_exec(struct vcpu_state *s, const struct vcpu_insn *in)
{
	const struct op_entry *e;
	unsigned fl = 0;
	int rm = 0;

	if (in->op >= VCPU_OP__COUNT || !op_table[in->op].fn)
		return -EINVAL;
	e = &op_table[in->op];
	if (e->has_rm) {
		rm = in->rm == RM_DYN ? (int)(s->fcsr >> 5 & 7) : in->rm;
		if (rm > RM_RMM)
			return -EINVAL;
	}
	e->fn(s, in, rm, &fl);
	s->fcsr |= fl;
	return 0;
}
