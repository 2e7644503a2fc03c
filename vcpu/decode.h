/* SPDX-License-Identifier: MIT */
/*
 * The decode tables: one per extension (decode_rv*.c), each a list of
 * mask/match/op/format entries, first match wins. decode.c indexes them by
 * major opcode (32-bit encodings) or by quadrant and funct3 (compressed
 * ones) and turns the format into operand fields. The JIT walks the same
 * tables through vcpu_decode(), so both executors agree on every encoding.
 */
#ifndef TESSERA_VCPU_DECODE_H
#define TESSERA_VCPU_DECODE_H

#include <stdint.h>

#include "vcpu/insn.h"

/* How the operands of an entry's encoding are laid out. */
enum vcpu_fmt {
	/* 32-bit: rd, rs1, rs2, rs3, rm and aq/rl are always extracted;
	 * the format says what the immediate is. */
	VCPU_FMT_R,        /* no immediate */
	VCPU_FMT_I,        /* imm[11:0] sign-extended */
	VCPU_FMT_S,
	VCPU_FMT_B,
	VCPU_FMT_U,
	VCPU_FMT_J,
	VCPU_FMT_SH6,      /* shamt[5:0] */
	VCPU_FMT_SH5,      /* shamt[4:0] */
	VCPU_FMT_CSR,      /* imm = csr[11:0] zero-extended (also FENCE) */
	/* Compressed, expanded to the base operation (see decode_rvc.c). */
	VCPU_FMT_C_ADDI4SPN,
	VCPU_FMT_C_LW, VCPU_FMT_C_LD,       /* CL */
	VCPU_FMT_C_SW, VCPU_FMT_C_SD,       /* CS */
	VCPU_FMT_C_ADDI,                    /* rd = rd op imm6 */
	VCPU_FMT_C_ADDIW,                   /* same, rd != 0 */
	VCPU_FMT_C_LI,                      /* rd = x0 + imm6 */
	VCPU_FMT_C_ADDI16SP,
	VCPU_FMT_C_LUI,
	VCPU_FMT_C_SHIFT,                   /* rd' = rd' op shamt6 */
	VCPU_FMT_C_ANDI,
	VCPU_FMT_C_ARITH,                   /* rd' = rd' op rs2' */
	VCPU_FMT_C_J,
	VCPU_FMT_C_BRANCH,                  /* rs1' op x0 */
	VCPU_FMT_C_SLLI,
	VCPU_FMT_C_LWSP, VCPU_FMT_C_LDSP,   /* rd != 0 */
	VCPU_FMT_C_FLDSP,                   /* any rd */
	VCPU_FMT_C_SWSP, VCPU_FMT_C_SDSP,
	VCPU_FMT_C_JR,                      /* jalr x0, rs1 (rs1 != 0) */
	VCPU_FMT_C_JALR,                    /* jalr x1, rs1 */
	VCPU_FMT_C_MV,                      /* add rd, x0, rs2 */
	VCPU_FMT_C_ADD,                     /* add rd, rd, rs2 */
	VCPU_FMT_C_NONE,                    /* c.ebreak */
	VCPU_FMT__COUNT
};

struct vcpu_decode_entry {
	uint32_t mask, match;
	uint16_t op;      /* enum vcpu_op */
	uint8_t fmt;      /* enum vcpu_fmt */
};

struct vcpu_decode_table {
	const char *ext;  /* "rvi", "rvc", ... */
	const struct vcpu_decode_entry *e;
	unsigned n;
};

#define VCPU_DECODE_TABLE(name, entries) \
	const struct vcpu_decode_table vcpu_decode_##name = { \
		#name, entries, sizeof(entries) / sizeof(entries[0]) }

/* Builders of match values for 32-bit encodings. */
#define VCPU_ENC(f7, rs2, f3, opc) \
	(((uint32_t)(f7) << 25) | ((uint32_t)(rs2) << 20) | \
	 ((uint32_t)(f3) << 12) | (uint32_t)(opc))
#define VCPU_MASK_OPC   0x0000007fu
#define VCPU_MASK_F3    0x0000707fu
#define VCPU_MASK_F7    0xfe00707fu
#define VCPU_MASK_F6    0xfc00707fu
#define VCPU_MASK_F7RM  0xfe00007fu   /* funct7, any rm */
#define VCPU_MASK_RS2RM 0xfff0007fu   /* funct7 + rs2, any rm */
#define VCPU_MASK_RS2F3 0xfff0707fu   /* funct7 + rs2 + funct3 */
#define VCPU_MASK_ALL   0xffffffffu

/* The tables, one per file. 32-bit tables first, then the C table. */
extern const struct vcpu_decode_table vcpu_decode_rvi;
extern const struct vcpu_decode_table vcpu_decode_rvm;
extern const struct vcpu_decode_table vcpu_decode_rva;
extern const struct vcpu_decode_table vcpu_decode_rvf;
extern const struct vcpu_decode_table vcpu_decode_rvd;
extern const struct vcpu_decode_table vcpu_decode_rvc;

/*
 * vcpu_decode_expand_c - fill @in's operands for compressed encoding @raw
 * whose entry has format @fmt. Returns 0, or -EINVAL when the encoding is
 * reserved (the caller then decodes it as ILLEGAL). decode_rvc.c.
 */
int vcpu_decode_expand_c(uint32_t raw, unsigned fmt, struct vcpu_insn *in);

#endif
