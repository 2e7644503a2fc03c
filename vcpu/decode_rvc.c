/* SPDX-License-Identifier: MIT */
/*
 * Decode table of the C extension (RV64C with C.FLD/C.FSD/C.FLDSP/C.FSDSP)
 * and the expansion of each compressed format into the operands of the
 * base instruction it stands for. Entries that share a funct3 are ordered
 * so that the first match is right (C.ADDI16SP before C.LUI, C.EBREAK
 * before C.JALR before C.ADD). Reserved encodings (C.ADDI4SPN with a zero
 * immediate, C.LUI/C.ADDI16SP with zero, C.ADDIW/C.LWSP/C.LDSP with rd = 0,
 * C.JR with rs1 = 0, and the opcodes without an entry) decode as ILLEGAL;
 * HINT encodings decode to their harmless base form.
 */
#include <errno.h>

#include "vcpu/decode.h"

#define E(mask, match, op, fmt) { mask, match, VCPU_OP_##op, VCPU_FMT_C_##fmt }
#define Q(match, op, fmt) E(0xe003u, match, op, fmt)

static const struct vcpu_decode_entry rvc[] = {
	Q(0x0000, ADDI, ADDI4SPN), Q(0x2000, FLD, LD), Q(0x4000, LW, LW),
	Q(0x6000, LD, LD), Q(0xa000, FSD, SD), Q(0xc000, SW, SW),
	Q(0xe000, SD, SD),
	Q(0x0001, ADDI, ADDI), Q(0x2001, ADDIW, ADDIW), Q(0x4001, ADDI, LI),
	E(0xef83u, 0x6101, ADDI, ADDI16SP), Q(0x6001, LUI, LUI),
	E(0xec03u, 0x8001, SRLI, SHIFT), E(0xec03u, 0x8401, SRAI, SHIFT),
	E(0xec03u, 0x8801, ANDI, ANDI),
	E(0xfc63u, 0x8c01, SUB, ARITH), E(0xfc63u, 0x8c21, XOR, ARITH),
	E(0xfc63u, 0x8c41, OR, ARITH), E(0xfc63u, 0x8c61, AND, ARITH),
	E(0xfc63u, 0x9c01, SUBW, ARITH), E(0xfc63u, 0x9c21, ADDW, ARITH),
	Q(0xa001, JAL, J), Q(0xc001, BEQ, BRANCH), Q(0xe001, BNE, BRANCH),
	Q(0x0002, SLLI, SLLI), Q(0x2002, FLD, FLDSP), Q(0x4002, LW, LWSP),
	Q(0x6002, LD, LDSP),
	E(0xf07fu, 0x8002, JALR, JR), E(0xf003u, 0x8002, ADD, MV),
	E(0xffffu, 0x9002, EBREAK, NONE), E(0xf07fu, 0x9002, JALR, JALR),
	E(0xf003u, 0x9002, ADD, ADD),
	Q(0xa002, FSD, SDSP), Q(0xc002, SW, SWSP), Q(0xe002, SD, SDSP),
};

VCPU_DECODE_TABLE(rvc, rvc);

