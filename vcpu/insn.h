/* SPDX-License-Identifier: MIT */
/*
 * Decoded RV64GC instructions: the one vocabulary shared by the decoder,
 * the interpreter and the JIT.
 *
 * VCPU_OPS lists every operation once. Compressed instructions decode to
 * the base operation they expand to, with len == 2, so that executors never
 * see the C extension.
 */
#ifndef TESSERA_VCPU_INSN_H
#define TESSERA_VCPU_INSN_H

#include <stdint.h>

#define VCPU_OPS(X) \
	X(ILLEGAL) \
	/* RV64I */ \
	X(LUI) X(AUIPC) X(JAL) X(JALR) \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU) \
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) \
	X(SB) X(SH) X(SW) X(SD) \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) \
	X(SLLI) X(SRLI) X(SRAI) \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND) \
	X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) \
	X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW) \
	X(FENCE) X(FENCE_I) X(ECALL) X(EBREAK) \
	/* privileged */ \
	X(SRET) X(MRET) X(WFI) X(SFENCE_VMA) \
	/* Zicsr */ \
	X(CSRRW) X(CSRRS) X(CSRRC) X(CSRRWI) X(CSRRSI) X(CSRRCI) \
	/* M */ \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU) \
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW) \
	/* A */ \
	X(LR_W) X(SC_W) X(AMOSWAP_W) X(AMOADD_W) X(AMOXOR_W) X(AMOAND_W) \
	X(AMOOR_W) X(AMOMIN_W) X(AMOMAX_W) X(AMOMINU_W) X(AMOMAXU_W) \
	X(LR_D) X(SC_D) X(AMOSWAP_D) X(AMOADD_D) X(AMOXOR_D) X(AMOAND_D) \
	X(AMOOR_D) X(AMOMIN_D) X(AMOMAX_D) X(AMOMINU_D) X(AMOMAXU_D) \
	/* F */ \
	X(FLW) X(FSW) \
	X(FMADD_S) X(FMSUB_S) X(FNMSUB_S) X(FNMADD_S) \
	X(FADD_S) X(FSUB_S) X(FMUL_S) X(FDIV_S) X(FSQRT_S) \
	X(FSGNJ_S) X(FSGNJN_S) X(FSGNJX_S) X(FMIN_S) X(FMAX_S) \
	X(FCVT_W_S) X(FCVT_WU_S) X(FCVT_L_S) X(FCVT_LU_S) \
	X(FCVT_S_W) X(FCVT_S_WU) X(FCVT_S_L) X(FCVT_S_LU) \
	X(FMV_X_W) X(FMV_W_X) X(FEQ_S) X(FLT_S) X(FLE_S) X(FCLASS_S) \
	/* D */ \
	X(FLD) X(FSD) \
	X(FMADD_D) X(FMSUB_D) X(FNMSUB_D) X(FNMADD_D) \
	X(FADD_D) X(FSUB_D) X(FMUL_D) X(FDIV_D) X(FSQRT_D) \
	X(FSGNJ_D) X(FSGNJN_D) X(FSGNJX_D) X(FMIN_D) X(FMAX_D) \
	X(FCVT_W_D) X(FCVT_WU_D) X(FCVT_L_D) X(FCVT_LU_D) \
	X(FCVT_D_W) X(FCVT_D_WU) X(FCVT_D_L) X(FCVT_D_LU) \
	X(FCVT_S_D) X(FCVT_D_S) \
	X(FMV_X_D) X(FMV_D_X) X(FEQ_D) X(FLT_D) X(FLE_D) X(FCLASS_D)

enum vcpu_op {
#define VCPU_OP_ENUM(name) VCPU_OP_##name,
	VCPU_OPS(VCPU_OP_ENUM)
#undef VCPU_OP_ENUM
	VCPU_OP__COUNT
};

/*
 * One decoded instruction. Field use by format:
 *   imm   sign-extended immediate; the CSR number for Zicsr; the shift
 *         amount for shifts by immediate; pred/succ bits for FENCE
 *   rs1   for CSRR*I, the 5-bit zero-extended immediate
 *   rm    the FP rounding-mode field (7 = dynamic)
 *   aqrl  bit 1 = aq, bit 0 = rl for A-extension operations
 *   len   2 for a compressed encoding, 4 otherwise
 */
struct vcpu_insn {
	uint16_t op;            /* enum vcpu_op */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t rm;
	uint8_t aqrl;
	uint8_t len;
	int64_t imm;
	uint32_t raw;           /* the encoding, for mtval on illegal insns */
};

/*
 * vcpu_decode - decode the instruction whose first 32 bits (or 16, for a
 * compressed one) are in @raw into @in. Always fills @in; an encoding that
 * is not RV64GC yields op VCPU_OP_ILLEGAL. Pure; shared with the JIT.
 */
void vcpu_decode(uint32_t raw, struct vcpu_insn *in);

/* vcpu_op_name - the mnemonic of @op, lower case ("fadd.s"), for logs. */
const char *vcpu_op_name(enum vcpu_op op);

#endif
