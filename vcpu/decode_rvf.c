/* SPDX-License-Identifier: MIT */
/*
 * Decode table of the F extension (RV64): single-precision loads, stores,
 * fused multiply-add (R4 format) and the OP-FP operations. The rounding
 * mode stays in vcpu_insn.rm; whether it is valid is decided at execution
 * (frm may make a dynamic one invalid).
 */
#include "vcpu/decode.h"

#define E(mask, match, op, fmt) { mask, match, VCPU_OP_##op, VCPU_FMT_##fmt }
#define R4(opc, op) E(0x0600007fu, (opc), op, R)
#define RM(f7, op) E(VCPU_MASK_F7RM, VCPU_ENC(f7, 0, 0, 0x53), op, R)
#define RS2(f7, rs2, op) E(VCPU_MASK_RS2RM, VCPU_ENC(f7, rs2, 0, 0x53), op, R)
#define F3(f7, f3, op) E(VCPU_MASK_F7, VCPU_ENC(f7, 0, f3, 0x53), op, R)
#define RS2F3(f7, rs2, f3, op) \
	E(VCPU_MASK_RS2F3, VCPU_ENC(f7, rs2, f3, 0x53), op, R)

static const struct vcpu_decode_entry rvf[] = {
	E(VCPU_MASK_F3, VCPU_ENC(0, 0, 2, 0x07), FLW, I),
	E(VCPU_MASK_F3, VCPU_ENC(0, 0, 2, 0x27), FSW, S),
	R4(0x43, FMADD_S), R4(0x47, FMSUB_S), R4(0x4b, FNMSUB_S),
	R4(0x4f, FNMADD_S),
	RM(0x00, FADD_S), RM(0x04, FSUB_S), RM(0x08, FMUL_S), RM(0x0c, FDIV_S),
	RS2(0x2c, 0, FSQRT_S),
	F3(0x10, 0, FSGNJ_S), F3(0x10, 1, FSGNJN_S), F3(0x10, 2, FSGNJX_S),
	F3(0x14, 0, FMIN_S), F3(0x14, 1, FMAX_S),
	RS2(0x60, 0, FCVT_W_S), RS2(0x60, 1, FCVT_WU_S),
	RS2(0x60, 2, FCVT_L_S), RS2(0x60, 3, FCVT_LU_S),
	RS2(0x68, 0, FCVT_S_W), RS2(0x68, 1, FCVT_S_WU),
	RS2(0x68, 2, FCVT_S_L), RS2(0x68, 3, FCVT_S_LU),
	RS2F3(0x70, 0, 0, FMV_X_W), RS2F3(0x70, 0, 1, FCLASS_S),
	RS2F3(0x78, 0, 0, FMV_W_X),
	F3(0x50, 2, FEQ_S), F3(0x50, 1, FLT_S), F3(0x50, 0, FLE_S),
};

VCPU_DECODE_TABLE(rvf, rvf);
