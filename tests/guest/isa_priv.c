/* SPDX-License-Identifier: MIT */
/*
 * Privilege transitions: mstatus on trap entry (MPIE, MIE, MPP) and after
 * MRET (MIE from MPIE, MPP to U), SRET from S
 * to U (SIE from SPIE, SPP cleared), the trap-virtualisation bits TSR, TW
 * and TVM, mcounteren/scounteren gating of cycle/time/instret, and
 * exception delegation through medeleg: delegated traps from U and S land
 * in S with scause/sepc/stval/SPP, traps from M never do.
 */
#include "isa.h"

static volatile uint64_t seen_status;

static int capture_ecall(struct rt_frame *f, int level)
{
	if (level != RT_PRIV_M || f->cause != CAUSE_ECALL_M)
		return 0;
	seen_status = f->status;
	f->epc += 4;
	return 1;
}

static void test_mret_state(void)
{
	unsigned long st;

	csr_write(mie, 0);
	csr_set(mstatus, MSTATUS_MIE);
	csr_clear(mstatus, MSTATUS_MPIE);
	rt_trap_hook = capture_ecall;
	__asm__ volatile(".option push\n.option norvc\necall\n.option pop");
	rt_trap_hook = NULL;
	CHECK_EQ(seen_status & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP),
		 MSTATUS_MPIE | MSTATUS_MPP);
	st = csr_read(mstatus);
	CHECK_EQ(st & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP),
		 MSTATUS_MIE | MSTATUS_MPIE);
	csr_clear(mstatus, MSTATUS_MIE);
}

/* arg + 1 if sstatus could be read, arg if that trapped (and was skipped) */
static long s_probe(long arg)
{
	unsigned long v = ~0ul;

	__asm__ volatile("csrr %0, sstatus" : "+r"(v));
	return arg + (v != ~0ul);
}

/*
 * MRET to S must also clear MPRV (priv. spec 1.12); QEMU 7.2 leaves it set,
 * so that is not checked here.
 */
static void test_lower(void)
{
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_probe, 1), 2);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, s_probe, 1), 1);
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_U);
}

/* In S: SRET to the next instruction with SPP = U, then continue in U. */
static long s_sret_to_u(long arg)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 "li t0, 0x100\ncsrc sstatus, t0\n"   /* SPP = U */
			 "li t0, 0x20\ncsrs sstatus, t0\n"    /* SPIE = 1 */
			 "li t0, 0x2\ncsrc sstatus, t0\n"     /* SIE = 0 */
			 "lla t0, 1f\ncsrw sepc, t0\nsret\n"
			 "1: csrr t0, sstatus\n"              /* illegal in U */
			 ".option pop" ::: "t0", "memory");
	return arg;
}

static void test_sret(void)
{
	unsigned long st;

	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sret_to_u, 3), 3);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x100022f3);           /* csrr t0, sstatus */
	CHECK_EQ(rt_last_trap.from, RT_PRIV_U);
	st = csr_read(mstatus);
	CHECK_EQ(st & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
		 MSTATUS_SIE | MSTATUS_SPIE);
	csr_clear(mstatus, MSTATUS_SIE);
}

static long s_sret_self(long arg)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 "li t0, 0x100\ncsrs sstatus, t0\n"   /* SPP = S */
			 "lla t0, 1f\ncsrw sepc, t0\nsret\n1:\n"
			 ".option pop" ::: "t0", "memory");
	return arg;
}

static long s_wfi(long arg)
{
	__asm__ volatile("wfi");
	return arg;
}

static long s_satp(long arg)
{
	unsigned long v = 0;

	__asm__ volatile("csrr %0, satp" : "+r"(v));
	return arg + (long)v;
}

static long s_sfence(long arg)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	return arg;
}

static void test_tsr_tw_tvm(void)
{
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sret_self, 4), 4);
	csr_set(mstatus, MSTATUS_TSR);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sret_self, 5), 5);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x10200073);
	csr_clear(mstatus, MSTATUS_TSR);
	csr_set(mstatus, MSTATUS_TW);
	csr_write(mie, 0);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wfi, 6), 6);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x10500073);
	csr_clear(mstatus, MSTATUS_TW);
	csr_write(satp, 0);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_satp, 7), 7);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sfence, 8), 8);
	csr_set(mstatus, MSTATUS_TVM);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_satp, 9), 9);
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_sfence, 10), 10);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x12000073);
	csr_clear(mstatus, MSTATUS_TVM);
}

static long rd_cycle(long arg)
{
	unsigned long v = 0;

	__asm__ volatile("rdcycle %0" : "+r"(v));
	return arg + (v != 0);
}

static long rd_time(long arg)
{
	unsigned long v = 0;

	__asm__ volatile("rdtime %0" : "+r"(v));
	return arg + (v != 0);
}

