/* SPDX-License-Identifier: MIT */
/*
 * Sv39 and Sv48 address translation, run once per mode. M builds the
 * tables and checks; small S- and U-mode functions do one access each and
 * their page faults come back to M (or to S when delegated). Covered: 4 KiB
 * pages, 2 MiB, 1 GiB and (Sv48) 512 GiB superpages, misaligned superpages,
 * negative canonical and non-canonical addresses, R/W/X permissions, the
 * reserved W-without-R and reserved PTE bits, V=0, the U bit with SUM
 * (data) and without it (fetch), MXR, hardware A/D updates, sfence.vma
 * (global and by address) after a PTE change, an instruction straddling
 * two pages, MPRV translating M's loads, delegation of page faults to S,
 * and satp ignoring writes of an unsupported mode.
 *
 * The runtime is identity-mapped (supervisor-only); U-mode code runs from a
 * user alias of RAM at U_ALIAS, which works because -mcmodel=medany code
 * addresses its data pc-relatively.
 */
#include "isa.h"

#define TVA      0x2000000000ul           /* 4 KiB test pages */
#define MEGA_VA  0x2040000000ul           /* 2 MiB superpage */
#define GIGA_VA  0x1000000000ul           /* 1 GiB superpage onto RAM */
#define TERA_VA  0x100000000000ul         /* Sv48 only: 512 GiB onto 0 */
#define U_ALIAS  0x180000000ul            /* RAM again, with PTE_U */
#define U_OFF    (U_ALIAS - RT_RAM_BASE)
#define MEGA_PA  0x84000000ul             /* 2 MiB-aligned, above the image */
#define SENTINEL 0x5e5e5e5e5e5e5e5eul

#define AD (PTE_A | PTE_D)

static uint8_t pg[8][4096] __attribute__((aligned(4096)));
static unsigned long mode;
static uint64_t *root;

/* ---- what the lower modes run: one access each ---- */

static long ld_at(long va)
{
	long v = (long)SENTINEL;

	__asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
	return v;
}

static long st_at(long va)
{
	__asm__ volatile("sd %0, 0(%1)" :: "r"(0x600d600dul), "r"(va)
			 : "memory");
	return 0;
}

static long exec_at(long va)
{
	register long a0 __asm__("a0") = (long)SENTINEL;

	__asm__ volatile("jalr ra, 0(%1)" : "+r"(a0) : "r"(va)
			 : "ra", "memory");
	return a0;
}

static long sfence_ld_at(long va)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	return ld_at(va);
}

static long sfence_va_ld_at(long va)
{
	__asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
	return ld_at(va);
}

static long in_s(long (*fn)(long), uint64_t va)
{
	return rt_run_in_mode(RT_PRIV_S, fn, (long)va);
}

static long in_u(long (*fn)(long), uint64_t va)
{
	return rt_run_at(RT_PRIV_U, (uintptr_t)fn + U_OFF, (long)va,
			 (uintptr_t)rt_lower_stack_top + U_OFF,
			 (uintptr_t)rt_lower_return + U_OFF);
}

/* Run @fn at @priv on @va expecting a page fault with @cause. */
static void fault(int line, int priv, long (*fn)(long), uint64_t va,
		  uint64_t cause)
{
	rt_trap_expect();
	if (priv == RT_PRIV_S)
		in_s(fn, va);
	else
		in_u(fn, va);
	rt_check_trap(line, cause, va, RT_PRIV_M);
}

/* Run @fn at @priv on @va expecting no trap; returns what fn returned. */
static long ok(int line, int priv, long (*fn)(long), uint64_t va)
{
	long r;

	rt_trap_expect();
	r = priv == RT_PRIV_S ? in_s(fn, va) : in_u(fn, va);
	rt_trap_disarm();
	rt_check(line, "no trap", rt_last_trap.count == 0);
	return r;
}

#define FAULT(priv, fn, va, cause) fault(__LINE__, priv, fn, va, cause)
#define OK(priv, fn, va) ok(__LINE__, priv, fn, va)

