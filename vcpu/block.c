/* SPDX-License-Identifier: MIT */
/*
 * Building decoded blocks for the interpreter (struct vcpu_block): decode
 * forward from a pc until an instruction that transfers control or changes
 * privileged state, the end of the guest page, or the block's capacity.
 * Stopping at the page end keeps every instruction of a block under one
 * translation, so one TLB lookup at block entry covers all of them.
 */
#include <string.h>

#include "mmu/tlb.h"
#include "vcpu/internal.h"

/* Whether @op ends a block: jumps, branches, traps, xRET, WFI, fences of
 * translation or code, CSR accesses (which may change translation or
 * interrupt enables), and illegal encodings. */
static int ends_block(enum vcpu_op op)
{
	switch (op) {
	case VCPU_OP_JAL: case VCPU_OP_JALR:
	case VCPU_OP_BEQ: case VCPU_OP_BNE: case VCPU_OP_BLT: case VCPU_OP_BGE:
	case VCPU_OP_BLTU: case VCPU_OP_BGEU:
	case VCPU_OP_ECALL: case VCPU_OP_EBREAK: case VCPU_OP_SRET:
	case VCPU_OP_MRET: case VCPU_OP_WFI: case VCPU_OP_SFENCE_VMA:
	case VCPU_OP_FENCE_I: case VCPU_OP_ILLEGAL:
		return 1;
	default:
		return op >= VCPU_OP_CSRRW && op <= VCPU_OP_CSRRCI;
	}
}

void vcpu_decode_memo(struct vcpu *v, uint32_t raw, struct vcpu_insn *in)
{
	struct vcpu_insn *m = &v->memo[(raw ^ (raw >> 12) ^ (raw >> 20)) &
				       (VCPU_MEMO_SIZE - 1)];

	if (m->raw != raw || m->len == 0)
		vcpu_decode(raw, m);
	*in = *m;
}

void vcpu_block_build(struct vcpu *v, struct vcpu_block *b, uint64_t pc,
		      const uint8_t *host)
{
	uint64_t off = pc & ~MMU_PAGE_MASK;
	unsigned n = 0;
	uint16_t lo;
	uint32_t raw;

	b->pc = pc;
	b->host = (uintptr_t)host;
	while (n < VCPU_BLOCK_INSNS && off + 2 <= MMU_PAGE_SIZE) {
		memcpy(&lo, host, 2);
		raw = lo;
		if ((lo & 3) == 3) {
			if (off + 4 > MMU_PAGE_SIZE)
				break;
			memcpy(&raw, host, 4);
		}
		vcpu_decode_memo(v, raw, &b->in[n]);
		if (ends_block((enum vcpu_op)b->in[n++].op))
			break;
		off += b->in[n - 1].len;
		host += b->in[n - 1].len;
	}
	b->n = n;
}