static long rd_instret(long arg)
{
	unsigned long v = 0;

	__asm__ volatile("rdinstret %0" : "+r"(v));
	return arg + (v != 0);
}

/* Run @fn at @priv: returns 1 if it read its counter, 0 if that trapped. */
static int counter_ok(int priv, long (*fn)(long))
{
	int ok;

	rt_trap_expect();
	ok = rt_run_in_mode(priv, fn, 0) == 1 && rt_last_trap.count == 0;
	if (rt_last_trap.count && rt_last_trap.cause != CAUSE_ILLEGAL)
		ok = -1;
	rt_trap_disarm();
	return ok;
}

static void test_counteren(void)
{
	long (*const fns[3])(long) = { rd_cycle, rd_time, rd_instret };

	for (int i = 0; i < 3; i++) {
		csr_write(mcounteren, 0);
		csr_write(scounteren, 0);
		CHECK_EQ(counter_ok(RT_PRIV_S, fns[i]), 0);
		CHECK_EQ(counter_ok(RT_PRIV_U, fns[i]), 0);
		csr_write(mcounteren, 1ul << i);
		CHECK_EQ(counter_ok(RT_PRIV_S, fns[i]), 1);
		CHECK_EQ(counter_ok(RT_PRIV_U, fns[i]), 0);
		csr_write(scounteren, 1ul << i);
		CHECK_EQ(counter_ok(RT_PRIV_U, fns[i]), 1);
		csr_write(mcounteren, 0);
		CHECK_EQ(counter_ok(RT_PRIV_U, fns[i]), 0);
	}
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);
}

static long illegal_then(long arg)
{
	__asm__ volatile(".option push\n.option norvc\n.word 0x0000000b\n"
			 ".option pop");
	return arg;
}

static long ebreak_then(long arg)
{
	__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop");
	return arg;
}

static long ecall_then(long arg)
{
	register long a7 __asm__("a7") = 1;

	__asm__ volatile("ecall" :: "r"(a7) : "memory");
	return arg;
}

static void test_medeleg(void)
{
	csr_write(medeleg, 1ul << CAUSE_ILLEGAL | 1ul << CAUSE_BREAKPOINT |
			   1ul << CAUSE_ECALL_U);
	csr_clear(mstatus, MSTATUS_SIE);
	csr_set(mstatus, MSTATUS_SPP);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, illegal_then, 11), 11);
	CHECK_TRAP_S(CAUSE_ILLEGAL, 0x0000000b);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_U);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, illegal_then, 12), 12);
	CHECK_TRAP_S(CAUSE_ILLEGAL, 0x0000000b);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_S);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, ebreak_then, 13), 13);
	CHECK_TRAP_S(CAUSE_BREAKPOINT, RT_ANY);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, ecall_then, 14), 14);
	CHECK_TRAP_S(CAUSE_ECALL_U, 0);
	/* ecall from S is not delegated here */
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, ecall_then, 15), 15);
	CHECK_TRAP(CAUSE_ECALL_S, 0);
	/* M-mode traps never go down */
	rt_trap_expect();
	CHECK_EQ(illegal_then(16), 16);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x0000000b);
	csr_write(medeleg, 0);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, illegal_then, 17), 17);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x0000000b);
}

static volatile uint64_t s_seen_status, s_seen_epc;

static int capture_s(struct rt_frame *f, int level)
{
	if (level != RT_PRIV_S || f->cause != CAUSE_BREAKPOINT)
		return 0;
	s_seen_status = f->status;
	s_seen_epc = f->epc;
	f->epc += 4;
	return 1;
}

static long s_ebreak_sie(long arg)
{
	__asm__ volatile("csrsi sstatus, 2\n.option push\n.option norvc\n"
			 "1: ebreak\n.option pop\nlla %0, 1b\ncsrci sstatus, 2"
			 : "=r"(arg) :: "memory");
	return arg;
}

static void test_strap_state(void)
{
	long pc;

	csr_write(mie, 0);
	csr_write(medeleg, 1ul << CAUSE_BREAKPOINT);
	rt_trap_hook = capture_s;
	pc = rt_run_in_mode(RT_PRIV_S, s_ebreak_sie, 0);
	rt_trap_hook = NULL;
	csr_write(medeleg, 0);
	CHECK_EQ(s_seen_epc, pc);
	CHECK_EQ(s_seen_status & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
		 MSTATUS_SPIE | MSTATUS_SPP);
}

int main(void)
{
	test_mret_state();
	test_lower();
	test_sret();
	test_tsr_tw_tvm();
	test_counteren();
	test_medeleg();
	test_strap_state();
	return rt_done("isa_priv");
}
