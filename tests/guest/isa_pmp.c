/* SPDX-License-Identifier: MIT */
/*
 * Physical memory protection: NAPOT and TOR regions with R/W/X checked for
 * S and U accesses (load/store/fetch access faults with mtval = address),
 * priority of the lowest-numbered matching entry, M-mode unaffected by
 * unlocked entries, the "no entry matches" rule (S/U fail, M passes), and
 * a locked entry that binds M too and ignores further writes (done last:
 * only a reset unlocks it). Regions are 4 KiB so that any PMP granularity
 * up to 4 KiB behaves the same.
 */
#include "isa.h"

#define A_OFF   0x00
#define A_TOR   0x08
#define A_NAPOT 0x18
#define P_R     0x01
#define P_W     0x02
#define P_X     0x04
#define P_L     0x80

static uint8_t pp[5][4096] __attribute__((aligned(4096)));

static unsigned long napot4k(const void *p)
{
	return (uintptr_t)p >> 2 | 0x1ff;
}

static void pmp_sync(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static long ld_at(long a)
{
	long v = 0x5e5e;

	__asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(a) : "memory");
	return v;
}

static long st_at(long a)
{
	__asm__ volatile("sd %0, 0(%1)" :: "r"(0x77ul), "r"(a) : "memory");
	return 0;
}

static long exec_at(long a)
{
	register long a0 __asm__("a0") = 0x5e5e;

	__asm__ volatile("jalr ra, 0(%1)" : "+r"(a0) : "r"(a) : "ra", "memory");
	return a0;
}

static void fault(int line, int priv, long (*fn)(long), const void *a,
		  uint64_t cause)
{
	rt_trap_expect();
	rt_run_in_mode(priv, fn, (long)(uintptr_t)a);
	rt_check_trap(line, cause, (uintptr_t)a, RT_PRIV_M);
}

static long ok(int line, int priv, long (*fn)(long), const void *a)
{
	long r;

	rt_trap_expect();
	r = rt_run_in_mode(priv, fn, (long)(uintptr_t)a);
	rt_trap_disarm();
	rt_check(line, "no trap", rt_last_trap.count == 0);
	return r;
}

#define FAULT(priv, fn, a, cause) fault(__LINE__, priv, fn, a, cause)
#define OK(priv, fn, a) ok(__LINE__, priv, fn, a)

/*
 * 0: page 0 read-only, 1: page 1 nothing, 2/3: TOR page 2 read-write,
 * 4: page 3 execute-only, 5: @fallback over everything else (cfg @fb_cfg).
 */
static void configure(unsigned long fallback, unsigned long fb_cfg)
{
	csr_write(pmpcfg0, 0);
	csr_write(pmpaddr0, napot4k(pp[0]));
	csr_write(pmpaddr1, napot4k(pp[1]));
	csr_write(pmpaddr2, (uintptr_t)pp[2] >> 2);
	csr_write(pmpaddr3, ((uintptr_t)pp[2] + 4096) >> 2);
	csr_write(pmpaddr4, napot4k(pp[3]));
	csr_write(pmpaddr5, fallback);
	csr_write(pmpcfg0, (A_NAPOT | P_R) | (A_NAPOT) << 8 |
		  (unsigned long)A_OFF << 16 |
		  (unsigned long)(A_TOR | P_R | P_W) << 24 |
		  (unsigned long)(A_NAPOT | P_X) << 32 | fb_cfg << 40);
	pmp_sync();
}

static void setup_pages(void)
{
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4096; j += 8)
			*(uint64_t *)&pp[i][j] = 0x100ul * (i + 1) + j;
	*(uint32_t *)&pp[3][0] = 0x02a00513;     /* addi a0, zero, 42 */
	*(uint32_t *)&pp[3][4] = 0x00008067;     /* ret */
	__asm__ volatile("fence.i" ::: "memory");
}

