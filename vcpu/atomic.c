/* SPDX-License-Identifier: MIT */
/*
 * The A extension: LR/SC and AMOs on guest RAM with host atomics.
 *
 * Guest RAM is shared with other harts and processes, so every AMO is one
 * __atomic operation on the host address the mmu hands out (which also
 * checks alignment, permissions and that the address is RAM, not MMIO).
 * LR records the physical address and the value read; SC succeeds only if
 * the reservation is still there (traps and SC clear it) and a
 * compare-and-swap from that value succeeds, so a store by anyone else
 * that changed the word makes it fail.
 */
#include <errno.h>

#include "mmu/access.h"
#include "vcpu/internal.h"

#define SEQ __ATOMIC_SEQ_CST

static uint64_t amo32(enum vcpu_op op, uint32_t *p, uint32_t b)
{
	uint32_t old = __atomic_load_n(p, SEQ), nv;

	switch (op) {
	case VCPU_OP_AMOSWAP_W: return __atomic_exchange_n(p, b, SEQ);
	case VCPU_OP_AMOADD_W: return __atomic_fetch_add(p, b, SEQ);
	case VCPU_OP_AMOXOR_W: return __atomic_fetch_xor(p, b, SEQ);
	case VCPU_OP_AMOAND_W: return __atomic_fetch_and(p, b, SEQ);
	case VCPU_OP_AMOOR_W: return __atomic_fetch_or(p, b, SEQ);
	default:
		break;
	}
	do {
		switch (op) {
		case VCPU_OP_AMOMIN_W: nv = (int32_t)old < (int32_t)b ? old : b; break;
		case VCPU_OP_AMOMAX_W: nv = (int32_t)old > (int32_t)b ? old : b; break;
		case VCPU_OP_AMOMINU_W: nv = old < b ? old : b; break;
		default: nv = old > b ? old : b; break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, nv, 1, SEQ, SEQ));
	return old;
}

static uint64_t amo64(enum vcpu_op op, uint64_t *p, uint64_t b)
{
	uint64_t old = __atomic_load_n(p, SEQ), nv;

	switch (op) {
	case VCPU_OP_AMOSWAP_D: return __atomic_exchange_n(p, b, SEQ);
	case VCPU_OP_AMOADD_D: return __atomic_fetch_add(p, b, SEQ);
	case VCPU_OP_AMOXOR_D: return __atomic_fetch_xor(p, b, SEQ);
	case VCPU_OP_AMOAND_D: return __atomic_fetch_and(p, b, SEQ);
	case VCPU_OP_AMOOR_D: return __atomic_fetch_or(p, b, SEQ);
	default:
		break;
	}
	do {
		switch (op) {
		case VCPU_OP_AMOMIN_D: nv = (int64_t)old < (int64_t)b ? old : b; break;
		case VCPU_OP_AMOMAX_D: nv = (int64_t)old > (int64_t)b ? old : b; break;
		case VCPU_OP_AMOMINU_D: nv = old < b ? old : b; break;
		default: nv = old > b ? old : b; break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, nv, 1, SEQ, SEQ));
	return old;
}

static int load_reserved(struct vcpu *v, uint64_t addr, unsigned size,
			 uint64_t *out)
{
	void *p = mmu_host_ptr(v->mmu, addr, size, MMU_ACC_READ);

	if (!p)
		return -EFAULT;
	if (size == 4) {
		uint32_t w = __atomic_load_n((uint32_t *)p, SEQ);

		v->res_value = w;
		*out = (uint64_t)(int64_t)(int32_t)w;
	} else {
		v->res_value = __atomic_load_n((uint64_t *)p, SEQ);
		*out = v->res_value;
	}
	/* The low bit says the reservation's size: addresses are aligned. */
	v->s->reservation = mmu_host_to_pa(v->mmu, p) | (size == 8);
	return 0;
}

static int store_conditional(struct vcpu *v, uint64_t addr, unsigned size,
			     uint64_t src, uint64_t *out)
{
	void *p = mmu_host_ptr(v->mmu, addr, size, MMU_ACC_WRITE);
	uint64_t res = v->s->reservation;
	int ok = 0;

	if (!p)
		return -EFAULT;
	v->s->reservation = ~0ull;
	if (res == (mmu_host_to_pa(v->mmu, p) | (size == 8))) {
		if (size == 4) {
			uint32_t expect = (uint32_t)v->res_value;

			ok = __atomic_compare_exchange_n((uint32_t *)p, &expect,
							 (uint32_t)src, 0, SEQ, SEQ);
		} else {
			uint64_t expect = v->res_value;

			ok = __atomic_compare_exchange_n((uint64_t *)p, &expect, src,
							 0, SEQ, SEQ);
		}
	}
	*out = ok ? 0 : 1;
	return 0;
}

int vcpu_atomic(struct vcpu *v, const struct vcpu_insn *in, uint64_t addr,
		uint64_t src, uint64_t *out)
{
	enum vcpu_op op = (enum vcpu_op)in->op;
	void *p;

	switch (op) {
	case VCPU_OP_LR_W: return load_reserved(v, addr, 4, out);
	case VCPU_OP_LR_D: return load_reserved(v, addr, 8, out);
	case VCPU_OP_SC_W: return store_conditional(v, addr, 4, src, out);
	case VCPU_OP_SC_D: return store_conditional(v, addr, 8, src, out);
	default:
		break;
	}
	if (op >= VCPU_OP_AMOSWAP_W && op <= VCPU_OP_AMOMAXU_W) {
		p = mmu_host_ptr(v->mmu, addr, 4, MMU_ACC_WRITE);
		if (!p)
			return -EFAULT;
		*out = (uint64_t)(int64_t)(int32_t)amo32(op, p, (uint32_t)src);
		return 0;
	}
	p = mmu_host_ptr(v->mmu, addr, 8, MMU_ACC_WRITE);
	if (!p)
		return -EFAULT;
	*out = amo64(op, p, src);
	return 0;
}
