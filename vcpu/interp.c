/* SPDX-License-Identifier: MIT */
/*
 * The interpreter: one tight loop with computed-goto dispatch.
 *
 * Code runs from decoded blocks (block.c): at a block's entry one TLB
 * lookup gives the host address of its guest page, and the block cache
 * gives the decoded instructions. Each instruction's encoding is compared
 * with the guest bytes before it runs (one load and compare), so the
 * cache stays coherent with every writer of code (this hart with or
 * without FENCE.I, other harts, DMA) without invalidation: decoding is a
 * pure function of the bits, and a mismatch just rebuilds the block.
 *
 * x0 is cleared before each instruction instead of testing rd. pc lives
 * in a local and is written back before anything that may trap or look at
 * it. Retired instructions are counted exactly: a chunk's count goes into
 * minstret/mcycle at its end and before every CSR instruction, a trapping
 * instruction does not retire, and a CSR write to a counter is not
 * followed by that instruction's own increment.
 *
 * Instructions that change what interrupts or translation depend on (CSR
 * writes, MRET/SRET, WFI) end the chunk, so that vcpu_run checks for
 * interrupts before the next one; so do MMIO stores (a CLINT, PLIC or
 * device register write may raise an interrupt).
 */
#include <errno.h>
#include <string.h>

#include "mmu/access.h"
#include "vcpu/fpu.h"
#include "vcpu/internal.h"
#include "vcpu/priv.h"

#define FS_DIRTY VCPU_MSTATUS_FS

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define RD  x[in->rd]
#define RS1 x[in->rs1]
#define RS2 x[in->rs2]
#define IMM ((uint64_t)in->imm)
#define SX32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))
#define NEXT do { pc += in->len; done++; goto next; } while (0)
#define BRANCH(cond) do { pc += (cond) ? IMM : in->len; done++; \
			  goto lookup; } while (0)
#define LOAD(size, expr) do { uint64_t v_; s->pc = pc; \
	if (unlikely(mmu_load(m, RS1 + IMM, size, &v_))) goto mem_fault; \
	RD = (expr); NEXT; } while (0)
#define STORE(size) do { s->pc = pc; \
	if (unlikely(mmu_store(m, RS1 + IMM, size, RS2))) goto mem_fault; \
	if (unlikely(v->mmio_written)) { v->mmio_written = 0; limit = done + 1; } \
	NEXT; } while (0)
#define FS_CHECK() do { if (unlikely(!(s->mstatus & VCPU_MSTATUS_FS))) \
	goto illegal; } while (0)

static uint64_t div64(int64_t a, int64_t b)
{
	if (b == 0)
		return ~0ull;
	if (a == INT64_MIN && b == -1)
		return (uint64_t)a;
	return (uint64_t)(a / b);
}

static uint64_t rem64(int64_t a, int64_t b)
{
	if (b == 0)
		return (uint64_t)a;
	if (a == INT64_MIN && b == -1)
		return 0;
	return (uint64_t)(a % b);
}

static uint64_t div32(int32_t a, int32_t b)
{
	if (b == 0)
		return ~0ull;
	if (a == INT32_MIN && b == -1)
		return SX32(a);
	return SX32(a / b);
}

static uint64_t rem32(int32_t a, int32_t b)
{
	if (b == 0)
		return SX32(a);
	if (a == INT32_MIN && b == -1)
		return 0;
	return SX32(a % b);
}

static uint64_t mulhsu(int64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)a * (__int128)b) >> 64);
}

/* The encoding at host address @p, @len (2 or 4) bytes long. */
static inline uint32_t bytes_at(uintptr_t p, unsigned len)
{
	uint16_t h;
	uint32_t w;

	if (len == 2) {
		memcpy(&h, (const void *)p, 2);
		return h;
	}
	memcpy(&w, (const void *)p, 4);
	return w;
}

static inline struct vcpu_block *block_of(struct vcpu *v, uint64_t pc)
{
	return &v->blocks[((pc >> 1) ^ (pc >> 13)) & (VCPU_BLOCKS - 1)];
}

