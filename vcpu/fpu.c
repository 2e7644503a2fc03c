/* SPDX-License-Identifier: MIT */
/*
 * F and D arithmetic on the host's SSE unit, fixed up to RISC-V rules.
 *
 * The host computes every correctly rounded result under the guest's
 * rounding mode, loaded into MXCSR together with cleared flags; the flags
 * are read back from MXCSR. SSE and RISC-V agree on what IEEE 754 leaves
 * open (tininess is detected after rounding, UF only with NX), so the only
 * fix-ups are RISC-V's own rules: canonical NaNs instead of propagated
 * payloads, NaN boxing of singles, 2008-style min/max, saturating
 * conversions, and round-to-nearest-max-magnitude (RMM), which SSE lacks.
 *
 * RMM is derived from two host results: round-to-nearest-even (RNE) and
 * toward zero (RTZ). They differ only where RNE rounded away from zero, in
 * which case RMM agrees with RNE; where they are equal and inexact, RMM
 * differs only on an exact tie, which is detected with an error-free
 * transformation of the operation (TwoSum, the FMA residual of a product
 * or quotient, or the exact sum in a wider format for fused ops). Square
 * roots of binary floats are never exact ties.
 */
#include "vcpu/fpu.h"

#include <errno.h>
#include <math.h>
#include <string.h>

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN = 7 };
enum arith { A_ADD, A_SUB, A_MUL, A_DIV, A_SQRT, A_MADD, A_MSUB, A_NMSUB,
	     A_NMADD };

#define CANON_NAN_S 0x7fc00000u
#define CANON_NAN_D 0x7ff8000000000000ull
#define BOX_HI      0xffffffff00000000ull

/* Keep the compiler from moving an FP operation across an MXCSR access. */
#define FENCE_X(v) __asm__ volatile("" : "+x"(v))

static const unsigned mxcsr_round[5] = {
	[RM_RNE] = 0u << 13, [RM_RTZ] = 3u << 13, [RM_RDN] = 1u << 13,
	[RM_RUP] = 2u << 13, [RM_RMM] = 0u << 13,
};

static unsigned host_begin(int rm)
{
	unsigned old = __builtin_ia32_stmxcsr();

	__builtin_ia32_ldmxcsr((old & ~0x603fu) | mxcsr_round[rm]);
	return old;
}

/* Restore MXCSR and return the RISC-V flags the operation raised. */
static unsigned host_end(unsigned old)
{
	unsigned x = __builtin_ia32_stmxcsr();
	unsigned f = 0;

	__builtin_ia32_ldmxcsr(old);
	if (x & 0x01)
		f |= VCPU_FFLAG_NV;
	if (x & 0x04)
		f |= VCPU_FFLAG_DZ;
	if (x & 0x08)
		f |= VCPU_FFLAG_OF;
	if (x & 0x10)
		f |= VCPU_FFLAG_UF;
	if (x & 0x20)
		f |= VCPU_FFLAG_NX;
	return f;
}

static float f32_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static uint32_t bits32(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static double f64_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t bits64(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }

/* A single operand: improperly boxed values read as the canonical NaN. */
static uint32_t unbox(uint64_t r)
{
	return (r & BOX_HI) == BOX_HI ? (uint32_t)r : CANON_NAN_S;
}

static int snan32(uint32_t b)
{
	return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) &&
	       !(b & 0x00400000u);
}

static int snan64(uint64_t b)
{
	return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
	       (b & 0x000fffffffffffffull) && !(b & 0x0008000000000000ull);
}

/*
 * The arithmetic operations and their RMM tie tests, written once for
 * both widths. T is the type, F the libm suffix, W a wider type in which
 * the single-width fused sum is exact up to an error term.
 */
