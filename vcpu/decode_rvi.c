/* SPDX-License-Identifier: MIT */
/*
 * Decode table of RV64I, Zicsr, Zifencei and the privileged instructions
 * (ECALL, EBREAK, SRET, MRET, WFI, SFENCE.VMA). FENCE and FENCE.I ignore
 * their reserved fields, as the base ISA requires for forward compatibility.
 */
#include "vcpu/decode.h"

#define E(mask, match, op, fmt) { mask, match, VCPU_OP_##op, VCPU_FMT_##fmt }
#define F3(opc, f3, op, fmt) E(VCPU_MASK_F3, VCPU_ENC(0, 0, f3, opc), op, fmt)
#define F7(opc, f7, f3, op) E(VCPU_MASK_F7, VCPU_ENC(f7, 0, f3, opc), op, R)

static const struct vcpu_decode_entry rvi[] = {
	E(VCPU_MASK_OPC, 0x37, LUI, U),
	E(VCPU_MASK_OPC, 0x17, AUIPC, U),
	E(VCPU_MASK_OPC, 0x6f, JAL, J),
	F3(0x67, 0, JALR, I),
	F3(0x63, 0, BEQ, B), F3(0x63, 1, BNE, B),
	F3(0x63, 4, BLT, B), F3(0x63, 5, BGE, B),
	F3(0x63, 6, BLTU, B), F3(0x63, 7, BGEU, B),
	F3(0x03, 0, LB, I), F3(0x03, 1, LH, I), F3(0x03, 2, LW, I),
	F3(0x03, 3, LD, I), F3(0x03, 4, LBU, I), F3(0x03, 5, LHU, I),
	F3(0x03, 6, LWU, I),
	F3(0x23, 0, SB, S), F3(0x23, 1, SH, S), F3(0x23, 2, SW, S),
	F3(0x23, 3, SD, S),
	F3(0x13, 0, ADDI, I), F3(0x13, 2, SLTI, I), F3(0x13, 3, SLTIU, I),
	F3(0x13, 4, XORI, I), F3(0x13, 6, ORI, I), F3(0x13, 7, ANDI, I),
	E(VCPU_MASK_F6, VCPU_ENC(0x00, 0, 1, 0x13), SLLI, SH6),
	E(VCPU_MASK_F6, VCPU_ENC(0x00, 0, 5, 0x13), SRLI, SH6),
	E(VCPU_MASK_F6, VCPU_ENC(0x20, 0, 5, 0x13), SRAI, SH6),
	F7(0x33, 0x00, 0, ADD), F7(0x33, 0x20, 0, SUB),
	F7(0x33, 0x00, 1, SLL), F7(0x33, 0x00, 2, SLT),
	F7(0x33, 0x00, 3, SLTU), F7(0x33, 0x00, 4, XOR),
	F7(0x33, 0x00, 5, SRL), F7(0x33, 0x20, 5, SRA),
	F7(0x33, 0x00, 6, OR), F7(0x33, 0x00, 7, AND),
	F3(0x1b, 0, ADDIW, I),
	E(VCPU_MASK_F7, VCPU_ENC(0x00, 0, 1, 0x1b), SLLIW, SH5),
	E(VCPU_MASK_F7, VCPU_ENC(0x00, 0, 5, 0x1b), SRLIW, SH5),
	E(VCPU_MASK_F7, VCPU_ENC(0x20, 0, 5, 0x1b), SRAIW, SH5),
	F7(0x3b, 0x00, 0, ADDW), F7(0x3b, 0x20, 0, SUBW),
	F7(0x3b, 0x00, 1, SLLW), F7(0x3b, 0x00, 5, SRLW),
	F7(0x3b, 0x20, 5, SRAW),
	F3(0x0f, 0, FENCE, CSR),
	F3(0x0f, 1, FENCE_I, R),
	E(VCPU_MASK_ALL, 0x00000073, ECALL, R),
	E(VCPU_MASK_ALL, 0x00100073, EBREAK, R),
	E(VCPU_MASK_ALL, 0x10200073, SRET, R),
	E(VCPU_MASK_ALL, 0x30200073, MRET, R),
	E(VCPU_MASK_ALL, 0x10500073, WFI, R),
	E(0xfe007fffu, 0x12000073, SFENCE_VMA, R),
	F3(0x73, 1, CSRRW, CSR), F3(0x73, 2, CSRRS, CSR),
	F3(0x73, 3, CSRRC, CSR), F3(0x73, 5, CSRRWI, CSR),
	F3(0x73, 6, CSRRSI, CSR), F3(0x73, 7, CSRRCI, CSR),
};

VCPU_DECODE_TABLE(rvi, rvi);
