/* SPDX-License-Identifier: MIT */
/*
 * Randomised differential test of the integer instructions: every RV64I,
 * M and A register-register operation, the immediate forms with a spread
 * of immediates, and the 16-bit compressed ALU forms, each run on a few
 * thousand operand pairs drawn from edge values (0, +-1, INT_MIN/MAX, 32-bit
 * boundaries) and random bits. One hash per instruction is printed; the
 * comparison with QEMU names the instruction at fault.
 */
#include "isa.h"

#define ROUNDS 3000

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	seed ^= seed << 7;
	seed ^= seed >> 9;
	return seed;
}

static const uint64_t edges[] = {
	0, 1, 2, ~0ul, ~1ul, 0x7ffffffffffffffful, 0x8000000000000000ul,
	0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ul, 0x100000000ul,
	0xffffffff7ffffffful, 63, 64, 31, 32,
};

static uint64_t gen(void)
{
	uint64_t r = rnd();

	switch (r % 4) {
	case 0:
		return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (uint64_t)((int64_t)(r >> 8) % 100);
	default:
		return rnd();
	}
}

#define WRR(name) static uint64_t f_##name(uint64_t a, uint64_t b) \
	{ return RR(name, a, b); }
#define WRI(name, imm, tag) static uint64_t f_##name##_##tag(uint64_t a, \
	uint64_t b) { (void)b; return RI(name, a, imm); }

WRR(add) WRR(sub) WRR(sll) WRR(slt) WRR(sltu) WRR(xor) WRR(srl) WRR(sra)
WRR(or) WRR(and) WRR(addw) WRR(subw) WRR(sllw) WRR(srlw) WRR(sraw)
WRR(mul) WRR(mulh) WRR(mulhsu) WRR(mulhu) WRR(div) WRR(divu) WRR(rem)
WRR(remu) WRR(mulw) WRR(divw) WRR(divuw) WRR(remw) WRR(remuw)
WRI(addi, -2048, m) WRI(addi, 2047, p) WRI(slti, -1, m) WRI(sltiu, -1, m)
WRI(sltiu, 100, p) WRI(xori, -1, m) WRI(ori, 0x555, p) WRI(andi, -256, m)
WRI(slli, 1, a) WRI(slli, 33, b) WRI(srli, 7, a) WRI(srli, 63, b)
WRI(srai, 5, a) WRI(srai, 40, b) WRI(addiw, -1, m) WRI(addiw, 1000, p)
WRI(slliw, 31, a) WRI(srliw, 1, a) WRI(sraiw, 17, a)

/* compressed register forms need x8..x15: a0 and a1 */
#define WC(id) static uint64_t f_c_##id(uint64_t a, uint64_t b) { \
	register uint64_t ra_ __asm__("a0") = a; \
	register uint64_t rb_ __asm__("a1") = b; \
	__asm__(".option push\n.option rvc\nc." #id " a0, a1\n.option pop" \
		: "+r"(ra_) : "r"(rb_)); return ra_; }

WC(sub) WC(xor) WC(or) WC(and) WC(subw) WC(addw)

static uint64_t amo_cell;

#define WA(op, w) static uint64_t f_amo##op##_##w(uint64_t a, uint64_t b) { \
	uint64_t r_; amo_cell = a; \
	__asm__ volatile("amo" #op "." #w " %0, %2, (%1)" : "=r"(r_) \
			 : "r"(&amo_cell), "r"(b) : "memory"); \
	return r_ * 31 + amo_cell; }

WA(swap, w) WA(add, w) WA(xor, w) WA(and, w) WA(or, w)
WA(min, w) WA(max, w) WA(minu, w) WA(maxu, w)
WA(swap, d) WA(add, d) WA(xor, d) WA(and, d) WA(or, d)
WA(min, d) WA(max, d) WA(minu, d) WA(maxu, d)

struct op {
	const char *name;
	uint64_t (*fn)(uint64_t, uint64_t);
};

#define O(name) { #name, f_##name }
#define OI(name, tag) { #name "/" #tag, f_##name##_##tag }
#define OC(id) { "c." #id, f_c_##id }
#define OA(op, w) { "amo" #op "." #w, f_amo##op##_##w }

static const struct op ops[] = {
	O(add), O(sub), O(sll), O(slt), O(sltu), O(xor), O(srl), O(sra),
	O(or), O(and), O(addw), O(subw), O(sllw), O(srlw), O(sraw),
	O(mul), O(mulh), O(mulhsu), O(mulhu), O(div), O(divu), O(rem),
	O(remu), O(mulw), O(divw), O(divuw), O(remw), O(remuw),
	OI(addi, m), OI(addi, p), OI(slti, m), OI(sltiu, m), OI(sltiu, p),
	OI(xori, m), OI(ori, p), OI(andi, m), OI(slli, a), OI(slli, b),
	OI(srli, a), OI(srli, b), OI(srai, a), OI(srai, b), OI(addiw, m),
	OI(addiw, p), OI(slliw, a), OI(srliw, a), OI(sraiw, a),
	OC(sub), OC(xor), OC(or), OC(and), OC(subw), OC(addw),
	OA(swap, w), OA(add, w), OA(xor, w), OA(and, w), OA(or, w),
	OA(min, w), OA(max, w), OA(minu, w), OA(maxu, w),
	OA(swap, d), OA(add, d), OA(xor, d), OA(and, d), OA(or, d),
	OA(min, d), OA(max, d), OA(minu, d), OA(maxu, d),
};

int main(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint64_t h = 0xcbf29ce484222325ull;

		for (int k = 0; k < ROUNDS; k++)
			h = (h ^ ops[i].fn(gen(), gen())) * 0x100000001b3ull;
		rt_printf("%-10s %016lx\n", ops[i].name, h);
		rt_sig_add(h);
	}
	CHECK(sizeof(ops) / sizeof(ops[0]) > 40);
	return rt_done("prog_intrand");
}
