/* SPDX-License-Identifier: MIT */
/*
 * The reset state of a hart (vcpu/state.h): what a freshly created shared
 * state region holds before the hart's first instruction.
 */
#include <string.h>

#include "vcpu/priv.h"
#include "vcpu/state.h"

void vcpu_state_reset(struct vcpu_state *s, uint32_t hartid, uint64_t reset_pc)
{
	memset(s, 0, sizeof(*s));
	s->magic = VCPU_STATE_MAGIC;
	s->version = VCPU_STATE_VERSION;
	s->hartid = hartid;
	s->pc = reset_pc;
	s->priv = VCPU_PRIV_M;
	s->misa = VCPU_MISA_RV64GC;
	s->mstatus = VCPU_MSTATUS_XL64;
	s->reservation = ~0ull;
}
