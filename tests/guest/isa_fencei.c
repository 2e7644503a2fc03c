/* SPDX-License-Identifier: MIT */
/*
 * Zifencei: code written by stores becomes executable after fence.i. A
 * function in RAM is called many times (long enough for a JIT or a decode
 * cache to hold on to it), rewritten (whole words, single bytes of an
 * immediate, 16-bit compressed parcels, a longer body), fenced and called
 * again; every call must see the latest code. Under Sv39, code written
 * through one virtual address and run through another, and executable
 * mappings changed (PTE + sfence.vma, or another satp) under a warm address.
 */
#include "isa.h"

static uint32_t code[64] __attribute__((aligned(64)));

typedef long (*fn_t)(long);

static long call(void)
{
	__asm__ volatile("fence.i" ::: "memory");
	return ((fn_t)(uintptr_t)code)(0);
}

/* addi a0, zero, imm (imm in -2048..2047) */
static uint32_t li_a0(int imm)
{
	return (uint32_t)(imm & 0xfff) << 20 | 10 << 7 | 0x13;
}

#define RET 0x00008067u

static void test_words(void)
{
	long sum = 0;

	code[0] = li_a0(1);
	code[1] = RET;
	for (int i = 0; i < 1000; i++)
		sum += call();
	CHECK_EQ(sum, 1000);
	for (int v = 2; v < 50; v++) {
		code[0] = li_a0(v);
		sum = 0;
		for (int i = 0; i < 20; i++)
			sum += call();
		CHECK_EQ(sum, 20 * v);
	}
}

static void test_bytes(void)
{
	volatile uint8_t *b = (volatile uint8_t *)code;

	code[0] = li_a0(0x100);
	code[1] = RET;
	CHECK_EQ(call(), 0x100);
	b[3] = 0x7f;            /* imm[11:4] of the addi: 0x7f0 | 0x0 */
	CHECK_EQ(call(), 0x7f0);
	b[2] = (uint8_t)(b[2] | 0xf0); /* imm[3:0] */
	CHECK_EQ(call(), 0x7ff);
}

static void test_compressed(void)
{
	volatile uint16_t *h = (volatile uint16_t *)code;

	h[0] = 0x4515;          /* c.li a0, 5 */
	h[1] = 0x8082;          /* c.jr ra */
	CHECK_EQ(call(), 5);
	h[0] = 0x557d;          /* c.li a0, -1 */
	CHECK_EQ(call(), -1);
	/* a 32-bit instruction at a 2-byte boundary */
	h[0] = 0x0001;          /* c.nop */
	h[1] = (uint16_t)li_a0(42);
	h[2] = (uint16_t)(li_a0(42) >> 16);
	h[3] = 0x8082;
	CHECK_EQ(call(), 42);
}

/* a body that adds 1..n to a0, then returns */
static void gen_sum(int n)
{
	code[0] = li_a0(0);
	for (int i = 1; i <= n; i++)
		code[i] = (uint32_t)i << 20 | 10 << 15 | 10 << 7 | 0x13;
	code[n + 1] = RET;
}

static void test_bodies(void)
{
	for (int n = 1; n < 60; n += 7) {
		gen_sum(n);
		for (int i = 0; i < 10; i++)
			CHECK_EQ(call(), n * (n + 1) / 2);
	}
	/* shrink the body: the old tail must not run */
	gen_sum(3);
	code[2] = RET;
	CHECK_EQ(call(), 1);
}

/* ---- the same code through virtual aliases (Sv39, code run in S) ---- */

#define VA_W  0x2000000000ul        /* writable view of page 0 */
#define VA_X  0x2000001000ul        /* executable view of page 0 */
#define VA_X2 0x2000002000ul        /* page 1, then page 2 */

static uint32_t cpage[3][1024] __attribute__((aligned(4096)));

static long call_va(long va)
{
	return ((fn_t)(uintptr_t)va)(0);
}

/* In S: write "li a0, imm; ret" through VA_W, fence.i, run it at VA_X. */
static long s_patch_call(long imm)
{
	volatile uint32_t *w = (volatile uint32_t *)VA_W;
	long sum = 0;

	w[0] = li_a0((int)imm);
	w[1] = RET;
	__asm__ volatile("fence.i" ::: "memory");
	for (int i = 0; i < 10; i++)
		sum += call_va(VA_X);
	return sum;
}

static long s_sfence_call(long va)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	return call_va(va);
}

static long s_call(long va)
{
	return call_va(va);
}

static uint64_t *alias_root(void)
{
	uint64_t *root = rt_pt_alloc();
	uint64_t ad = PTE_A | PTE_D;

	rt_pt_identity(root, RT_SATP_SV39);
	rt_pt_map(root, RT_SATP_SV39, VA_W, (uintptr_t)cpage[0], 0,
		  PTE_R | PTE_W | ad);
	rt_pt_map(root, RT_SATP_SV39, VA_X, (uintptr_t)cpage[0], 0,
		  PTE_R | PTE_X | ad);
	rt_pt_map(root, RT_SATP_SV39, VA_X2, (uintptr_t)cpage[1], 0,
		  PTE_R | PTE_X | ad);
	return root;
}

static void test_aliases(void)
{
	uint64_t *root, *root2, *pte;

	rt_pt_reset();
	root = alias_root();
	root2 = alias_root();
	rt_pt_map(root2, RT_SATP_SV39, VA_X2, (uintptr_t)cpage[2], 0,
		  PTE_R | PTE_X | PTE_A | PTE_D);
	cpage[1][0] = li_a0(11);
	cpage[1][1] = RET;
	cpage[2][0] = li_a0(22);
	cpage[2][1] = RET;
	__asm__ volatile("fence.i" ::: "memory");
	csr_write(satp, rt_satp(RT_SATP_SV39, root));
	__asm__ volatile("sfence.vma" ::: "memory");
	for (int v = 1; v <= 30; v++)
		CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_patch_call, v), 10 * v);
	/* the executable mapping changes under a warm VA */
	for (int i = 0; i < 20; i++)
		CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_call, VA_X2), 11);
	pte = rt_pt_entry(root, RT_SATP_SV39, VA_X2, 0);
	*pte = ((uintptr_t)cpage[2] >> 12) << 10 | PTE_V | PTE_R | PTE_X |
	       PTE_A | PTE_D;
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sfence_call, VA_X2), 22);
	/* another address space, the same VA, other code */
	*pte = ((uintptr_t)cpage[1] >> 12) << 10 | PTE_V | PTE_R | PTE_X |
	       PTE_A | PTE_D;
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_call, VA_X2), 11);
	csr_write(satp, rt_satp(RT_SATP_SV39, root2));
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_call, VA_X2), 22);
	csr_write(satp, rt_satp(RT_SATP_SV39, root));
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_call, VA_X2), 11);
	csr_write(satp, 0);
}

int main(void)
{
	test_words();
	test_bytes();
	test_compressed();
	test_bodies();
	test_aliases();
	return rt_done("isa_fencei");
}
