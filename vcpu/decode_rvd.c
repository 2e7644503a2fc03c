/* SPDX-License-Identifier: MIT */
/*
 * Decode table of the D extension (RV64): double-precision loads, stores,
 * fused multiply-add (fmt = 01 in bits 26:25), the OP-FP operations and the
 * conversions between single and double.
 */
#include "vcpu/decode.h"

#define E(mask, match, op, fmt) { mask, match, VCPU_OP_##op, VCPU_FMT_##fmt }
#define R4(opc, op) E(0x0600007fu, (opc) | (1u << 25), op, R)
#define RM(f7, op) E(VCPU_MASK_F7RM, VCPU_ENC(f7, 0, 0, 0x53), op, R)
#define RS2(f7, rs2, op) E(VCPU_MASK_RS2RM, VCPU_ENC(f7, rs2, 0, 0x53), op, R)
#define F3(f7, f3, op) E(VCPU_MASK_F7, VCPU_ENC(f7, 0, f3, 0x53), op, R)
#define RS2F3(f7, rs2, f3, op) \
	E(VCPU_MASK_RS2F3, VCPU_ENC(f7, rs2, f3, 0x53), op, R)

static const struct vcpu_decode_entry rvd[] = {
	E(VCPU_MASK_F3, VCPU_ENC(0, 0, 3, 0x07), FLD, I),
	E(VCPU_MASK_F3, VCPU_ENC(0, 0, 3, 0x27), FSD, S),
	R4(0x43, FMADD_D), R4(0x47, FMSUB_D), R4(0x4b, FNMSUB_D),
	R4(0x4f, FNMADD_D),
	RM(0x01, FADD_D), RM(0x05, FSUB_D), RM(0x09, FMUL_D), RM(0x0d, FDIV_D),
	RS2(0x2d, 0, FSQRT_D),
	F3(0x11, 0, FSGNJ_D), F3(0x11, 1, FSGNJN_D), F3(0x11, 2, FSGNJX_D),
	F3(0x15, 0, FMIN_D), F3(0x15, 1, FMAX_D),
	RS2(0x20, 1, FCVT_S_D), RS2(0x21, 0, FCVT_D_S),
	RS2(0x61, 0, FCVT_W_D), RS2(0x61, 1, FCVT_WU_D),
	RS2(0x61, 2, FCVT_L_D), RS2(0x61, 3, FCVT_LU_D),
	RS2(0x69, 0, FCVT_D_W), RS2(0x69, 1, FCVT_D_WU),
	RS2(0x69, 2, FCVT_D_L), RS2(0x69, 3, FCVT_D_LU),
	RS2F3(0x71, 0, 0, FMV_X_D), RS2F3(0x71, 0, 1, FCLASS_D),
	RS2F3(0x79, 0, 0, FMV_D_X),
	F3(0x51, 2, FEQ_D), F3(0x51, 1, FLT_D), F3(0x51, 0, FLE_D),
};

VCPU_DECODE_TABLE(rvd, rvd);
