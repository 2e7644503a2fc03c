/* SPDX-License-Identifier: MIT */
/*
 * F and D arithmetic on the host's SSE unit, fixed up to RISC-V rules.
 *
 * Rounding operations (add, sub, mul, div, sqrt, fused multiply-add and
 * double-to-single narrowing) run as single SSE instructions under MXCSR
 * loaded with the guest's rounding mode and cleared flags; the flags are
 * read back from MXCSR. SSE and RISC-V agree on everything IEEE 754 leaves
 * open that matters here: tininess is detected after rounding (Intel SDM
 * vol. 1, 11.5.2.5: "the magnitude of the rounded result ... with unbounded
 * exponent") and, with underflow masked, UE is set only when the result is
 * also inexact (4.9.1.5), as RISC-V requires. What remains is RISC-V's own:
 *
 *  - every NaN result is the canonical NaN (SSE propagates payloads);
 *  - inf * 0 + qNaN raises NV (IEEE leaves it open; x86 does not raise);
 *  - singles are NaN-boxed, badly boxed operands read as the canonical NaN;
 *  - round to nearest, ties to max magnitude (RMM), which SSE lacks.
 *
 * RMM from two host results. Let n be the result under RNE and z under
 * RTZ. If n is exact, it is the RMM result. If n != z, RNE rounded away
 * from zero, so the exact value lay at or beyond the midpoint and RMM
 * rounds away too: RMM = n. If n == z and n is inexact, the exact value lay
 * below the midpoint m between n and its successor away from zero, or on
 * it: RMM = successor exactly when the operation's exact value equals m.
 * That tie test (tie_exact) is done in binary128, where products of two
 * doubles are exact, sums are exact or too far from any midpoint to be
 * mistaken for one, quotients are at relative distance >= 2^-107 from any
 * 54-bit midpoint unless equal (a/b - m = (a - mb)/b and a - mb is a
 * multiple of the smaller exponent's unit) while binary128 rounds within
 * 2^-113, and fused sums carry their exact TwoSum error. Square roots are
 * never ties: a (p+1)-bit midpoint squares to more than p bits. The flags
 * of n hold for the RMM result: on a tie both are inexact, neither
 * overflows (the largest finite value is odd, so RNE already rounds its
 * tie away), and a value on a subnormal midpoint is exact at unbounded
 * exponent and below the normal range, so both are tiny.
 *
 * Compiler discipline: gcc assumes the default floating-point environment
 * (no -frounding-math; the pragma STDC FENV_ACCESS is ignored), so it may
 * constant-fold, move or duplicate plain C FP operations. Every operation
 * that must see the guest's MXCSR is therefore an `asm volatile` SSE
 * instruction, ordered with the `asm volatile` MXCSR accesses around it;
 * the one libm call (fma) is pinned between two asm barriers on its
 * operands and result. Everything else here works on integer bit patterns
 * or is exact (libm rounding to integral, widening), so it is unaffected by
 * where the compiler places it.
 *
 * MXCSR is left at 0x1f80 (the ABI default) after every operation, so
 * the common case, round-to-nearest with no flag raised, costs no LDMXCSR.
 */
#include "vcpu/fpu.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#if !defined(__x86_64__)
#error "vcpu/fpu.c computes on SSE and MXCSR: x86-64 hosts only"
#endif

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN = 7 };

/* Rounding operations done on the host. */
enum arith { A_ADD, A_SUB, A_MUL, A_DIV, A_SQRT, A_FMA, A_NARROW };

/* What an op is, for the dispatch. */
enum kind {
	K_NONE, K_ARITH, K_FMA, K_SQRT, K_SGNJ, K_MINMAX, K_CMP, K_CLASS,
	K_TOINT, K_FROMINT, K_NARROW, K_WIDEN, K_MVXF, K_MVFX,
};

/* An op's kind, its variant (arith op, sign-injection kind, FMA sign
 * flips, conversion type...), width (0 single, 1 double), rm field. */
