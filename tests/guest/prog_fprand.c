/* SPDX-License-Identifier: MIT */
/*
 * Randomised differential test of every F and D operation: for each
 * instruction and (where it has one) each of the five static rounding
 * modes, a few thousand operand sets drawn from special values, subnormals,
 * operands near one another (cancellation), near integer limits
 * (conversions) and raw random bits are run, and the results and fflags
 * are hashed. One line per instruction and mode is printed; QEMU's softfloat
 * is the reference the output is compared with, so a differing line names
 * the instruction and rounding mode at fault.
 */
#include "isa.h"

#define ROUNDS 1500

static uint64_t seed = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545f4914f6cdd1dull;
}

static const uint64_t special_d[] = {
	0, 0x8000000000000000ul, 0x7ff0000000000000ul, 0xfff0000000000000ul,
	0x7ff8000000000000ul, 0x7ff0000000000001ul, 0xfff8000000001234ul,
	1, 0x800fffffffffffffull, 0x0010000000000000ul, 0x7feffffffffffffful,
	0x3ff0000000000000ul, 0xbff0000000000000ul, 0x3fe0000000000000ul,
	0x43e0000000000000ul, 0xc3e0000000000000ul, 0x41e0000000000000ul,
	0x41efffffffe00000ul, 0x43f0000000000000ul, 0x3ff8000000000000ul,
};

static const uint64_t special_s[] = {
	0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
	0xffc01234, 1, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000,
	0xbf800000, 0x3f000000, 0x5f000000, 0xdf000000, 0x4f000000,
	0x4f7fffff, 0x5f800000, 0x3fc00000,
};

#define NSPEC 20

/* A double: special, subnormal, near 1.0 (+-32 binades) or random bits. */
static uint64_t gen_d(void)
{
	uint64_t r = rnd(), sign = r & 1ul << 63;

	switch (r % 8) {
	case 0:
		return special_d[(r >> 8) % NSPEC];
	case 1:
		return sign | (rnd() >> 12);
	case 2:
		return rnd();
	case 3:      /* integer-ish magnitudes for conversions */
		return sign | (uint64_t)(1023 + (r >> 8) % 70) << 52 | rnd() >> 12;
	default:
		return sign | (uint64_t)(1023 - 32 + (r >> 8) % 64) << 52 |
		       rnd() >> 12;
	}
}

static uint64_t gen_s(void)
{
	uint64_t r = rnd(), sign = (r >> 63) << 31;

	switch (r % 8) {
	case 0:
		return special_s[(r >> 8) % NSPEC];
	case 1:
		return sign | (rnd() >> 41);
	case 2:
		return rnd() >> 32;
	case 3:
		return sign | (127 + (r >> 8) % 70) << 23 | rnd() >> 41;
	default:
		return sign | (127 - 16 + (r >> 8) % 32) << 23 | rnd() >> 41;
	}
}

/* An integer operand: small, near a power of two, or random bits. */
static uint64_t gen_x(void)
{
	uint64_t r = rnd();

	switch (r % 4) {
	case 0:
		return (uint64_t)((int64_t)(r >> 8) % 2000 - 1000);
	case 1:
		return (1ul << ((r >> 8) % 64)) + (uint64_t)((int64_t)(r >> 20) % 5);
	default:
		return rnd();
	}
}

enum kind { K2, K1, K3, KCMP, KTOX, KFROMX };

struct op {
	const char *name, *rm;
	enum kind kind;
	int dbl;         /* operands are doubles */
	union {
		struct fpres (*f2)(uint64_t, uint64_t);
		struct fpres (*f1)(uint64_t);
		struct fpres (*f3)(uint64_t, uint64_t, uint64_t);
	} fn;
};

/* one wrapper function per instruction and rounding mode */
#define W2(id, fmt, insn, rm) static struct fpres id(uint64_t a, uint64_t b) \
	{ return FPOP2(fmt, insn, a, b, rm); }
#define W1(id, fmt, insn, rm) static struct fpres id(uint64_t a) \
	{ return FPOP1(fmt, insn, a, rm); }
#define W3(id, fmt, insn, rm) static struct fpres id(uint64_t a, uint64_t b, \
	uint64_t c) { return FPOP3(fmt, insn, a, b, c, rm); }
#define WC(id, fmt, insn) static struct fpres id(uint64_t a, uint64_t b) \
	{ return FPTOX2(fmt, insn, a, b); }
#define WT(id, fmt, insn, rm) static struct fpres id(uint64_t a) \
	{ return FPTOX1(fmt, insn, a, rm); }
#define WF(id, fmt, insn, rm) static struct fpres id(uint64_t a) \
	{ return XTOFP(fmt, insn, a, rm); }