#define FPU_ARITH(T, F, W, NAME)                                             \
static T NAME##_op(int op, T a, T b, T c)                                    \
{                                                                            \
	switch (op) {                                                        \
	case A_ADD: return a + b;                                            \
	case A_SUB: return a - b;                                            \
	case A_MUL: return a * b;                                            \
	case A_DIV: return a / b;                                            \
	case A_SQRT: return sqrt##F(a);                                      \
	case A_MADD: return fma##F(a, b, c);                                 \
	case A_MSUB: return fma##F(a, b, -c);                                \
	case A_NMSUB: return fma##F(-a, b, c);                               \
	default: return fma##F(-a, b, -c);                                   \
	}                                                                    \
}                                                                            \
static T NAME##_run(int op, T a, T b, T c, int rm, unsigned *fl)             \
{                                                                            \
	unsigned old = host_begin(rm);                                       \
	T r;                                                                 \
	FENCE_X(a); FENCE_X(b); FENCE_X(c);                                  \
	r = NAME##_op(op, a, b, c);                                          \
	FENCE_X(r);                                                          \
	*fl = host_end(old);                                                 \
	return r;                                                            \
}                                                                            \
/* Is the exact result of @op the midpoint @mid (in W) of two T values?  \
 * Sums, products and quotients of T are exact in W, or (sums with a     \
 * large exponent gap) too far from any midpoint to be mistaken for one; \
 * fused sums carry their TwoSum error term. */                          \