static void map4k(uint64_t va, void *page, uint64_t flags)
{
	if (rt_pt_map(root, mode, va, (uintptr_t)page, 0, flags) < 0)
		rt_printf("isa_vm: map of 0x%lx failed\n", va);
}

static void flush(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void setup(unsigned long m)
{
	mode = m;
	csr_write(satp, 0);
	rt_pt_reset();
	root = rt_pt_alloc();
	rt_pt_identity(root, mode);
	rt_pt_map(root, mode, U_ALIAS, RT_RAM_BASE, 2, PTE_RWX | PTE_U | AD);
	csr_write(satp, rt_satp(mode, root));
	flush();
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 4096; j += 8)
			*(uint64_t *)&pg[i][j] = 0x1000ul * (i + 1) + j;
	/* pg[5] holds code: addi a0, zero, 42; ret */
	*(uint32_t *)&pg[5][0] = 0x02a00513;
	*(uint32_t *)&pg[5][4] = 0x00008067;
	__asm__ volatile("fence.i" ::: "memory");
}

static void test_basic(void)
{
	CHECK_EQ(csr_read(satp), rt_satp(mode, root));
	map4k(TVA, pg[0], PTE_R | PTE_W | AD);
	map4k(TVA + 0x1000, pg[1], PTE_R | PTE_W | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 8), 0x1008);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x1ff8), 0x2ff8);
	OK(RT_PRIV_S, st_at, TVA + 0x10);
	CHECK_EQ(*(uint64_t *)&pg[0][0x10], 0x600d600d);
	/* a misaligned load across the two pages is performed */
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0xffc), 0x200000000000ul);
	/* unmapped next to mapped */
	FAULT(RT_PRIV_S, ld_at, TVA + 0x2000, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, st_at, TVA + 0x2008, CAUSE_STORE_PAGE);
	FAULT(RT_PRIV_S, exec_at, TVA + 0x3000, CAUSE_FETCH_PAGE);
}

static void test_permissions(void)
{
	map4k(TVA + 0x4000, pg[2], PTE_R | AD);                 /* read-only */
	map4k(TVA + 0x5000, pg[5], PTE_X | AD);                 /* exec-only */
	map4k(TVA + 0x6000, pg[2], PTE_W | AD);                 /* reserved */
	map4k(TVA + 0x7000, pg[2], PTE_R | PTE_W | AD);         /* no exec */
	map4k(TVA + 0x8000, pg[5], PTE_R | PTE_X | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x4000), 0x3000);
	FAULT(RT_PRIV_S, st_at, TVA + 0x4000, CAUSE_STORE_PAGE);
	CHECK_EQ(OK(RT_PRIV_S, exec_at, TVA + 0x5000), 42);
	FAULT(RT_PRIV_S, ld_at, TVA + 0x5000, CAUSE_LOAD_PAGE);
	csr_set(mstatus, MSTATUS_MXR);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x5000), 0x02a00513 | 0x00008067ul << 32);
	csr_clear(mstatus, MSTATUS_MXR);
	FAULT(RT_PRIV_S, ld_at, TVA + 0x6000, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, st_at, TVA + 0x6000, CAUSE_STORE_PAGE);
	FAULT(RT_PRIV_S, exec_at, TVA + 0x7000, CAUSE_FETCH_PAGE);
	CHECK_EQ(OK(RT_PRIV_S, exec_at, TVA + 0x8000), 42);
}