#define RMS(M, id, fmt, insn) M(id##_rne, fmt, insn, RNE) \
	M(id##_rtz, fmt, insn, RTZ) M(id##_rdn, fmt, insn, RDN) \
	M(id##_rup, fmt, insn, RUP) M(id##_rmm, fmt, insn, RMM)

#define PER_FORMAT(p, fmt, sfx) \
	RMS(W2, p##add, fmt, "fadd." sfx) RMS(W2, p##sub, fmt, "fsub." sfx) \
	RMS(W2, p##mul, fmt, "fmul." sfx) RMS(W2, p##div, fmt, "fdiv." sfx) \
	RMS(W1, p##sqrt, fmt, "fsqrt." sfx) \
	RMS(W3, p##madd, fmt, "fmadd." sfx) RMS(W3, p##msub, fmt, "fmsub." sfx) \
	RMS(W3, p##nmsub, fmt, "fnmsub." sfx) \
	RMS(W3, p##nmadd, fmt, "fnmadd." sfx) \
	RMS(WT, p##cvtw, fmt, "fcvt.w." sfx) RMS(WT, p##cvtwu, fmt, "fcvt.wu." sfx) \
	RMS(WT, p##cvtl, fmt, "fcvt.l." sfx) RMS(WT, p##cvtlu, fmt, "fcvt.lu." sfx) \
	RMS(WF, p##fromw, fmt, "fcvt." sfx ".w") \
	RMS(WF, p##fromwu, fmt, "fcvt." sfx ".wu") \
	RMS(WF, p##froml, fmt, "fcvt." sfx ".l") \
	RMS(WF, p##fromlu, fmt, "fcvt." sfx ".lu") \
	W2(p##min, fmt, "fmin." sfx, NORM) W2(p##max, fmt, "fmax." sfx, NORM) \
	W2(p##sgnj, fmt, "fsgnj." sfx, NORM) W2(p##sgnjn, fmt, "fsgnjn." sfx, NORM) \
	W2(p##sgnjx, fmt, "fsgnjx." sfx, NORM) \
	WC(p##eq, fmt, "feq." sfx) WC(p##lt, fmt, "flt." sfx) \
	WC(p##le, fmt, "fle." sfx) WT(p##class, fmt, "fclass." sfx, NORM)

PER_FORMAT(s_, "w", "s")

/* D: fcvt.d.w/wu are exact and take no rounding mode */
#define PER_FORMAT_D(p, fmt, sfx) \
	RMS(W2, p##add, fmt, "fadd." sfx) RMS(W2, p##sub, fmt, "fsub." sfx) \
	RMS(W2, p##mul, fmt, "fmul." sfx) RMS(W2, p##div, fmt, "fdiv." sfx) \
	RMS(W1, p##sqrt, fmt, "fsqrt." sfx) \
	RMS(W3, p##madd, fmt, "fmadd." sfx) RMS(W3, p##msub, fmt, "fmsub." sfx) \
	RMS(W3, p##nmsub, fmt, "fnmsub." sfx) \
	RMS(W3, p##nmadd, fmt, "fnmadd." sfx) \
	RMS(WT, p##cvtw, fmt, "fcvt.w." sfx) RMS(WT, p##cvtwu, fmt, "fcvt.wu." sfx) \
	RMS(WT, p##cvtl, fmt, "fcvt.l." sfx) RMS(WT, p##cvtlu, fmt, "fcvt.lu." sfx) \
	WF(p##fromw, fmt, "fcvt." sfx ".w", NORM) \
	WF(p##fromwu, fmt, "fcvt." sfx ".wu", NORM) \
	RMS(WF, p##froml, fmt, "fcvt." sfx ".l") \
	RMS(WF, p##fromlu, fmt, "fcvt." sfx ".lu") \
	W2(p##min, fmt, "fmin." sfx, NORM) W2(p##max, fmt, "fmax." sfx, NORM) \
	W2(p##sgnj, fmt, "fsgnj." sfx, NORM) W2(p##sgnjn, fmt, "fsgnjn." sfx, NORM) \
	W2(p##sgnjx, fmt, "fsgnjx." sfx, NORM) \
	WC(p##eq, fmt, "feq." sfx) WC(p##lt, fmt, "flt." sfx) \
	WC(p##le, fmt, "fle." sfx) WT(p##class, fmt, "fclass." sfx, NORM) \
	RMS(W1, p##tos, fmt, "fcvt.s.d")

PER_FORMAT_D(d_, "d", "d")

/* fcvt.d.s: the single goes in boxed (fmv.w.x), the double comes out */
static struct fpres d_froms(uint64_t a)
{
	struct fpres r;

	__asm__ volatile("csrw fflags, x0\n\tfmv.w.x ft0, %2\n\t"
			 "fcvt.d.s ft2, ft0\n\tfmv.x.d %0, ft2\n\t"
			 "csrr %1, fflags" : "=r"(r.v), "=r"(r.flags) : "r"(a)
			 : "ft0", "ft2");
	return r;
}

#define E(kind, dbl, name, rm, fld, fn) { name, rm, kind, dbl, { .fld = fn } }
#define ER(kind, dbl, name, fld, id) \
	E(kind, dbl, name, "rne", fld, id##_rne), \
	E(kind, dbl, name, "rtz", fld, id##_rtz), \
	E(kind, dbl, name, "rdn", fld, id##_rdn), \
	E(kind, dbl, name, "rup", fld, id##_rup), \
	E(kind, dbl, name, "rmm", fld, id##_rmm)

#define TABLE(p, sfx, dbl) \
	ER(K2, dbl, "fadd." sfx, f2, p##add), ER(K2, dbl, "fsub." sfx, f2, p##sub), \
	ER(K2, dbl, "fmul." sfx, f2, p##mul), ER(K2, dbl, "fdiv." sfx, f2, p##div), \
	ER(K1, dbl, "fsqrt." sfx, f1, p##sqrt), \
	ER(K3, dbl, "fmadd." sfx, f3, p##madd), \
	ER(K3, dbl, "fmsub." sfx, f3, p##msub), \
	ER(K3, dbl, "fnmsub." sfx, f3, p##nmsub), \
	ER(K3, dbl, "fnmadd." sfx, f3, p##nmadd), \
	ER(KTOX, dbl, "fcvt.w." sfx, f1, p##cvtw), \
	ER(KTOX, dbl, "fcvt.wu." sfx, f1, p##cvtwu), \
	ER(KTOX, dbl, "fcvt.l." sfx, f1, p##cvtl), \
	ER(KTOX, dbl, "fcvt.lu." sfx, f1, p##cvtlu), \
	ER(KFROMX, dbl, "fcvt." sfx ".l", f1, p##froml), \
	ER(KFROMX, dbl, "fcvt." sfx ".lu", f1, p##fromlu), \
	E(K2, dbl, "fmin." sfx, "-", f2, p##min), \
	E(K2, dbl, "fmax." sfx, "-", f2, p##max), \
	E(K2, dbl, "fsgnj." sfx, "-", f2, p##sgnj), \
	E(K2, dbl, "fsgnjn." sfx, "-", f2, p##sgnjn), \
	E(K2, dbl, "fsgnjx." sfx, "-", f2, p##sgnjx), \
	E(KCMP, dbl, "feq." sfx, "-", f2, p##eq), \
	E(KCMP, dbl, "flt." sfx, "-", f2, p##lt), \
	E(KCMP, dbl, "fle." sfx, "-", f2, p##le), \
	E(KTOX, dbl, "fclass." sfx, "-", f1, p##class)

static const struct op ops[] = {
	TABLE(s_, "s", 0),
	ER(KFROMX, 0, "fcvt.s.w", f1, s_fromw),
	ER(KFROMX, 0, "fcvt.s.wu", f1, s_fromwu),
	TABLE(d_, "d", 1),
	E(KFROMX, 1, "fcvt.d.w", "-", f1, d_fromw),
	E(KFROMX, 1, "fcvt.d.wu", "-", f1, d_fromwu),
	ER(K1, 1, "fcvt.s.d", f1, d_tos),
	E(K1, 0, "fcvt.d.s", "-", f1, d_froms),
};

static uint64_t run_op(const struct op *o)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t a = o->dbl ? gen_d() : gen_s();
		uint64_t b = o->dbl ? gen_d() : gen_s();
		uint64_t c = o->dbl ? gen_d() : gen_s();
		struct fpres r;

		switch (o->kind) {
		case K2:
		case KCMP:
			r = o->fn.f2(a, b);
			break;
		case K3:
			r = o->fn.f3(a, b, c);
			break;
		case KFROMX:
			r = o->fn.f1(gen_x());
			break;
		default:
			r = o->fn.f1(a);
			break;
		}
		h = (h ^ r.v) * 0x100000001b3ull;
		h = (h ^ r.flags) * 0x100000001b3ull;
	}
	return h;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint64_t h = run_op(&ops[i]);

		rt_printf("%-12s %s %016lx\n", ops[i].name, ops[i].rm, h);
		rt_sig_add(h);
	}
	csr_write(fcsr, 0);
	CHECK(sizeof(ops) / sizeof(ops[0]) > 100);
	return rt_done("prog_fprand");
}
