/* SPDX-License-Identifier: MIT */
/*
 * Inline-assembly wrappers that run one named instruction on given operands,
 * for the ISA tests. Every wrapper assembles with .option norvc, so the test
 * exercises the 32-bit encoding the mnemonic names (isa_rvc.S covers the
 * compressed forms explicitly).
 */
#ifndef TESSERA_GUEST_ISA_H
#define TESSERA_GUEST_ISA_H

#include "rt.h"

#define ISA_NORVC(s) ".option push\n.option norvc\n" s "\n.option pop\n"

/* rd = op(rs1, rs2) */
#define RR(op, a, b) ({ uint64_t r_; \
	__asm__ volatile(ISA_NORVC(#op " %0, %1, %2") : "=r"(r_) \
			 : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
/* rd = op(rs1, imm) */
#define RI(op, a, imm) ({ uint64_t r_; \
	__asm__ volatile(ISA_NORVC(#op " %0, %1, %2") : "=r"(r_) \
			 : "r"((uint64_t)(a)), "i"(imm)); r_; })
/* rd = op(rs1) */
#define R1(op, a) ({ uint64_t r_; \
	__asm__ volatile(ISA_NORVC(#op " %0, %1") : "=r"(r_) \
			 : "r"((uint64_t)(a))); r_; })
/* 1 if the branch "op rs1, rs2" is taken */
#define BR(op, a, b) ({ uint64_t r_; \
	__asm__ volatile(ISA_NORVC("li %0, 1\n" #op " %1, %2, 1f\nli %0, 0\n1:") \
			 : "=&r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); \
	r_; })
/* rd = load op imm(base) */
#define LD(op, base, off) ({ uint64_t r_; \
	__asm__ volatile(ISA_NORVC(#op " %0, %2(%1)") : "=r"(r_) \
			 : "r"(base), "i"(off) : "memory"); r_; })
/* store op rs2, imm(base) */
#define ST(op, val, base, off) \
	__asm__ volatile(ISA_NORVC(#op " %0, %2(%1)") \
			 :: "r"((uint64_t)(val)), "r"(base), "i"(off) : "memory")

/* @p, with its provenance hidden from the optimiser's bounds checks. */
static inline uint8_t *isa_addr(const void *p, long off)
{
	uintptr_t a = (uintptr_t)p;

	__asm__("" : "+r"(a));
	return (uint8_t *)(a + off);
}

/* FP: the result's raw bits and the fflags the instruction raised. */
struct fpres {
	uint64_t v;
	uint64_t flags;
};

/* fflags bits */
#define FF_NV 0x10
#define FF_DZ 0x08
#define FF_OF 0x04
#define FF_UF 0x02
#define FF_NX 0x01

/*
 * FP wrappers: @fmt is "w" (single) or "d" (double) and names the integer
 * moves in and out; @op the instruction; @rm a rounding mode string ("rne",
 * "rtz", "rdn", "rup", "rmm", "dyn"). fflags is cleared before and read
 * after, so .flags is exactly what the instruction raised. A single result
 * comes back sign-extended by fmv.x.w: compare it with S().
 */
#define FP_OUT(fmt) "\n\tfmv.x." fmt " %0, ft2\n\tcsrr %1, fflags"

#define FPOP2(fmt, op, a, b, rm) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\tfmv." fmt ".x ft0, %2\n\t" \
			 "fmv." fmt ".x ft1, %3\n\t" op " ft2, ft0, ft1" rm \
			 FP_OUT(fmt) : "=r"(r_.v), "=r"(r_.flags) \
			 : "r"((uint64_t)(a)), "r"((uint64_t)(b)) \
			 : "ft0", "ft1", "ft2"); r_; })
#define FPOP1(fmt, op, a, rm) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\tfmv." fmt ".x ft0, %2\n\t" \
			 op " ft2, ft0" rm FP_OUT(fmt) \
			 : "=r"(r_.v), "=r"(r_.flags) : "r"((uint64_t)(a)) \
			 : "ft0", "ft2"); r_; })
#define FPOP3(fmt, op, a, b, c, rm) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\tfmv." fmt ".x ft0, %2\n\t" \
			 "fmv." fmt ".x ft1, %3\n\tfmv." fmt ".x ft3, %4\n\t" \
			 op " ft2, ft0, ft1, ft3" rm FP_OUT(fmt) \
			 : "=r"(r_.v), "=r"(r_.flags) : "r"((uint64_t)(a)), \
			 "r"((uint64_t)(b)), "r"((uint64_t)(c)) \
			 : "ft0", "ft1", "ft2", "ft3"); r_; })
/* FP operands, integer result (compare, classify, convert to integer) */
#define FPTOX2(fmt, op, a, b) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\tfmv." fmt ".x ft0, %2\n\t" \
			 "fmv." fmt ".x ft1, %3\n\t" op " %0, ft0, ft1\n\t" \
			 "csrr %1, fflags" : "=r"(r_.v), "=r"(r_.flags) \
			 : "r"((uint64_t)(a)), "r"((uint64_t)(b)) \
			 : "ft0", "ft1"); r_; })
#define FPTOX1(fmt, op, a, rm) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\tfmv." fmt ".x ft0, %2\n\t" \
			 op " %0, ft0" rm "\n\tcsrr %1, fflags" \
			 : "=r"(r_.v), "=r"(r_.flags) : "r"((uint64_t)(a)) \
			 : "ft0"); r_; })
/* integer operand, FP result (convert from integer) */
#define XTOFP(fmt, op, x, rm) ({ struct fpres r_; \
	__asm__ volatile("csrw fflags, x0\n\t" op " ft2, %2" rm FP_OUT(fmt) \
			 : "=r"(r_.v), "=r"(r_.flags) : "r"((uint64_t)(x)) \
			 : "ft2"); r_; })

/* rounding-mode operand strings */
#define RNE ", rne"
#define RTZ ", rtz"
#define RDN ", rdn"
#define RUP ", rup"
#define RMM ", rmm"
#define DYN ", dyn"
#define NORM ""

/* a single-precision result as fmv.x.w returns it */
#define S(bits) ((uint64_t)(int64_t)(int32_t)(uint32_t)(bits))

/* check the raw result and the flags of one FP wrapper */
#define CHECK_FP(expr, want, fl) do { struct fpres f_ = (expr); \
	rt_check_eq(__LINE__, #expr, f_.v, (uint64_t)(want)); \
	rt_check_eq(__LINE__, #expr " fflags", f_.flags, (uint64_t)(fl)); \
} while (0)

#endif