struct op_info {
	uint8_t kind, arg, d, rm;
};

#define MXCSR_DEFAULT 0x1f80u
#define BOX_HI 0xffffffff00000000ull

/* Format constants, indexed by d (0 single, 1 double). */
static const struct fpu_fmt {
	uint64_t sign, exp, man, quiet, canon;
	int man_bits, bias;
} fmts[2] = {
	{ 0x80000000u, 0x7f800000u, 0x007fffffu, 0x00400000u, 0x7fc00000u,
	  23, 127 },
	{ 1ull << 63, 0x7ff0000000000000ull, 0x000fffffffffffffull,
	  0x0008000000000000ull, 0x7ff8000000000000ull, 52, 1023 },
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

/* ---- The host SSE unit ------------------------------------------------ */

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
	double w = f64(a);

	switch (op) {
	case A_ADD: SSE2("addss", r, x, y); break;
	case A_SUB: SSE2("subss", r, x, y); break;
	case A_MUL: SSE2("mulss", r, x, y); break;
	case A_DIV: SSE2("divss", r, x, y); break;
	case A_SQRT: __asm__ volatile("sqrtss %1, %0" : "=x"(r) : "x"(x)); break;
	case A_NARROW:
		__asm__ volatile("cvtsd2ss %1, %0" : "=x"(r) : "x"(w));
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
	case A_SQRT: __asm__ volatile("sqrtsd %1, %0" : "=x"(r) : "x"(x)); break;
	default:
		FENCE(x); FENCE(y); FENCE(z);
		r = fma(x, y, z);
		FENCE(r);
		break;
	}
	return bits64(r);
}

/*
 * @op on raw operands a, b, c under host rounding mode @rm (not RMM),
 * giving a result of width @d; the exceptions raised go to *fl.
 */
static uint64_t host_op(int op, int d, uint64_t a, uint64_t b, uint64_t c,
			int rm, unsigned *fl)
{
	unsigned want = MXCSR_DEFAULT | mxcsr_rc[rm], m;
	uint64_t r;

	if (mxcsr_get() != want)
		mxcsr_set(want);
	r = d ? sse_double(op, a, b, c) : sse_single(op, a, b, c);
	m = mxcsr_get();
	if (m != MXCSR_DEFAULT)
		mxcsr_set(MXCSR_DEFAULT);
	*fl = x86_flags(m);
	return r;
}

/* ---- RMM ---------------------------------------------------------------- */

typedef __float128 quad;

/* A value of width @d as binary128: exact. */
static quad to_quad(uint64_t b, int d)
{
	return d ? (quad)f64(b) : (quad)f32(b);
}

/*
 * Is the exact value of @op on a, b, c (width @din) equal to @mid? Runs in
 * round-to-nearest (MXCSR is at its default), which TwoSum needs.
 */