/* Bits [hi:lo] of @x. */
static inline uint32_t bits(uint32_t x, unsigned hi, unsigned lo)
{
	return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extend the low @n bits of @x. */
static inline int64_t sext(uint64_t x, unsigned n)
{
	return (int64_t)(x << (64 - n)) >> (64 - n);
}

/* The 3-bit register fields name x8..x15. */
static inline uint8_t creg(uint32_t raw, unsigned lo)
{
	return (uint8_t)(8 + bits(raw, lo + 2, lo));
}

static int64_t imm6(uint32_t raw)
{
	return sext((bits(raw, 12, 12) << 5) | bits(raw, 6, 2), 6);
}

static int64_t imm_j(uint32_t r)
{
	uint32_t v = (bits(r, 12, 12) << 11) | (bits(r, 11, 11) << 4) |
		     (bits(r, 10, 9) << 8) | (bits(r, 8, 8) << 10) |
		     (bits(r, 7, 7) << 6) | (bits(r, 6, 6) << 7) |
		     (bits(r, 5, 3) << 1) | (bits(r, 2, 2) << 5);

	return sext(v, 12);
}

static int64_t imm_b(uint32_t r)
{
	uint32_t v = (bits(r, 12, 12) << 8) | (bits(r, 11, 10) << 3) |
		     (bits(r, 6, 5) << 6) | (bits(r, 4, 3) << 1) |
		     (bits(r, 2, 2) << 5);

	return sext(v, 9);
}

/* Loads and stores through rs1' (CL/CS) and through sp (CI/CSS). */
static int expand_mem(uint32_t r, unsigned fmt, struct vcpu_insn *in)
{
	uint32_t w = (bits(r, 12, 10) << 3) | (bits(r, 6, 6) << 2) |
		     (bits(r, 5, 5) << 6);
	uint32_t d = (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6);

	switch (fmt) {
	case VCPU_FMT_C_LW: case VCPU_FMT_C_LD:
		in->rd = creg(r, 2);
		in->rs1 = creg(r, 7);
		in->imm = fmt == VCPU_FMT_C_LW ? w : d;
		return 0;
	case VCPU_FMT_C_SW: case VCPU_FMT_C_SD:
		in->rs2 = creg(r, 2);
		in->rs1 = creg(r, 7);
		in->imm = fmt == VCPU_FMT_C_SW ? w : d;
		return 0;
	case VCPU_FMT_C_LWSP: case VCPU_FMT_C_LDSP: case VCPU_FMT_C_FLDSP:
		in->rd = (uint8_t)bits(r, 11, 7);
		in->rs1 = 2;
		if (fmt == VCPU_FMT_C_LWSP)
			in->imm = (bits(r, 12, 12) << 5) | (bits(r, 6, 4) << 2) |
				  (bits(r, 3, 2) << 6);
		else
			in->imm = (bits(r, 12, 12) << 5) | (bits(r, 6, 5) << 3) |
				  (bits(r, 4, 2) << 6);
		return fmt != VCPU_FMT_C_FLDSP && in->rd == 0 ? -EINVAL : 0;
	case VCPU_FMT_C_SWSP:
		in->rs2 = (uint8_t)bits(r, 6, 2);
		in->rs1 = 2;
		in->imm = (bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6);
		return 0;
	default: /* VCPU_FMT_C_SDSP */
		in->rs2 = (uint8_t)bits(r, 6, 2);
		in->rs1 = 2;
		in->imm = (bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6);
		return 0;
	}
}

/* Quadrant 1 immediates and the register-register forms. */
static int expand_alu(uint32_t r, unsigned fmt, struct vcpu_insn *in)
{
	uint8_t rd = (uint8_t)bits(r, 11, 7);

	switch (fmt) {
	case VCPU_FMT_C_ADDI: case VCPU_FMT_C_ADDIW: case VCPU_FMT_C_SLLI:
		in->rd = in->rs1 = rd;
		in->imm = fmt == VCPU_FMT_C_SLLI ?
			  (int64_t)((bits(r, 12, 12) << 5) | bits(r, 6, 2)) : imm6(r);
		return fmt == VCPU_FMT_C_ADDIW && rd == 0 ? -EINVAL : 0;
	case VCPU_FMT_C_LI:
		in->rd = rd;
		in->imm = imm6(r);
		return 0;
	case VCPU_FMT_C_LUI:
		in->rd = rd;
		in->imm = imm6(r) * 4096;
		return in->imm == 0 ? -EINVAL : 0;
	case VCPU_FMT_C_ADDI16SP:
		in->rd = in->rs1 = 2;
		in->imm = sext((bits(r, 12, 12) << 9) | (bits(r, 6, 6) << 4) |
			       (bits(r, 5, 5) << 6) | (bits(r, 4, 3) << 7) |
			       (bits(r, 2, 2) << 5), 10);
		return in->imm == 0 ? -EINVAL : 0;
	case VCPU_FMT_C_SHIFT: case VCPU_FMT_C_ANDI:
		in->rd = in->rs1 = creg(r, 7);
		in->imm = fmt == VCPU_FMT_C_ANDI ? imm6(r) :
			  (int64_t)((bits(r, 12, 12) << 5) | bits(r, 6, 2));
		return 0;
	case VCPU_FMT_C_ARITH:
		in->rd = in->rs1 = creg(r, 7);
		in->rs2 = creg(r, 2);
		return 0;
	case VCPU_FMT_C_MV: case VCPU_FMT_C_ADD:
		in->rd = rd;
		in->rs1 = fmt == VCPU_FMT_C_ADD ? rd : 0;
		in->rs2 = (uint8_t)bits(r, 6, 2);
		return 0;
	default: /* VCPU_FMT_C_ADDI4SPN */
		in->rd = creg(r, 2);
		in->rs1 = 2;
		in->imm = (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) |
			  (bits(r, 6, 6) << 2) | (bits(r, 5, 5) << 3);
		return in->imm == 0 ? -EINVAL : 0;
	}
}

int vcpu_decode_expand_c(uint32_t raw, unsigned fmt, struct vcpu_insn *in)
{
	switch (fmt) {
	case VCPU_FMT_C_J:
		in->rd = 0;
		in->imm = imm_j(raw);
		return 0;
	case VCPU_FMT_C_BRANCH:
		in->rs1 = creg(raw, 7);
		in->rs2 = 0;
		in->imm = imm_b(raw);
		return 0;
	case VCPU_FMT_C_JR: case VCPU_FMT_C_JALR:
		in->rd = fmt == VCPU_FMT_C_JALR ? 1 : 0;
		in->rs1 = (uint8_t)bits(raw, 11, 7);
		in->imm = 0;
		return in->rs1 == 0 ? -EINVAL : 0;
	case VCPU_FMT_C_NONE:
		return 0;
	case VCPU_FMT_C_LW: case VCPU_FMT_C_LD: case VCPU_FMT_C_SW:
	case VCPU_FMT_C_SD: case VCPU_FMT_C_LWSP: case VCPU_FMT_C_LDSP:
	case VCPU_FMT_C_FLDSP: case VCPU_FMT_C_SWSP: case VCPU_FMT_C_SDSP:
		return expand_mem(raw, fmt, in);
	default:
		return expand_alu(raw, fmt, in);
	}
}