/* The CSR instruction @in; returns the old value in *@old or -EPERM. */
static int csr_insn(struct vcpu *v, const struct vcpu_insn *in, uint64_t rs1v,
		    uint64_t *old)
{
	enum vcpu_csr_kind kind;
	uint64_t src = rs1v;
	int write = 1;

	switch (in->op) {
	case VCPU_OP_CSRRWI: src = in->rs1; /* fall through */
	case VCPU_OP_CSRRW: kind = VCPU_CSR_WRITE; break;
	case VCPU_OP_CSRRSI: src = in->rs1; /* fall through */
	case VCPU_OP_CSRRS: kind = VCPU_CSR_SET; write = in->rs1 != 0; break;
	case VCPU_OP_CSRRCI: src = in->rs1; /* fall through */
	default: kind = VCPU_CSR_CLEAR; write = in->rs1 != 0; break;
	}
	v->counters_written = 0;
	return vcpu_csr_rw(v, (unsigned)in->imm, kind, src, write, old);
}

/* SFENCE.VMA and WFI permission checks (TVM, TW, U-mode). */
static int priv_ok(const struct vcpu_state *s, enum vcpu_op op)
{
	if (s->priv == VCPU_PRIV_M)
		return 1;
	if (s->priv == VCPU_PRIV_U)
		return 0;
	if (op == VCPU_OP_WFI)
		return !(s->mstatus & VCPU_MSTATUS_TW);
	return !(s->mstatus & VCPU_MSTATUS_TVM);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"

uint64_t vcpu_interp(struct vcpu *v, uint64_t limit)
{
	static const void *const labels[VCPU_OP__COUNT] = {
		[0 ... VCPU_OP__COUNT - 1] = &&op_FPU,
#define L(name) [VCPU_OP_##name] = &&op_##name,
		L(ILLEGAL) L(LUI) L(AUIPC) L(JAL) L(JALR)
		L(BEQ) L(BNE) L(BLT) L(BGE) L(BLTU) L(BGEU)
		L(LB) L(LH) L(LW) L(LD) L(LBU) L(LHU) L(LWU)
		L(SB) L(SH) L(SW) L(SD)
		L(ADDI) L(SLTI) L(SLTIU) L(XORI) L(ORI) L(ANDI)
		L(SLLI) L(SRLI) L(SRAI)
		L(ADD) L(SUB) L(SLL) L(SLT) L(SLTU) L(XOR) L(SRL) L(SRA) L(OR) L(AND)
		L(ADDIW) L(SLLIW) L(SRLIW) L(SRAIW)
		L(ADDW) L(SUBW) L(SLLW) L(SRLW) L(SRAW)
		L(FENCE) L(FENCE_I) L(ECALL) L(EBREAK)
		L(SRET) L(MRET) L(WFI) L(SFENCE_VMA)
		[VCPU_OP_CSRRW ... VCPU_OP_CSRRCI] = &&op_CSR,
		L(MUL) L(MULH) L(MULHSU) L(MULHU) L(DIV) L(DIVU) L(REM) L(REMU)
		L(MULW) L(DIVW) L(DIVUW) L(REMW) L(REMUW)
		[VCPU_OP_LR_W ... VCPU_OP_AMOMAXU_D] = &&op_ATOMIC,
		L(FLW) L(FSW) L(FLD) L(FSD)
#undef L
	};
	struct vcpu_state *const s = v->s;
	struct mmu_hart *const m = v->mmu;
	uint64_t *const x = s->x;
	uint64_t pc = s->pc;
	uint64_t done = 0, faulted = 0, counted = 0, cause, tval, val;
	const struct mmu_tlb_entry *e;
	struct vcpu_insn *in = NULL, *end = NULL;
	struct vcpu_block *b;
	uintptr_t addend = 0;
	uint32_t raw;

	goto lookup;

	/* The next instruction of the current block, if its bytes are still
	 * those it was decoded from. */
next:
	if (unlikely(done >= limit))
		goto out;
	x[0] = 0;
	if (likely(++in < end) &&
	    likely(bytes_at(pc + addend, in->len) == in->raw))
		goto *labels[in->op];
	goto find_block;

	/* A new block: one TLB lookup, then the block cache. */
lookup:
	if (unlikely(done >= limit))
		goto out;
	x[0] = 0;
find_block:
	e = &m->tlb.cur[MMU_ACC_FETCH][(pc >> MMU_PAGE_SHIFT) & MMU_TLB_MASK];
	if (likely(e->tag == (pc & MMU_PAGE_MASK))) {
		addend = e->addend;
		b = block_of(v, pc);
		if (unlikely(b->pc != pc || b->host != pc + addend ||
			     (b->n && bytes_at(pc + addend, b->in[0].len) !=
				      b->in[0].raw)))
			vcpu_block_build(v, b, pc, (const uint8_t *)(pc + addend));
		if (likely(b->n)) {
			in = b->in;
			end = in + b->n;
			goto *labels[in->op];
		}
	}
	/* Off the block path: MMIO code (the boot ROM), an instruction that
	 * straddles a page, or a TLB miss (which the mmu fills or faults). */
	if (unlikely(mmu_fetch_insn(m, pc, &raw) != 0)) {
		cause = m->fault.cause;
		tval = m->fault.tval;
		goto trap;
	}
	in = &v->single;
	vcpu_decode_memo(v, raw, in);
	end = in + 1;
	goto *labels[in->op];

op_LUI:   RD = IMM; NEXT;
op_AUIPC: RD = pc + IMM; NEXT;
op_JAL:   RD = pc + in->len; pc += IMM; done++; goto lookup;
op_JALR:  val = (RS1 + IMM) & ~1ull; RD = pc + in->len; pc = val; done++;
	  goto lookup;
op_BEQ:  BRANCH(RS1 == RS2);
op_BNE:  BRANCH(RS1 != RS2);
op_BLT:  BRANCH((int64_t)RS1 < (int64_t)RS2);
op_BGE:  BRANCH((int64_t)RS1 >= (int64_t)RS2);
op_BLTU: BRANCH(RS1 < RS2);
op_BGEU: BRANCH(RS1 >= RS2);
op_LB:  LOAD(1, (uint64_t)(int64_t)(int8_t)v_);
op_LH:  LOAD(2, (uint64_t)(int64_t)(int16_t)v_);
op_LW:  LOAD(4, SX32(v_));
op_LD:  LOAD(8, v_);
op_LBU: LOAD(1, v_);
op_LHU: LOAD(2, v_);
op_LWU: LOAD(4, v_);
op_SB: STORE(1);
op_SH: STORE(2);
op_SW: STORE(4);
op_SD: STORE(8);
op_ADDI:  RD = RS1 + IMM; NEXT;
op_SLTI:  RD = (int64_t)RS1 < (int64_t)IMM; NEXT;
op_SLTIU: RD = RS1 < IMM; NEXT;
op_XORI:  RD = RS1 ^ IMM; NEXT;
op_ORI:   RD = RS1 | IMM; NEXT;
op_ANDI:  RD = RS1 & IMM; NEXT;
op_SLLI:  RD = RS1 << (IMM & 63); NEXT;
op_SRLI:  RD = RS1 >> (IMM & 63); NEXT;
op_SRAI:  RD = (uint64_t)((int64_t)RS1 >> (IMM & 63)); NEXT;
op_ADD:  RD = RS1 + RS2; NEXT;
op_SUB:  RD = RS1 - RS2; NEXT;
op_SLL:  RD = RS1 << (RS2 & 63); NEXT;
op_SLT:  RD = (int64_t)RS1 < (int64_t)RS2; NEXT;
op_SLTU: RD = RS1 < RS2; NEXT;
op_XOR:  RD = RS1 ^ RS2; NEXT;
op_SRL:  RD = RS1 >> (RS2 & 63); NEXT;
op_SRA:  RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT;
op_OR:   RD = RS1 | RS2; NEXT;
op_AND:  RD = RS1 & RS2; NEXT;
op_ADDIW: RD = SX32(RS1 + IMM); NEXT;
op_SLLIW: RD = SX32((uint32_t)RS1 << (IMM & 31)); NEXT;
op_SRLIW: RD = SX32((uint32_t)RS1 >> (IMM & 31)); NEXT;
op_SRAIW: RD = SX32((int32_t)RS1 >> (IMM & 31)); NEXT;
op_ADDW: RD = SX32(RS1 + RS2); NEXT;
op_SUBW: RD = SX32(RS1 - RS2); NEXT;
op_SLLW: RD = SX32((uint32_t)RS1 << (RS2 & 31)); NEXT;
op_SRLW: RD = SX32((uint32_t)RS1 >> (RS2 & 31)); NEXT;
op_SRAW: RD = SX32((int32_t)RS1 >> (RS2 & 31)); NEXT;
op_MUL:    RD = RS1 * RS2; NEXT;
op_MULH:   RD = (uint64_t)(((__int128)(int64_t)RS1 * (int64_t)RS2) >> 64); NEXT;
op_MULHSU: RD = mulhsu((int64_t)RS1, RS2); NEXT;
op_MULHU:  RD = (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64); NEXT;
op_DIV:    RD = div64((int64_t)RS1, (int64_t)RS2); NEXT;
op_DIVU:   RD = RS2 ? RS1 / RS2 : ~0ull; NEXT;
op_REM:    RD = rem64((int64_t)RS1, (int64_t)RS2); NEXT;
op_REMU:   RD = RS2 ? RS1 % RS2 : RS1; NEXT;
op_MULW:   RD = SX32((uint32_t)RS1 * (uint32_t)RS2); NEXT;
op_DIVW:   RD = div32((int32_t)RS1, (int32_t)RS2); NEXT;
op_DIVUW:  RD = (uint32_t)RS2 ? SX32((uint32_t)RS1 / (uint32_t)RS2) : ~0ull;
	   NEXT;
op_REMW:   RD = rem32((int32_t)RS1, (int32_t)RS2); NEXT;
op_REMUW:  RD = SX32((uint32_t)RS2 ? (uint32_t)RS1 % (uint32_t)RS2
				    : (uint32_t)RS1);
	   NEXT;
op_FENCE:
op_FENCE_I:
	NEXT;
op_ECALL:
	cause = VCPU_EXC_ECALL_U + s->priv;
	tval = 0;
	goto trap;
op_EBREAK:
	cause = VCPU_EXC_BREAKPOINT;
	tval = pc;
	goto trap;
op_MRET:
op_SRET:
	s->pc = pc;
	if ((in->op == VCPU_OP_MRET ? vcpu_mret(v) : vcpu_sret(v)) < 0)
		goto illegal;
	pc = s->pc;
	done++;
	limit = done;
	goto lookup;
op_WFI:
	if (!priv_ok(s, VCPU_OP_WFI))
		goto illegal;
	s->wfi = 1;
	limit = done + 1;
	NEXT;
op_SFENCE_VMA:
	if (!priv_ok(s, VCPU_OP_SFENCE_VMA))
		goto illegal;
	mmu_sfence_vma(m, in->rs1 != 0, RS1, in->rs2 != 0, RS2);
	NEXT;
op_CSR:
	s->pc = pc;
	vcpu_count(v, done - faulted - counted, 0);
	counted = done - faulted;
	if (csr_insn(v, in, RS1, &val) < 0)
		goto illegal;
	vcpu_count(v, 1, v->counters_written);
	counted++;
	RD = val;
	if (in->op == VCPU_OP_CSRRW || in->op == VCPU_OP_CSRRWI || in->rs1)
		limit = done + 1;
	NEXT;
op_ATOMIC:
	s->pc = pc;
	if (unlikely(vcpu_atomic(v, in, RS1, RS2, &val) < 0))
		goto mem_fault;
	RD = val;
	NEXT;
op_FLW:
	FS_CHECK();
	s->pc = pc;
	if (unlikely(mmu_load(m, RS1 + IMM, 4, &val)))
		goto mem_fault;
	s->f[in->rd] = vcpu_fpu_box32((uint32_t)val);
	s->mstatus |= FS_DIRTY;
	NEXT;
op_FLD:
	FS_CHECK();
	s->pc = pc;
	if (unlikely(mmu_load(m, RS1 + IMM, 8, &val)))
		goto mem_fault;
	s->f[in->rd] = val;
	s->mstatus |= FS_DIRTY;
	NEXT;
op_FSW:
	FS_CHECK();
	s->pc = pc;
	if (unlikely(mmu_store(m, RS1 + IMM, 4, s->f[in->rs2])))
		goto mem_fault;
	NEXT;
op_FSD:
	FS_CHECK();
	s->pc = pc;
	if (unlikely(mmu_store(m, RS1 + IMM, 8, s->f[in->rs2])))
		goto mem_fault;
	NEXT;
op_FPU:
	FS_CHECK();
	if (vcpu_fpu_exec(s, in) != 0)
		goto illegal;
	s->mstatus |= FS_DIRTY;
	NEXT;

op_ILLEGAL:
illegal:
	cause = VCPU_EXC_ILLEGAL;
	tval = in->raw;
	goto trap;
mem_fault:
	cause = m->fault.cause;
	tval = m->fault.tval;
trap:
	s->pc = pc;
	done++;
	faulted++;
	vcpu_trap(v, cause, tval);
	pc = s->pc;
	goto lookup;
out:
	x[0] = 0;
	s->pc = pc;
	vcpu_count(v, done - faulted - counted, 0);
	return done;
}

#pragma GCC diagnostic pop