static void test_user(void)
{
	map4k(TVA + 0x9000, pg[3], PTE_R | PTE_W | PTE_U | AD);
	map4k(TVA + 0xa000, pg[5], PTE_R | PTE_X | PTE_U | AD);
	map4k(TVA + 0xb000, pg[3], PTE_R | PTE_U | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_U, ld_at, TVA + 0x9000), 0x4000);
	OK(RT_PRIV_U, st_at, TVA + 0x9008);
	CHECK_EQ(*(uint64_t *)&pg[3][8], 0x600d600d);
	CHECK_EQ(OK(RT_PRIV_U, exec_at, TVA + 0xa000), 42);
	FAULT(RT_PRIV_U, st_at, TVA + 0xb000, CAUSE_STORE_PAGE);
	FAULT(RT_PRIV_U, ld_at, TVA, CAUSE_LOAD_PAGE);          /* not U */
	FAULT(RT_PRIV_U, st_at, TVA, CAUSE_STORE_PAGE);
	FAULT(RT_PRIV_U, exec_at, TVA + 0x8000, CAUSE_FETCH_PAGE);
	/* S on user pages: data only with SUM, never fetch */
	FAULT(RT_PRIV_S, ld_at, TVA + 0x9000, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, st_at, TVA + 0x9000, CAUSE_STORE_PAGE);
	csr_set(mstatus, MSTATUS_SUM);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x9000), 0x4000);
	OK(RT_PRIV_S, st_at, TVA + 0x9010);
	FAULT(RT_PRIV_S, exec_at, TVA + 0xa000, CAUSE_FETCH_PAGE);
	csr_clear(mstatus, MSTATUS_SUM);
	/* MXR lets U read an execute-only user page */
	map4k(TVA + 0xc000, pg[5], PTE_X | PTE_U | AD);
	flush();
	FAULT(RT_PRIV_U, ld_at, TVA + 0xc000, CAUSE_LOAD_PAGE);
	csr_set(mstatus, MSTATUS_MXR);
	CHECK_EQ(OK(RT_PRIV_U, ld_at, TVA + 0xc000) & 0xffffffff, 0x02a00513);
	csr_clear(mstatus, MSTATUS_MXR);
}

static void test_invalid(void)
{
	uint64_t *pte;

	map4k(TVA + 0xd000, pg[4], PTE_R | PTE_W | PTE_X | AD);
	pte = rt_pt_entry(root, mode, TVA + 0xd000, 0);
	*pte &= ~PTE_V;
	flush();
	FAULT(RT_PRIV_S, ld_at, TVA + 0xd000, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, st_at, TVA + 0xd000, CAUSE_STORE_PAGE);
	FAULT(RT_PRIV_S, exec_at, TVA + 0xd000, CAUSE_FETCH_PAGE);
	*pte |= PTE_V;
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0xd000), 0x5000);
}

/*
 * Reserved PTE bits fault: 63..54 of a leaf (N, PBMT and the rest, none of
 * Svnapot/Svpbmt being implemented) and A/D/U of a non-leaf.
 */
static void test_reserved(void)
{
	static const uint64_t nonleaf[3] = { PTE_A, PTE_D, PTE_U };
	uint64_t *pte, *dir, saved;

	map4k(TVA + 0x15000, pg[4], PTE_R | AD);
	pte = rt_pt_entry(root, mode, TVA + 0x15000, 0);
	for (int b = 54; b < 64; b++) {
		*pte |= 1ul << b;
		flush();
		FAULT(RT_PRIV_S, ld_at, TVA + 0x15000, CAUSE_LOAD_PAGE);
		*pte &= ~(1ul << b);
	}
	dir = rt_pt_entry(root, mode, TVA + 0x15000, 1);
	saved = *dir;
	for (int i = 0; i < 3; i++) {
		*dir = saved | nonleaf[i];
		flush();
		FAULT(RT_PRIV_S, ld_at, TVA + 0x15000, CAUSE_LOAD_PAGE);
	}
	*dir = saved;
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x15000), 0x5000);
}