static void test_regions(void)
{
	configure(~0ul, A_NAPOT | P_R | P_W | P_X);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[0] + 8), 0x108);
	FAULT(RT_PRIV_S, st_at, pp[0] + 8, CAUSE_STORE_ACCESS);
	FAULT(RT_PRIV_S, exec_at, pp[0], CAUSE_FETCH_ACCESS);
	FAULT(RT_PRIV_U, st_at, pp[0] + 16, CAUSE_STORE_ACCESS);
	CHECK_EQ(OK(RT_PRIV_U, ld_at, pp[0] + 16), 0x110);
	FAULT(RT_PRIV_S, ld_at, pp[1] + 4088, CAUSE_LOAD_ACCESS);
	FAULT(RT_PRIV_S, st_at, pp[1], CAUSE_STORE_ACCESS);
	FAULT(RT_PRIV_U, exec_at, pp[1], CAUSE_FETCH_ACCESS);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[2] + 4088), 0x300 + 4088);
	OK(RT_PRIV_U, st_at, pp[2]);
	CHECK_EQ(*(uint64_t *)pp[2], 0x77);
	FAULT(RT_PRIV_S, exec_at, pp[2], CAUSE_FETCH_ACCESS);
	CHECK_EQ(OK(RT_PRIV_S, exec_at, pp[3]), 42);
	FAULT(RT_PRIV_S, ld_at, pp[3], CAUSE_LOAD_ACCESS);
	/* just past the TOR region: the fallback applies */
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[4]), 0x500);
	/* M ignores unlocked entries */
	*(uint64_t *)(pp[1] + 8) = 1;
	CHECK_EQ(*(volatile uint64_t *)(pp[1] + 8), 1);
}

static void test_priority(void)
{
	/* entry 0 read-only wins over the page-1 entry below it */
	configure(~0ul, A_NAPOT | P_R | P_W | P_X);
	csr_write(pmpaddr0, napot4k(pp[1]));
	pmp_sync();
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[1] + 16), 0x210);
	FAULT(RT_PRIV_S, st_at, pp[1] + 16, CAUSE_STORE_ACCESS);
}

static void test_no_match(void)
{
	/* the fallback covers only RAM: the UART matches nothing */
	configure((uintptr_t)RT_RAM_BASE >> 2 | 0x0fffffff,
		  A_NAPOT | P_R | P_W | P_X);
	FAULT(RT_PRIV_S, ld_at, (void *)RT_UART_BASE, CAUSE_LOAD_ACCESS);
	FAULT(RT_PRIV_U, st_at, (void *)(RT_UART_BASE + 8), CAUSE_STORE_ACCESS);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[4] + 8), 0x508);
	/* M-mode passes when nothing matches */
	rt_trap_expect();
	(void)*(volatile uint8_t *)(RT_UART_BASE + 7);
	rt_trap_disarm();
	CHECK_NO_TRAP();
}

/* entry 5 locks page 4 read-only, entry 6 opens everything else */
static void test_locked(void)
{
	unsigned long addr5;

	csr_write(pmpcfg0, 0);
	csr_write(pmpaddr5, napot4k(pp[4]));
	csr_write(pmpaddr6, ~0ul);
	csr_write(pmpcfg0, (unsigned long)(P_L | A_NAPOT | P_R) << 40 |
		  (unsigned long)(A_NAPOT | P_R | P_W | P_X) << 48);
	pmp_sync();
	CHECK_EQ(csr_read(pmpcfg0) >> 40 & 0xff, P_L | A_NAPOT | P_R);
	addr5 = csr_read(pmpaddr5);
	rt_trap_expect();
	*(volatile uint64_t *)(pp[4] + 24) = 5;
	CHECK_TRAP(CAUSE_STORE_ACCESS, (uintptr_t)(pp[4] + 24));
	CHECK_EQ(*(volatile uint64_t *)(pp[4] + 24), 0x500 + 24);
	/* writes to a locked entry are ignored */
	csr_set(pmpcfg0, (unsigned long)(P_W | P_X) << 40);
	csr_write(pmpaddr5, 0);
	pmp_sync();
	CHECK_EQ(csr_read(pmpcfg0) >> 40 & 0xff, P_L | A_NAPOT | P_R);
	CHECK_EQ(csr_read(pmpaddr5), addr5);
	FAULT(RT_PRIV_S, st_at, pp[4], CAUSE_STORE_ACCESS);
	CHECK_EQ(OK(RT_PRIV_S, ld_at, pp[4]), 0x500);
}

int main(void)
{
	setup_pages();
	test_regions();
	test_priority();
	test_no_match();
	test_locked();
	return rt_done("isa_pmp");
}
