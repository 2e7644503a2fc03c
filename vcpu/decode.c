/* SPDX-License-Identifier: MIT */
/*
 * vcpu_decode(): the dispatch over the per-extension decode tables.
 *
 * On first use the tables are indexed once (pthread_once): 32-bit entries
 * by major opcode (bits 6:2), compressed ones by quadrant and funct3, so a
 * lookup scans only the few entries that share those bits. The operands of
 * a 32-bit encoding are extracted the same way for every entry; the entry's
 * format only selects the immediate. The interpreter memoises the result
 * per instruction address (interp.c), so this path is not hot.
 */
#include <pthread.h>
#include <string.h>

#include "vcpu/decode.h"

#define BUCKET_MAX 64

struct bucket {
	unsigned n;
	struct vcpu_decode_entry e[BUCKET_MAX];
};

static struct bucket idx32[32];
static struct bucket idx16[24];
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static const char *const op_names[VCPU_OP__COUNT] = {
#define VCPU_OP_NAME(name) #name,
	VCPU_OPS(VCPU_OP_NAME)
#undef VCPU_OP_NAME
};
/* The mnemonics in lower case with '.' for '_', built with the index. */
static char names[VCPU_OP__COUNT][16];

static const struct vcpu_decode_table *const tables32[] = {
	&vcpu_decode_rvi, &vcpu_decode_rvm, &vcpu_decode_rva,
	&vcpu_decode_rvf, &vcpu_decode_rvd,
};

static unsigned bucket16(uint32_t raw)
{
	return ((raw & 3) << 3) | ((raw >> 13) & 7);
}

static void add(struct bucket *b, const struct vcpu_decode_entry *e)
{
	/* The tables are constant and sized well below BUCKET_MAX; the check
	 * keeps a future table mistake from overflowing. */
	if (b->n < BUCKET_MAX)
		b->e[b->n++] = *e;
}

static void build_names(void)
{
	for (unsigned i = 0; i < VCPU_OP__COUNT; i++) {
		const char *n = op_names[i];
		unsigned j;

		for (j = 0; n[j] && j < sizeof(names[i]) - 1; j++)
			names[i][j] = n[j] == '_' ? '.' :
				      (char)(n[j] >= 'A' && n[j] <= 'Z' ?
					     n[j] - 'A' + 'a' : n[j]);
		names[i][j] = 0;
	}
}

static void build_index(void)
{
	build_names();
	for (size_t t = 0; t < sizeof(tables32) / sizeof(tables32[0]); t++)
		for (unsigned i = 0; i < tables32[t]->n; i++) {
			const struct vcpu_decode_entry *e = &tables32[t]->e[i];

			add(&idx32[(e->match >> 2) & 31], e);
		}
	for (unsigned i = 0; i < vcpu_decode_rvc.n; i++) {
		const struct vcpu_decode_entry *e = &vcpu_decode_rvc.e[i];

		add(&idx16[bucket16(e->match)], e);
	}
}

static const struct vcpu_decode_entry *find(const struct bucket *b,
					    uint32_t raw)
{
	for (unsigned i = 0; i < b->n; i++)
		if ((raw & b->e[i].mask) == b->e[i].match)
			return &b->e[i];
	return NULL;
}

static inline int64_t sext(uint64_t x, unsigned n)
{
	return (int64_t)(x << (64 - n)) >> (64 - n);
}

static int64_t imm32(uint32_t r, unsigned fmt)
{
	switch (fmt) {
	case VCPU_FMT_I:
		return (int32_t)r >> 20;
	case VCPU_FMT_S:
		return sext(((r >> 25) << 5) | ((r >> 7) & 0x1f), 12);
	case VCPU_FMT_B:
		return sext(((r >> 31) << 12) | (((r >> 7) & 1) << 11) |
			    (((r >> 25) & 0x3f) << 5) | (((r >> 8) & 0xf) << 1), 13);
	case VCPU_FMT_U:
		return (int32_t)(r & 0xfffff000u);
	case VCPU_FMT_J:
		return sext(((r >> 31) << 20) | (((r >> 12) & 0xff) << 12) |
			    (((r >> 20) & 1) << 11) | (((r >> 21) & 0x3ff) << 1), 21);
	case VCPU_FMT_SH6:
		return (r >> 20) & 0x3f;
	case VCPU_FMT_SH5:
		return (r >> 20) & 0x1f;
	case VCPU_FMT_CSR:
		return r >> 20;
	default:
		return 0;
	}
}

static void illegal(uint32_t raw, struct vcpu_insn *in)
{
	memset(in, 0, sizeof(*in));
	in->op = VCPU_OP_ILLEGAL;
	in->raw = raw;
	in->len = (raw & 3) == 3 ? 4 : 2;
}

void vcpu_decode(uint32_t raw, struct vcpu_insn *in)
{
	const struct vcpu_decode_entry *e;

	pthread_once(&idx_once, build_index);
	if ((raw & 3) != 3) {
		raw &= 0xffff;
		e = find(&idx16[bucket16(raw)], raw);
		illegal(raw, in);
		if (!e || vcpu_decode_expand_c(raw, e->fmt, in) < 0) {
			illegal(raw, in);
			return;
		}
		in->op = e->op;
		in->rm = 7;
		return;
	}
	e = (raw & 0x1c) == 0x1c ? NULL : find(&idx32[(raw >> 2) & 31], raw);
	if (!e) {
		illegal(raw, in);
		return;
	}
	in->op = e->op;
	in->rd = (raw >> 7) & 0x1f;
	in->rs1 = (raw >> 15) & 0x1f;
	in->rs2 = (raw >> 20) & 0x1f;
	in->rs3 = raw >> 27;
	in->rm = (raw >> 12) & 7;
	in->aqrl = (raw >> 25) & 3;
	in->len = 4;
	in->imm = imm32(raw, e->fmt);
	in->raw = raw;
}

const char *vcpu_op_name(enum vcpu_op op)
{
	if ((unsigned)op >= VCPU_OP__COUNT)
		return "?";
	pthread_once(&idx_once, build_index);
	return names[op];
}
