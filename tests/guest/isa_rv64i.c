/* SPDX-License-Identifier: MIT */
/*
 * RV64I: arithmetic, logic, comparisons, shifts (including the shift-amount
 * masking), the 32-bit W operations and their sign extension, LUI/AUIPC,
 * every branch on signed/unsigned edges, JAL/JALR link values and target
 * rounding, every load width with sign/zero extension and every store width
 * leaving its neighbours alone, and misaligned accesses (performed).
 * Expected values follow from the ISA manual.
 */
#include "isa.h"

#define MIN64 0x8000000000000000ul
#define MAX64 0x7ffffffffffffffful

static void test_arith(void)
{
	CHECK_EQ(RR(add, 1, 2), 3);
	CHECK_EQ(RR(add, MAX64, 1), MIN64);
	CHECK_EQ(RR(add, -1, -1), -2);
	CHECK_EQ(RR(sub, 0, 1), -1);
	CHECK_EQ(RR(sub, MIN64, 1), MAX64);
	CHECK_EQ(RI(addi, 10, -11), -1);
	CHECK_EQ(RI(addi, 0, 2047), 2047);
	CHECK_EQ(RI(addi, 0, -2048), -2048);
	CHECK_EQ(RR(addw, 0x7fffffff, 1), 0xffffffff80000000ul);
	CHECK_EQ(RR(addw, 0xffffffff00000001ul, 0x100000001ul), 2);
	CHECK_EQ(RR(subw, 0, 1), -1);
	CHECK_EQ(RR(subw, 0x80000000ul, 1), 0x7fffffff);
	CHECK_EQ(RI(addiw, 0x7fffffff, 1), 0xffffffff80000000ul);
	CHECK_EQ(RI(addiw, 0x123456789ul, 0), 0x23456789);
	CHECK_EQ(RI(addiw, 0xfffffffful, 0), -1);
	CHECK_EQ(RR(slt, -1, 0), 1);
	CHECK_EQ(RR(slt, 0, -1), 0);
	CHECK_EQ(RR(slt, MIN64, MAX64), 1);
	CHECK_EQ(RR(sltu, -1, 0), 0);
	CHECK_EQ(RR(sltu, 0, -1), 1);
	CHECK_EQ(RR(sltu, 5, 5), 0);
	CHECK_EQ(RI(slti, -5, -4), 1);
	CHECK_EQ(RI(slti, 2047, 2047), 0);
	CHECK_EQ(RI(sltiu, 0, -1), 1);     /* imm sign-extends to ~0 */
	CHECK_EQ(RI(sltiu, -2, -1), 1);
	CHECK_EQ(RI(sltiu, -1, -1), 0);
	CHECK_EQ(RI(sltiu, 0, 1), 1);      /* seqz */
}