static int NAME##_tie(int op, T a, T b, T c, W mid)                          \
{                                                                            \
	W p, cc, sum, err;                                                   \
	switch (op) {                                                        \
	case A_ADD: return (W)a + (W)b == mid;                               \
	case A_SUB: return (W)a - (W)b == mid;                               \
	case A_MUL: return (W)a * (W)b == mid;                               \
	case A_DIV: return (W)a / (W)b == mid;                               \
	case A_SQRT: return 0;                                               \
	default:                                                             \
		p = (W)a * (W)b;                                             \
		if (op == A_NMSUB || op == A_NMADD)                          \
			p = -p;                                              \
		cc = (op == A_MSUB || op == A_NMADD) ? -(W)c : (W)c;         \
		sum = p + cc;                                                \
		err = (p - (sum - (sum - p))) + (cc - (sum - p));            \
		return (sum - mid) + err == 0;                               \
	}                                                                    \
}                                                                            \
static T NAME##_arith(int op, T a, T b, T c, int rm, unsigned *fl)          \
{                                                                            \
	T r = NAME##_run(op, a, b, c, rm == RM_RMM ? RM_RNE : rm, fl), r1;   \
	unsigned f1;                                                         \
	if (rm != RM_RMM || !(*fl & VCPU_FFLAG_NX) || isinf(r) || isnan(r))  \
		return r;                                                    \
	r1 = NAME##_run(op, a, b, c, RM_RTZ, &f1);                           \
	if (r1 == r && signbit(r1) == signbit(r)) {                          \
		T away = nextafter##F(r, copysign##F((T)INFINITY, r));       \
		W mid = (W)r + ((W)away - (W)r) / 2;                         \
		if (NAME##_tie(op, a, b, c, mid))                            \
			r = away;                                            \
	}                                                                    \
	return r;                                                            \
}

FPU_ARITH(float, f, double, s32)
FPU_ARITH(double, , __float128, s64)

/* Map an arithmetic opcode to its operation and width (0 none, 1 S, 2 D). */
static int arith_of(unsigned op, int *width)
{
	static const struct { uint16_t s, d; } map[] = {
		[A_ADD] = { VCPU_OP_FADD_S, VCPU_OP_FADD_D },
		[A_SUB] = { VCPU_OP_FSUB_S, VCPU_OP_FSUB_D },
		[A_MUL] = { VCPU_OP_FMUL_S, VCPU_OP_FMUL_D },
		[A_DIV] = { VCPU_OP_FDIV_S, VCPU_OP_FDIV_D },
		[A_SQRT] = { VCPU_OP_FSQRT_S, VCPU_OP_FSQRT_D },
		[A_MADD] = { VCPU_OP_FMADD_S, VCPU_OP_FMADD_D },
		[A_MSUB] = { VCPU_OP_FMSUB_S, VCPU_OP_FMSUB_D },
		[A_NMSUB] = { VCPU_OP_FNMSUB_S, VCPU_OP_FNMSUB_D },
		[A_NMADD] = { VCPU_OP_FNMADD_S, VCPU_OP_FNMADD_D },
	};

	for (int i = 0; i < (int)(sizeof(map) / sizeof(map[0])); i++) {
		if (op == map[i].s || op == map[i].d) {
			*width = op == map[i].s ? 1 : 2;
			return i;
		}
	}
	*width = 0;
	return -1;
}

/* RISC-V raises NV for inf * 0 even when the addend is a quiet NaN; the
 * host need not. */
static int inf_times_zero(double a, double b)
{
	return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

static void exec_arith(struct vcpu_state *s, const struct vcpu_insn *in,
		       int aop, int width, int rm, unsigned *fl)
{
	if (width == 1) {
		float a = f32_of(unbox(s->f[in->rs1]));
		float b = f32_of(unbox(s->f[in->rs2]));
		float c = f32_of(unbox(s->f[in->rs3]));
		float r = s32_arith(aop, a, b, c, rm, fl);

		if (aop >= A_MADD && inf_times_zero(a, b))
			*fl |= VCPU_FFLAG_NV;
		s->f[in->rd] = vcpu_fpu_box32(isnan(r) ? CANON_NAN_S : bits32(r));
	} else {
		double a = f64_of(s->f[in->rs1]);
		double b = f64_of(s->f[in->rs2]);
		double c = f64_of(s->f[in->rs3]);
		double r = s64_arith(aop, a, b, c, rm, fl);

		if (aop >= A_MADD && inf_times_zero(a, b))
			*fl |= VCPU_FFLAG_NV;
		s->f[in->rd] = isnan(r) ? CANON_NAN_D : bits64(r);
	}
}

/* Round @x to an integral value in mode @rm; exact, touches no flags. */
static double round_int(double x, int rm)
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
 * Float to integer of @bits (32 or 64), saturating as RISC-V specifies:
 * NaN and too-large values give the maximum, too-small the minimum, with
 * NV; an inexact in-range result raises NX. W results are sign-extended.
 */
static uint64_t to_int(double x, int rm, int bits, int is_signed,
		       unsigned *fl)
{
	double lo = is_signed ? -ldexp(1, bits - 1) : 0;
	double hi = ldexp(1, is_signed ? bits - 1 : bits);  /* exclusive */
	uint64_t max = is_signed ? (1ull << (bits - 1)) - 1 :
			 (bits == 64 ? ~0ull : (1ull << bits) - 1);
	uint64_t min = is_signed ? (uint64_t)-(int64_t)(max) - 1 : 0;
	double r;
	uint64_t v;

	if (isnan(x)) {
		*fl |= VCPU_FFLAG_NV;
		v = max;
	} else if ((r = round_int(x, rm)) >= hi) {
		*fl |= VCPU_FFLAG_NV;
		v = max;
	} else if (r < lo) {
		*fl |= VCPU_FFLAG_NV;
		v = min;
	} else {
		if (r != x)
			*fl |= VCPU_FFLAG_NX;
		v = is_signed ? (uint64_t)(int64_t)r : (uint64_t)r;
	}
	return bits == 32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* Integer @v (signed if @is_signed) to float (width 1) or double (2). */
static uint64_t from_int_rm(uint64_t v, int is_signed, int width, int rm,
			    unsigned *fl)
{
	unsigned old = host_begin(rm);
	double d = 0;
	float f = 0;

	if (width == 1) {
		f = is_signed ? (float)(int64_t)v : (float)v;
		FENCE_X(f);
	} else {
		d = is_signed ? (double)(int64_t)v : (double)v;
		FENCE_X(d);
	}
	*fl = host_end(old);
	return width == 1 ? bits32(f) : bits64(d);
}

static uint64_t from_int(uint64_t v, int is_signed, int width, int rm,
			 unsigned *fl)
{
	uint64_t r = from_int_rm(v, is_signed, width, rm == RM_RMM ? RM_RNE : rm,
				 fl);
	unsigned f1;
	__int128 exact = is_signed ? (__int128)(int64_t)v : (__int128)v;
	__int128 lo, hi;

	if (rm != RM_RMM || !(*fl & VCPU_FFLAG_NX) ||
	    from_int_rm(v, is_signed, width, RM_RTZ, &f1) != r)
		return r;
	/* RNE went toward zero: move away on an exact tie. */
	if (width == 1) {
		float a = f32_of((uint32_t)r);
		float b = nextafterf(a, copysignf(INFINITY, a));

		lo = (__int128)a;
		hi = (__int128)b;
		if (2 * (exact - lo) == hi - lo)
			return bits32(b);
	} else {
		double a = f64_of(r);
		double b = nextafter(a, copysign(INFINITY, a));

		lo = (__int128)a;
		hi = (__int128)b;
		if (2 * (exact - lo) == hi - lo)
			return bits64(b);
	}
	return r;
}

/* Double to single with rounding mode @rm; NaNs become canonical. */
static uint32_t narrow(uint64_t db, int rm, unsigned *fl)
{
	double d = f64_of(db);
	unsigned old, f1;
	float r, r1;

	if (isnan(d)) {
		*fl = snan64(db) ? VCPU_FFLAG_NV : 0;
		return CANON_NAN_S;
	}
	old = host_begin(rm == RM_RMM ? RM_RNE : rm);
	FENCE_X(d);
	r = (float)d;
	FENCE_X(r);
	*fl = host_end(old);
	if (rm != RM_RMM || !(*fl & VCPU_FFLAG_NX) || isinf(r))
		return bits32(r);
	old = host_begin(RM_RTZ);
	r1 = (float)d;
	FENCE_X(r1);
	f1 = host_end(old);
	(void)f1;
	if (r1 == r) {
		float away = nextafterf(r, copysignf(INFINITY, r));

		if ((double)r + ((double)away - (double)r) / 2 == d)
			return bits32(away);
	}
	return bits32(r);
}

/* The ten FCLASS classes, from the operand's bits. */
static uint64_t classify(uint64_t b, int width)
{
	int neg = width == 1 ? (int)(b >> 31) & 1 : (int)(b >> 63);
	uint64_t exp = width == 1 ? (b >> 23) & 0xff : (b >> 52) & 0x7ff;
	uint64_t man = width == 1 ? b & 0x7fffff : b & 0xfffffffffffffull;
	uint64_t emax = width == 1 ? 0xff : 0x7ff;
	int snan = width == 1 ? snan32((uint32_t)b) : snan64(b);

	if (exp == emax && man)
		return snan ? 1u << 8 : 1u << 9;
	if (exp == emax)
		return neg ? 1u << 0 : 1u << 7;
	if (exp == 0 && man == 0)
		return neg ? 1u << 3 : 1u << 4;
	if (exp == 0)
		return neg ? 1u << 2 : 1u << 5;
	return neg ? 1u << 1 : 1u << 6;
}

/* An operand as a double (singles widen exactly) and its sNaN-ness. */
static double operand(const struct vcpu_state *s, unsigned reg, int width,
		      int *snan)
{
	if (width == 1) {
		uint32_t b = unbox(s->f[reg]);

		*snan = snan32(b);
		return f32_of(b);
	}
	*snan = snan64(s->f[reg]);
	return f64_of(s->f[reg]);
}

/* FMIN/FMAX (IEEE 754-2008 minNum/maxNum as amended by RISC-V 2.2). */
static uint64_t minmax(const struct vcpu_state *s, const struct vcpu_insn *in,
		       int width, int is_max, unsigned *fl)
{
	int sa, sb;
	double a = operand(s, in->rs1, width, &sa);
	double b = operand(s, in->rs2, width, &sb);
	uint64_t ra = width == 1 ? unbox(s->f[in->rs1]) : s->f[in->rs1];
	uint64_t rb = width == 1 ? unbox(s->f[in->rs2]) : s->f[in->rs2];
	int pick_a;

	if (sa || sb)
		*fl |= VCPU_FFLAG_NV;
	if (isnan(a) && isnan(b))
		return width == 1 ? CANON_NAN_S : CANON_NAN_D;
	if (isnan(a) || isnan(b))
		return isnan(a) ? rb : ra;
	if (a == b)  /* equal values: only zeros' signs can differ */
		pick_a = is_max ? !signbit(a) : !!signbit(a);
	else
		pick_a = is_max ? a > b : a < b;
	return pick_a ? ra : rb;
}

/* FEQ (quiet), FLT and FLE (signalling). */
static uint64_t compare(const struct vcpu_state *s, const struct vcpu_insn *in,
			int width, int kind, unsigned *fl)
{
	int sa, sb;
	double a = operand(s, in->rs1, width, &sa);
	double b = operand(s, in->rs2, width, &sb);

	if (isnan(a) || isnan(b)) {
		if (kind != 0 || sa || sb)
			*fl |= VCPU_FFLAG_NV;
		return 0;
	}
	return kind == 0 ? a == b : kind == 1 ? a < b : a <= b;
}

/* FSGNJ, FSGNJN, FSGNJX on raw bits. */
static uint64_t sign_inject(const struct vcpu_state *s,
			    const struct vcpu_insn *in, int width, int kind)
{
	uint64_t sign = width == 1 ? 1ull << 31 : 1ull << 63;
	uint64_t a = width == 1 ? unbox(s->f[in->rs1]) : s->f[in->rs1];
	uint64_t b = width == 1 ? unbox(s->f[in->rs2]) : s->f[in->rs2];
	uint64_t sb = kind == 0 ? b & sign : kind == 1 ? ~b & sign :
		      (a ^ b) & sign;
	uint64_t r = (a & ~sign) | sb;

	return width == 1 ? vcpu_fpu_box32((uint32_t)r) : r;
}

static void set_x(struct vcpu_state *s, unsigned rd, uint64_t v)
{
	if (rd)
		s->x[rd] = v;
}

/* Conversions, moves, compares and classification: everything that is
 * not plain arithmetic. Returns -EINVAL for an op this unit does not own. */
static int exec_other(struct vcpu_state *s, const struct vcpu_insn *in,
		      int rm, unsigned *fl)
{
	uint64_t *fd = &s->f[in->rd];
	uint64_t x1 = s->x[in->rs1];
	int sn;

	switch (in->op) {
	case VCPU_OP_FCVT_W_S: case VCPU_OP_FCVT_WU_S:
	case VCPU_OP_FCVT_L_S: case VCPU_OP_FCVT_LU_S:
	case VCPU_OP_FCVT_W_D: case VCPU_OP_FCVT_WU_D:
	case VCPU_OP_FCVT_L_D: case VCPU_OP_FCVT_LU_D: {
		int d = in->op >= VCPU_OP_FCVT_W_D;
		int k = in->op - (d ? VCPU_OP_FCVT_W_D : VCPU_OP_FCVT_W_S);
		double v = operand(s, in->rs1, d ? 2 : 1, &sn);

		set_x(s, in->rd, to_int(v, rm, k < 2 ? 32 : 64, !(k & 1), fl));
		return 0;
	}
	case VCPU_OP_FCVT_S_W: *fd = vcpu_fpu_box32((uint32_t)from_int(
		(uint64_t)(int64_t)(int32_t)x1, 1, 1, rm, fl)); return 0;
	case VCPU_OP_FCVT_S_WU: *fd = vcpu_fpu_box32((uint32_t)from_int(
		(uint32_t)x1, 0, 1, rm, fl)); return 0;
	case VCPU_OP_FCVT_S_L: *fd = vcpu_fpu_box32((uint32_t)from_int(
		x1, 1, 1, rm, fl)); return 0;
	case VCPU_OP_FCVT_S_LU: *fd = vcpu_fpu_box32((uint32_t)from_int(
		x1, 0, 1, rm, fl)); return 0;
	case VCPU_OP_FCVT_D_W:
		*fd = from_int((uint64_t)(int64_t)(int32_t)x1, 1, 2, rm, fl);
		return 0;
	case VCPU_OP_FCVT_D_WU: *fd = from_int((uint32_t)x1, 0, 2, rm, fl);
		return 0;
	case VCPU_OP_FCVT_D_L: *fd = from_int(x1, 1, 2, rm, fl); return 0;
	case VCPU_OP_FCVT_D_LU: *fd = from_int(x1, 0, 2, rm, fl); return 0;
	case VCPU_OP_FCVT_S_D:
		*fd = vcpu_fpu_box32(narrow(s->f[in->rs1], rm, fl));
		return 0;
	case VCPU_OP_FCVT_D_S: {
		double v = operand(s, in->rs1, 1, &sn);

		if (sn)
			*fl |= VCPU_FFLAG_NV;
		*fd = isnan(v) ? CANON_NAN_D : bits64(v);
		return 0;
	}
	case VCPU_OP_FMV_X_W:
		set_x(s, in->rd, (uint64_t)(int64_t)(int32_t)s->f[in->rs1]);
		return 0;
	case VCPU_OP_FMV_W_X: *fd = vcpu_fpu_box32((uint32_t)x1); return 0;
	case VCPU_OP_FMV_X_D: set_x(s, in->rd, s->f[in->rs1]); return 0;
	case VCPU_OP_FMV_D_X: *fd = x1; return 0;
	default:
		return -EINVAL;
	}
}

/* Ops whose encoding has no rounding-mode field. */
static int exec_fixed(struct vcpu_state *s, const struct vcpu_insn *in,
		      unsigned *fl)
{
	int w = 1;
	uint64_t r;

	switch (in->op) {
	case VCPU_OP_FSGNJ_D: case VCPU_OP_FSGNJN_D: case VCPU_OP_FSGNJX_D:
		w = 2;
		/* fall through */
	case VCPU_OP_FSGNJ_S: case VCPU_OP_FSGNJN_S: case VCPU_OP_FSGNJX_S:
		s->f[in->rd] = sign_inject(s, in, w, in->op -
			(w == 2 ? VCPU_OP_FSGNJ_D : VCPU_OP_FSGNJ_S));
		return 0;
	case VCPU_OP_FMIN_D: case VCPU_OP_FMAX_D:
		w = 2;
		/* fall through */
	case VCPU_OP_FMIN_S: case VCPU_OP_FMAX_S:
		r = minmax(s, in, w, in->op == VCPU_OP_FMAX_S ||
			   in->op == VCPU_OP_FMAX_D, fl);
		s->f[in->rd] = w == 1 ? vcpu_fpu_box32((uint32_t)r) : r;
		return 0;
	case VCPU_OP_FEQ_D: case VCPU_OP_FLT_D: case VCPU_OP_FLE_D:
		w = 2;
		/* fall through */
	case VCPU_OP_FEQ_S: case VCPU_OP_FLT_S: case VCPU_OP_FLE_S:
		set_x(s, in->rd, compare(s, in, w, in->op -
			(w == 2 ? VCPU_OP_FEQ_D : VCPU_OP_FEQ_S), fl));
		return 0;
	case VCPU_OP_FCLASS_S:
		set_x(s, in->rd, classify(unbox(s->f[in->rs1]), 1));
		return 0;
	case VCPU_OP_FCLASS_D:
		set_x(s, in->rd, classify(s->f[in->rs1], 2));
		return 0;
	default:
		return 1;
	}
}

int vcpu_fpu_exec(struct vcpu_state *s, const struct vcpu_insn *in)
{
	unsigned fl = 0;
	int width, aop, rm, err;

	err = exec_fixed(s, in, &fl);
	if (err <= 0)
		goto out;
	rm = in->rm == RM_DYN ? (int)(s->fcsr >> 5) & 7 : in->rm;
	if (rm > RM_RMM)
		return -EINVAL;
	aop = arith_of(in->op, &width);
	if (aop >= 0)
		exec_arith(s, in, aop, width, rm, &fl);
	else if ((err = exec_other(s, in, rm, &fl)) < 0)
		return err;
out:
	s->fcsr |= fl;
	return 0;
}
