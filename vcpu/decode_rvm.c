/* SPDX-License-Identifier: MIT */
/*
 * Decode table of the M extension (RV64): multiply and divide, funct7 = 1
 * in the OP and OP-32 major opcodes.
 */
#include "vcpu/decode.h"

#define M(opc, f3, op) { VCPU_MASK_F7, VCPU_ENC(1, 0, f3, opc), \
			 VCPU_OP_##op, VCPU_FMT_R }

static const struct vcpu_decode_entry rvm[] = {
	M(0x33, 0, MUL), M(0x33, 1, MULH), M(0x33, 2, MULHSU),
	M(0x33, 3, MULHU), M(0x33, 4, DIV), M(0x33, 5, DIVU),
	M(0x33, 6, REM), M(0x33, 7, REMU),
	M(0x3b, 0, MULW), M(0x3b, 4, DIVW), M(0x3b, 5, DIVUW),
	M(0x3b, 6, REMW), M(0x3b, 7, REMUW),
};

VCPU_DECODE_TABLE(rvm, rvm);