static void test_accessed_dirty(void)
{
	uint64_t *pte;

	map4k(TVA + 0xe000, pg[4], PTE_R | PTE_W);
	pte = rt_pt_entry(root, mode, TVA + 0xe000, 0);
	flush();
	CHECK_EQ(*pte & AD, 0);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0xe008), 0x5008);
	CHECK_EQ(*pte & AD, PTE_A);
	OK(RT_PRIV_S, st_at, TVA + 0xe008);
	CHECK_EQ(*pte & AD, AD);
	/* a store to a clean page sets both at once */
	map4k(TVA + 0xf000, pg[4], PTE_R | PTE_W);
	pte = rt_pt_entry(root, mode, TVA + 0xf000, 0);
	flush();
	OK(RT_PRIV_S, st_at, TVA + 0xf000);
	CHECK_EQ(*pte & AD, AD);
	/* a faulting store must not set D */
	map4k(TVA + 0x10000, pg[4], PTE_R);
	pte = rt_pt_entry(root, mode, TVA + 0x10000, 0);
	flush();
	FAULT(RT_PRIV_S, st_at, TVA + 0x10000, CAUSE_STORE_PAGE);
	CHECK_EQ(*pte & PTE_D, 0);
}

static void test_sfence(void)
{
	uint64_t *pte;

	map4k(TVA + 0x11000, pg[0], PTE_R | AD);
	pte = rt_pt_entry(root, mode, TVA + 0x11000, 0);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x11000), 0x1000);
	*pte = ((uintptr_t)pg[1] >> 12) << 10 | PTE_V | PTE_R | AD;
	CHECK_EQ(OK(RT_PRIV_S, sfence_ld_at, TVA + 0x11000), 0x2000);
	*pte = ((uintptr_t)pg[2] >> 12) << 10 | PTE_V | PTE_R | AD;
	CHECK_EQ(OK(RT_PRIV_S, sfence_va_ld_at, TVA + 0x11000), 0x3000);
	*pte = 0;
	rt_trap_expect();
	in_s(sfence_va_ld_at, TVA + 0x11000);
	CHECK_TRAP(CAUSE_LOAD_PAGE, TVA + 0x11000);
	/* the same VA, remapped from M, then flushed from M */
	*pte = ((uintptr_t)pg[3] >> 12) << 10 | PTE_V | PTE_R | AD;
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, TVA + 0x11000), 0x4000);
}

/*
 * A 32-bit instruction whose halves sit on two pages: it runs when both are
 * mapped; with the second page unmapped, the fetch page fault reports the
 * instruction's address in epc and the second page in tval.
 */
static void test_straddle(void)
{
	uint32_t insn = 0x02a00513;                 /* addi a0, zero, 42 */
	uint64_t *pte;

	*(uint16_t *)&pg[6][4094] = (uint16_t)insn;
	*(uint16_t *)&pg[7][0] = (uint16_t)(insn >> 16);
	*(uint32_t *)&pg[7][2] = 0x00008067;       /* ret */
	__asm__ volatile("fence.i" ::: "memory");
	map4k(TVA + 0x13000, pg[6], PTE_R | PTE_X | AD);
	map4k(TVA + 0x14000, pg[7], PTE_R | PTE_X | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, exec_at, TVA + 0x13ffe), 42);
	pte = rt_pt_entry(root, mode, TVA + 0x14000, 0);
	*pte = 0;
	flush();
	rt_trap_expect();
	in_s(exec_at, TVA + 0x13ffe);
	CHECK_TRAP(CAUSE_FETCH_PAGE, TVA + 0x14000);
	CHECK_EQ(rt_last_trap.epc, TVA + 0x13ffe);
}

static uint64_t global_word = 0x0123456789abcdeful;