static int tie_exact(int op, int din, uint64_t a, uint64_t b, uint64_t c,
		     quad mid)
{
	quad x = to_quad(a, din), y = to_quad(b, din), z = to_quad(c, din);
	quad sum, bv, err;

	FENCE(mid);
	switch (op) {
	case A_ADD: return x + y == mid;
	case A_SUB: return x - y == mid;
	case A_MUL: return x * y == mid;
	case A_DIV: return x / y == mid;
	case A_NARROW: return x == mid;
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

/* The RMM result from the RNE result @n (finite, inexact), see above. */
static uint64_t rmm_fix(int op, int d, int din, uint64_t a, uint64_t b,
			uint64_t c, uint64_t n)
{
	unsigned fl;
	uint64_t away = n + 1;    /* next magnitude, same sign */
	quad mid;

	if (op == A_SQRT || host_op(op, d, a, b, c, RM_RTZ, &fl) != n)
		return n;
	mid = (to_quad(n, d) + to_quad(away, d)) / 2;
	return tie_exact(op, din, a, b, c, mid) ? away : n;
}

/*
 * A rounding operation with RISC-V's results: @op on operands of width
 * @din giving width @d, in guest rounding mode @rm; flags ORed into *fl.
 */
static uint64_t rv_arith(int op, int d, int din, uint64_t a, uint64_t b,
			 uint64_t c, int rm, unsigned *fl)
{
	unsigned f;
	uint64_t r = host_op(op, d, a, b, c, rm == RM_RMM ? RM_RNE : rm, &f);

	if (is_nan(r, d))
		r = fmts[d].canon;
	else if (rm == RM_RMM && (f & VCPU_FFLAG_NX) && !is_inf(r, d))
		r = rmm_fix(op, d, din, a, b, c, r);
	*fl |= f;
	return r;
}

/* ---- Operations ------------------------------------------------------- */

/* FMADD/FMSUB/FNMSUB/FNMADD as fma(+-a, b, +-c): @flip bit 0 negates the
 * product, bit 1 the addend; negating an operand is exact, so the single
 * rounding happens on exactly the value the spec names. */
static void op_fma(struct vcpu_state *s, const struct vcpu_insn *in, int d,
		   int flip, int rm, unsigned *fl)
{
	uint64_t a = freg(s, in->rs1, d), b = freg(s, in->rs2, d);
	uint64_t c = freg(s, in->rs3, d);

	if ((is_inf(a, d) && is_zero(b, d)) || (is_zero(a, d) && is_inf(b, d)))
		*fl |= VCPU_FFLAG_NV;
	if (flip & 1)
		a ^= fmts[d].sign;
	if (flip & 2)
		c ^= fmts[d].sign;
	set_f(s, in->rd, d, rv_arith(A_FMA, d, d, a, b, c, rm, fl));
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

/* Round @x to an integral value in mode @rm: exact. */
static double round_integral(double x, int rm)
{
	switch (rm) {
	case RM_RNE: return roundeven(x);
	case RM_RTZ: return trunc(x);
	case RM_RDN: return floor(x);
	case RM_RUP: return ceil(x);
	default: return round(x);
	}
}

/*
 * FCVT.{W,WU,L,LU}: @type is 0 W, 1 WU, 2 L, 3 LU (the rs2 field).
 * Out-of-range results, infinities and NaNs saturate with NV alone (NaN
 * and too-large to the maximum); an in-range inexact result raises NX.
 * A negative value that rounds to zero is in range for the unsigned ones.
 * W and WU results are sign-extended from 32 bits.
 */
static uint64_t to_int(uint64_t b, int d, int type, int rm, unsigned *fl)
{
	int is_signed = !(type & 1), bits = type & 2 ? 64 : 32;
	double lo = is_signed ? -ldexp(1, bits - 1) : 0;
	double hi = ldexp(1, is_signed ? bits - 1 : bits);  /* exclusive */
	uint64_t max = (is_signed ? ~0ull >> 1 : ~0ull) >> (64 - bits);
	uint64_t v;
	double x, r;

	if (is_nan(b, d)) {
		*fl |= VCPU_FFLAG_NV;
		v = max;
	} else {
		x = d ? f64(b) : (double)f32(b);
		r = round_integral(x, rm);
		if (r >= hi || r < lo) {
			*fl |= VCPU_FFLAG_NV;
			v = r >= hi ? max : is_signed ? ~max : 0;
		} else {
			if (r != x)
				*fl |= VCPU_FFLAG_NX;
			v = is_signed ? (uint64_t)(int64_t)r : (uint64_t)r;
		}
	}
	return bits == 32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* Does rounding away from the truncated magnitude win? @odd: truncated
 * magnitude's last bit; @rem, @half: discarded bits and half an ulp. */
static int round_up(int rm, int neg, int odd, uint64_t rem, uint64_t half)
{
	switch (rm) {
	case RM_RNE: return rem > half || (rem == half && odd);
	case RM_RTZ: return 0;
	case RM_RDN: return neg;
	case RM_RUP: return !neg;
	default: return rem >= half;
	}
}

/*
 * FCVT.{S,D}.{W,WU,L,LU}, in integer arithmetic: the magnitude @m with
 * sign @neg rounded to width @d in mode @rm. Only NX can arise (2^64 is
 * far below the single range's top); zero converts to +0.
 */
static uint64_t from_int(uint64_t m, int neg, int d, int rm, unsigned *fl)
{
	const struct fpu_fmt *f = &fmts[d];
	int p = f->man_bits + 1, e, sh;
	uint64_t sig = m, rem, half;

	if (!m)
		return 0;
	e = 63 - __builtin_clzll(m);
	if (e < p) {
		sig <<= p - 1 - e;
	} else {
		sh = e - p + 1;
		sig = m >> sh;
		rem = m & ((1ull << sh) - 1);
		half = 1ull << (sh - 1);
		if (rem) {
			*fl |= VCPU_FFLAG_NX;
			sig += round_up(rm, neg, (int)(sig & 1), rem, half);
			if (sig >> p) {
				sig >>= 1;
				e++;
			}
		}
	}
	return (neg ? f->sign : 0) | (uint64_t)(e + f->bias) << f->man_bits |
	       (sig & f->man);
}

/* The integer source of FCVT.{S,D}.@type as sign and magnitude. */
static uint64_t int_source(uint64_t x, int type, int *neg)
{
	int64_t v = type == 0 ? (int32_t)(uint32_t)x : (int64_t)x;

	switch (type) {
	case 0: case 2:
		*neg = v < 0;
		return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	case 1:
		*neg = 0;
		return (uint32_t)x;
	default:
		*neg = 0;
		return x;
	}
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

/* ---- Dispatch ----------------------------------------------------------- */

#define OP(name, k, a, dd, r) \
	[VCPU_OP_##name] = { K_##k, (a), (dd), (r) }
#define OPSD(name, k, a, r) OP(name##_S, k, a, 0, r), OP(name##_D, k, a, 1, r)

static const struct op_info op_table[VCPU_OP__COUNT] = {
	OPSD(FADD, ARITH, A_ADD, 1), OPSD(FSUB, ARITH, A_SUB, 1),
	OPSD(FMUL, ARITH, A_MUL, 1), OPSD(FDIV, ARITH, A_DIV, 1),
	OPSD(FSQRT, SQRT, A_SQRT, 1),
	OPSD(FMADD, FMA, 0, 1), OPSD(FNMSUB, FMA, 1, 1),
	OPSD(FMSUB, FMA, 2, 1), OPSD(FNMADD, FMA, 3, 1),
	OPSD(FSGNJ, SGNJ, 0, 0), OPSD(FSGNJN, SGNJ, 1, 0),
	OPSD(FSGNJX, SGNJ, 2, 0),
	OPSD(FMIN, MINMAX, 0, 0), OPSD(FMAX, MINMAX, 1, 0),
	OPSD(FLE, CMP, 0, 0), OPSD(FLT, CMP, 1, 0), OPSD(FEQ, CMP, 2, 0),
	OPSD(FCLASS, CLASS, 0, 0),
	OP(FCVT_W_S, TOINT, 0, 0, 1), OP(FCVT_WU_S, TOINT, 1, 0, 1),
	OP(FCVT_L_S, TOINT, 2, 0, 1), OP(FCVT_LU_S, TOINT, 3, 0, 1),
	OP(FCVT_W_D, TOINT, 0, 1, 1), OP(FCVT_WU_D, TOINT, 1, 1, 1),
	OP(FCVT_L_D, TOINT, 2, 1, 1), OP(FCVT_LU_D, TOINT, 3, 1, 1),
	OP(FCVT_S_W, FROMINT, 0, 0, 1), OP(FCVT_S_WU, FROMINT, 1, 0, 1),
	OP(FCVT_S_L, FROMINT, 2, 0, 1), OP(FCVT_S_LU, FROMINT, 3, 0, 1),
	OP(FCVT_D_W, FROMINT, 0, 1, 1), OP(FCVT_D_WU, FROMINT, 1, 1, 1),
	OP(FCVT_D_L, FROMINT, 2, 1, 1), OP(FCVT_D_LU, FROMINT, 3, 1, 1),
	OP(FCVT_S_D, NARROW, A_NARROW, 0, 1), OP(FCVT_D_S, WIDEN, 0, 1, 1),
	OP(FMV_X_W, MVXF, 0, 0, 0), OP(FMV_X_D, MVXF, 0, 1, 0),
	OP(FMV_W_X, MVFX, 0, 0, 0), OP(FMV_D_X, MVFX, 0, 1, 0),
};

int vcpu_fpu_op_has_rm(enum vcpu_op op)
{
	return (unsigned)op < VCPU_OP__COUNT && op_table[op].rm;
}

/* The ops that write f[rd] from f registers. */
static void exec_f(struct vcpu_state *s, const struct vcpu_insn *in,
		   const struct op_info *oi, int rm, unsigned *fl)
{
	int d = oi->d;
	uint64_t a = freg(s, in->rs1, d), b = freg(s, in->rs2, d), r;

	switch (oi->kind) {
	case K_ARITH:
	case K_SQRT:
		r = rv_arith(oi->arg, d, d, a, b, 0, rm, fl);
		break;
	case K_SGNJ:
		r = sign_inject(a, b, d, oi->arg);
		break;
	case K_MINMAX:
		r = min_max(a, b, d, oi->arg, fl);
		break;
	case K_NARROW:
		r = rv_arith(A_NARROW, 0, 1, s->f[in->rs1], 0, 0, rm, fl);
		break;
	default:
		r = widen(freg(s, in->rs1, 0), fl);
		break;
	}
	set_f(s, in->rd, d, r);
}

int vcpu_fpu_exec(struct vcpu_state *s, const struct vcpu_insn *in)
{
	const struct op_info *oi;
	unsigned fl = 0;
	int rm = 0, neg;
	uint64_t m;

	if (in->op >= VCPU_OP__COUNT || op_table[in->op].kind == K_NONE)
		return -EINVAL;
	oi = &op_table[in->op];
	if (oi->rm) {
		rm = in->rm == RM_DYN ? (int)(s->fcsr >> 5 & 7) : in->rm;
		if (rm > RM_RMM)
			return -EINVAL;
	}
	switch (oi->kind) {
	case K_FMA:
		op_fma(s, in, oi->d, oi->arg, rm, &fl);
		break;
	case K_CMP:
		set_x(s, in->rd, compare(freg(s, in->rs1, oi->d),
					 freg(s, in->rs2, oi->d), oi->d,
					 oi->arg, &fl));
		break;
	case K_CLASS:
		set_x(s, in->rd, classify(freg(s, in->rs1, oi->d), oi->d));
		break;
	case K_TOINT:
		set_x(s, in->rd, to_int(freg(s, in->rs1, oi->d), oi->d,
					oi->arg, rm, &fl));
		break;
	case K_FROMINT:
		m = int_source(s->x[in->rs1], oi->arg, &neg);
		set_f(s, in->rd, oi->d, from_int(m, neg, oi->d, rm, &fl));
		break;
	case K_MVXF:    /* raw bits: FMV.X.W ignores NaN boxing */
		set_x(s, in->rd, oi->d ? s->f[in->rs1] :
		      (uint64_t)(int64_t)(int32_t)(uint32_t)s->f[in->rs1]);
		break;
	case K_MVFX:
		set_f(s, in->rd, oi->d, s->x[in->rs1]);
		break;
	default:
		exec_f(s, in, oi, rm, &fl);
		break;
	}
	s->fcsr |= fl;
	return 0;
}
