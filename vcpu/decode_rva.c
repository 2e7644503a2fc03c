/* SPDX-License-Identifier: MIT */
/*
 * Decode table of the A extension (RV64): LR/SC and the AMOs, 32- and
 * 64-bit. funct5 selects the operation, aq/rl are bits 26:25 (decoded into
 * vcpu_insn.aqrl), LR requires rs2 = 0.
 */
#include "vcpu/decode.h"

#define AMO_MASK 0xf800707fu
#define LR_MASK  0xf9f0707fu
#define A(f5, f3, op) { AMO_MASK, ((uint32_t)(f5) << 27) | ((f3) << 12) | 0x2f, \
			VCPU_OP_##op, VCPU_FMT_R }
#define LR(f3, op) { LR_MASK, (2u << 27) | ((f3) << 12) | 0x2f, \
		     VCPU_OP_##op, VCPU_FMT_R }

static const struct vcpu_decode_entry rva[] = {
	LR(2, LR_W), A(0x03, 2, SC_W),
	A(0x01, 2, AMOSWAP_W), A(0x00, 2, AMOADD_W), A(0x04, 2, AMOXOR_W),
	A(0x0c, 2, AMOAND_W), A(0x08, 2, AMOOR_W), A(0x10, 2, AMOMIN_W),
	A(0x14, 2, AMOMAX_W), A(0x18, 2, AMOMINU_W), A(0x1c, 2, AMOMAXU_W),
	LR(3, LR_D), A(0x03, 3, SC_D),
	A(0x01, 3, AMOSWAP_D), A(0x00, 3, AMOADD_D), A(0x04, 3, AMOXOR_D),
	A(0x0c, 3, AMOAND_D), A(0x08, 3, AMOOR_D), A(0x10, 3, AMOMIN_D),
	A(0x14, 3, AMOMAX_D), A(0x18, 3, AMOMINU_D), A(0x1c, 3, AMOMAXU_D),
};

VCPU_DECODE_TABLE(rva, rva);