static void test_superpages(void)
{
	uintptr_t off = (uintptr_t)&global_word - RT_RAM_BASE;
	uint64_t *mega = (uint64_t *)MEGA_PA;

	mega[0x12340 / 8] = 0xfeedfacecafebeeful;
	rt_pt_map(root, mode, MEGA_VA, MEGA_PA, 1, PTE_R | PTE_W | AD);
	rt_pt_map(root, mode, GIGA_VA, RT_RAM_BASE, 2, PTE_R | AD);
	/* misaligned superpages: low PPN bits set */
	rt_pt_map(root, mode, MEGA_VA + 0x200000, MEGA_PA + 0x1000, 1,
		  PTE_R | AD);
	rt_pt_map(root, mode, GIGA_VA + 0x40000000, RT_RAM_BASE + 0x200000, 2,
		  PTE_R | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, MEGA_VA + 0x12340), 0xfeedfacecafebeeful);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, GIGA_VA + off), 0x0123456789abcdeful);
	FAULT(RT_PRIV_S, ld_at, MEGA_VA + 0x200000 + 0x10, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, ld_at, GIGA_VA + 0x40000000 + 0x10, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, st_at, GIGA_VA + off, CAUSE_STORE_PAGE);
	if (mode == RT_SATP_SV48) {
		rt_pt_map(root, mode, TERA_VA, 0, 3, PTE_R | AD);
		rt_pt_map(root, mode, TERA_VA + (1ul << 39), 0x40000000ul, 3,
			  PTE_R | AD);
		flush();
		CHECK_EQ(OK(RT_PRIV_S, ld_at, TERA_VA + (uintptr_t)&global_word),
			 0x0123456789abcdeful);
		FAULT(RT_PRIV_S, ld_at, TERA_VA + (1ul << 39) + 8,
		      CAUSE_LOAD_PAGE);
	}
}

static void test_canonical(void)
{
	uint64_t high = mode == RT_SATP_SV39 ? 0xffffffc000001000ul
					     : 0xffff800000001000ul;
	uint64_t bad = mode == RT_SATP_SV39 ? 0x0000004000000000ul
					    : 0x0000800000000000ul;

	map4k(high, pg[4], PTE_R | AD);
	flush();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, high + 0x18), 0x5018);
	FAULT(RT_PRIV_S, ld_at, bad, CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, ld_at, high ^ (1ul << 62), CAUSE_LOAD_PAGE);
	FAULT(RT_PRIV_S, exec_at, bad + 0x1000, CAUSE_FETCH_PAGE);
}

static void test_mprv(void)
{
	uint64_t v;

	map4k(TVA + 0x12000, pg[2], PTE_R | AD);
	flush();
	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, 1ul << 11);                   /* MPP = S */
	__asm__ volatile("csrs mstatus, %1\nld %0, 0(%2)\ncsrc mstatus, %1"
			 : "=&r"(v) : "r"(MSTATUS_MPRV), "r"(TVA + 0x12010)
			 : "memory");
	CHECK_EQ(v, 0x3010);
	csr_set(mstatus, MSTATUS_MPP);
}

static void test_delegation(void)
{
	csr_write(medeleg, 1ul << CAUSE_LOAD_PAGE | 1ul << CAUSE_STORE_PAGE);
	rt_trap_expect();
	in_s(ld_at, TVA + 0x2000);
	CHECK_TRAP_S(CAUSE_LOAD_PAGE, TVA + 0x2000);
	rt_trap_expect();
	in_u(st_at, TVA + 0x4000);
	CHECK_TRAP_S(CAUSE_STORE_PAGE, TVA + 0x4000);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_U);
	csr_write(medeleg, 0);
}

static void test_satp_warl(void)
{
	uint64_t before = csr_read(satp);

	csr_write(satp, 1ul << 60 | 0x12345);     /* reserved mode */
	CHECK_EQ(csr_read(satp), before);
	csr_write(satp, 0);
	CHECK_EQ(csr_read(satp), 0);
}

static void run_mode(unsigned long m)
{
	setup(m);
	test_basic();
	test_permissions();
	test_user();
	test_invalid();
	test_reserved();
	test_accessed_dirty();
	test_sfence();
	test_straddle();
	test_superpages();
	test_canonical();
	test_mprv();
	test_delegation();
	test_satp_warl();
}

int main(void)
{
	run_mode(RT_SATP_SV39);
	run_mode(RT_SATP_SV48);
	return rt_done("isa_vm");
}