static void test_logic(void)
{
	CHECK_EQ(RR(and, 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
		 0x0f000f000f000f00ul);
	CHECK_EQ(RR(or, 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
		 0xfff0fff0fff0fff0ul);
	CHECK_EQ(RR(xor, 0xff00ff00ff00ff00ul, 0x0ff00ff00ff00ff0ul),
		 0xf0f0f0f0f0f0f0f0ul);
	CHECK_EQ(RI(andi, 0x123456789abcdeful, -16), 0x123456789abcde0ul);
	CHECK_EQ(RI(andi, 0x123456789abcdeful, 0x7ff), 0x5ef);
	CHECK_EQ(RI(ori, 0x1000, -2048), 0xfffffffffffff800ul);
	CHECK_EQ(RI(xori, 0x0123456789abcdeful, -1), 0xfedcba9876543210ul);
	CHECK_EQ(RI(xori, 0xf0, 0x0f), 0xff);
}

static void test_shifts(void)
{
	CHECK_EQ(RR(sll, 1, 63), MIN64);
	CHECK_EQ(RR(sll, 1, 64 + 3), 8);               /* only shamt[5:0] */
	CHECK_EQ(RR(srl, MIN64, 63), 1);
	CHECK_EQ(RR(srl, -1, 0x44), 0x0ffffffffffffffful);
	CHECK_EQ(RR(sra, MIN64, 63), -1);
	CHECK_EQ(RR(sra, 0x4000000000000000ul, 62), 1);
	CHECK_EQ(RR(sra, MIN64, 128 + 4), 0xf800000000000000ul);
	CHECK_EQ(RI(slli, 0xff, 56), 0xff00000000000000ul);
	CHECK_EQ(RI(srli, 0xff00000000000000ul, 60), 0xf);
	CHECK_EQ(RI(srai, 0xff00000000000000ul, 60), -1);
	CHECK_EQ(RI(srai, 0x7f00000000000000ul, 60), 7);
	CHECK_EQ(RI(slliw, 1, 31), 0xffffffff80000000ul);
	CHECK_EQ(RI(slliw, 0xffffffff00000003ul, 1), 6);
	CHECK_EQ(RI(srliw, 0xffffffff80000000ul, 0), 0xffffffff80000000ul);
	CHECK_EQ(RI(srliw, 0xffffffff80000000ul, 1), 0x40000000);
	CHECK_EQ(RI(srliw, 0x1234567800000000ul, 4), 0);
	CHECK_EQ(RI(sraiw, 0x80000000ul, 4), 0xfffffffff8000000ul);
	CHECK_EQ(RI(sraiw, 0x1234567880000000ul, 31), -1);
	CHECK_EQ(RI(sraiw, 0x1234567870000000ul, 31), 0);
	CHECK_EQ(RR(sllw, 1, 32 + 4), 16);             /* only shamt[4:0] */
	CHECK_EQ(RR(sllw, 3, 31), 0xffffffff80000000ul);
	CHECK_EQ(RR(srlw, 0xffffffff, 36), 0x0fffffff);
	CHECK_EQ(RR(srlw, 0x80000000, 0), 0xffffffff80000000ul);
	CHECK_EQ(RR(sraw, 0x80000000, 31), -1);
	CHECK_EQ(RR(sraw, 0xffffffff7ffffffful, 63), 0);
}

static void test_upper(void)
{
	uint64_t v, pc, link;

	__asm__ volatile("lui %0, 0x80000" : "=r"(v));
	CHECK_EQ(v, 0xffffffff80000000ul);
	__asm__ volatile("lui %0, 0x7ffff" : "=r"(v));
	CHECK_EQ(v, 0x7ffff000);
	__asm__ volatile("lui %0, 0xfffff" : "=r"(v));
	CHECK_EQ(v, 0xfffffffffffff000ul);
	__asm__ volatile(ISA_NORVC("auipc %0, 0\njal %1, 1f\n1:")
			 : "=r"(pc), "=r"(link));
	CHECK_EQ(link - pc, 8);
	CHECK((pc >> 31) == 1);
	__asm__ volatile(ISA_NORVC("auipc %0, 1\nauipc %1, 0")
			 : "=r"(v), "=r"(pc));
	CHECK_EQ(v + 4 - pc, 0x1000);
	__asm__ volatile(ISA_NORVC("auipc %0, 0xfffff\nauipc %1, 0")
			 : "=r"(v), "=r"(pc));
	CHECK_EQ(pc - 4 - v, 0x1000);
}

static void test_branches(void)
{
	CHECK_EQ(BR(beq, 5, 5), 1);
	CHECK_EQ(BR(beq, 5, 6), 0);
	CHECK_EQ(BR(bne, 5, 6), 1);
	CHECK_EQ(BR(bne, -1, -1), 0);
	CHECK_EQ(BR(blt, -1, 0), 1);
	CHECK_EQ(BR(blt, 0, -1), 0);
	CHECK_EQ(BR(blt, 3, 3), 0);
	CHECK_EQ(BR(blt, MIN64, MAX64), 1);
	CHECK_EQ(BR(bge, 3, 3), 1);
	CHECK_EQ(BR(bge, -1, 0), 0);
	CHECK_EQ(BR(bge, MAX64, MIN64), 1);
	CHECK_EQ(BR(bltu, 0, -1), 1);
	CHECK_EQ(BR(bltu, -1, 0), 0);
	CHECK_EQ(BR(bltu, 7, 7), 0);
	CHECK_EQ(BR(bgeu, -1, 0), 1);
	CHECK_EQ(BR(bgeu, 7, 7), 1);
	CHECK_EQ(BR(bgeu, MAX64, MIN64), 0);
}

static void test_jumps(void)
{
	uint64_t a, b, r;

	__asm__ volatile(ISA_NORVC("jal %0, 1f\n1: auipc %1, 0")
			 : "=r"(a), "=r"(b));
	CHECK_EQ(a, b);
	/* jalr clears bit 0 of the target and links pc + 4 */
	__asm__ volatile(ISA_NORVC("lla %1, 1f\naddi %1, %1, 1\n"
				   "li %2, 0\njalr %0, 0(%1)\n"
				   "li %2, 99\n1: addi %2, %2, 7")
			 : "=&r"(a), "=&r"(b), "=&r"(r));
	CHECK_EQ(r, 7);
	CHECK_EQ(b - 1 - a, 4);
	/* rd == rs1: the target comes from the old value, with an offset */
	__asm__ volatile(ISA_NORVC("lla %0, 1f\naddi %0, %0, -8\nli %1, 0\n"
				   "jalr %0, 8(%0)\nli %1, 99\n1: addi %1, %1, 5\n"
				   "auipc %2, 0")
			 : "=&r"(a), "=&r"(r), "=&r"(b));
	CHECK_EQ(r, 5);
	CHECK_EQ(b - a, 8);
	/* x0 as a destination discards the link and the write */
	__asm__ volatile(ISA_NORVC("jal x0, 1f\n1: addi x0, x0, 5\nmv %0, x0")
			 : "=r"(r));
	CHECK_EQ(r, 0);
}

static uint64_t mem[4];

static void test_loads(void)
{
	uint8_t *p = (uint8_t *)mem;

	mem[0] = 0x8182838485868788ul;
	mem[1] = 0x7172737475767778ul;
	CHECK_EQ(LD(lb, p, 0), 0xffffffffffffff88ul);
	CHECK_EQ(LD(lbu, p, 0), 0x88);
	CHECK_EQ(LD(lb, p, 8), 0x78);
	CHECK_EQ(LD(lh, p, 6), 0xffffffffffff8182ul);
	CHECK_EQ(LD(lhu, p, 6), 0x8182);
	CHECK_EQ(LD(lh, p, 14), 0x7172);
	CHECK_EQ(LD(lw, p, 4), 0xffffffff81828384ul);
	CHECK_EQ(LD(lwu, p, 4), 0x81828384);
	CHECK_EQ(LD(lw, p, 12), 0x71727374);
	CHECK_EQ(LD(ld, p, 0), 0x8182838485868788ul);
	CHECK_EQ(LD(ld, p + 16, -8), 0x7172737475767778ul);
	CHECK_EQ(LD(lbu, p + 16, -1), 0x71);
	CHECK_EQ(LD(lw, isa_addr(p, 2048), -2048), 0xffffffff85868788ul);
}

static void test_stores(void)
{
	uint8_t *p = (uint8_t *)mem;

	mem[0] = 0;
	mem[1] = ~0ul;
	ST(sb, 0x1234, p, 1);
	CHECK_EQ(mem[0], 0x3400);
	ST(sh, 0xabcdef, p, 2);
	CHECK_EQ(mem[0], 0xcdef3400);
	ST(sw, 0x1122334455667788ul, p, 4);
	CHECK_EQ(mem[0], 0x55667788cdef3400ul);
	ST(sd, 0x0102030405060708ul, p, 8);
	CHECK_EQ(mem[1], 0x0102030405060708ul);
	CHECK_EQ(mem[0], 0x55667788cdef3400ul);
	ST(sb, 0xff, p + 16, -1);
	CHECK_EQ(mem[1], 0xff02030405060708ul);
	ST(sw, 0, isa_addr(p, 2048), -2040);
	CHECK_EQ(mem[1], 0xff02030400000000ul);
}

/*
 * Misaligned loads and stores: the ISA lets them be performed or trap. Both
 * Tessera and QEMU perform them (in M-mode here), so check the values,
 * including across a page boundary.
 */
static uint8_t pages[8192] __attribute__((aligned(4096)));

static void test_misaligned(void)
{
	uint8_t *b = isa_addr(pages, 4096 - 8);

	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)(0x80 + i);
	CHECK_EQ(LD(lh, b, 1), 0xffffffffffff8281ul);
	CHECK_EQ(LD(lhu, b, 7), 0x8887);
	CHECK_EQ(LD(lw, b, 6), 0xffffffff89888786ul);
	CHECK_EQ(LD(lwu, b, 3), 0x86858483);
	CHECK_EQ(LD(ld, b, 5), 0x8c8b8a8988878685ul);
	ST(sd, 0x1122334455667788ul, b, 3);
	CHECK_EQ(LD(ld, b, 0), 0x4455667788828180ul);
	CHECK_EQ(LD(ld, b, 8), 0x8f8e8d8c8b112233ul);
	ST(sw, 0xaabbccdd, b, 7);
	CHECK_EQ(LD(lwu, b, 7), 0xaabbccdd);
	ST(sh, 0xeeff, b, 15);
	CHECK_EQ(LD(lhu, b, 15), 0xeeff);
	CHECK_EQ(b[16], 0xee);
}

static void test_misc(void)
{
	uint64_t r;

	__asm__ volatile(ISA_NORVC("fence\nfence rw, rw\nfence.tso\nfence i, o\n"
				   "li %0, 3") : "=r"(r) :: "memory");
	CHECK_EQ(r, 3);
	__asm__ volatile(ISA_NORVC("li t0, 9\nadd x0, t0, t0\nlui x0, 1\n"
				   "add %0, x0, x0") : "=r"(r) :: "t0");
	CHECK_EQ(r, 0);
	__asm__ volatile(ISA_NORVC("nop\nli %0, -1\nsrli %0, %0, 0") : "=r"(r));
	CHECK_EQ(r, ~0ul);
}

int main(void)
{
	test_arith();
	test_logic();
	test_shifts();
	test_upper();
	test_branches();
	test_jumps();
	test_loads();
	test_stores();
	test_misaligned();
	test_misc();
	return rt_done("isa_rv64i");
}
