/* SPDX-License-Identifier: MIT */
/*
 * Synchronous exceptions taken to M-mode: illegal instructions (mtval holds
 * the encoding), breakpoints (mtval is 0 or the pc, both allowed), ecall
 * from U, S and M, load/store/fetch access faults on unmapped physical
 * addresses (mtval = the address), privileged instructions and CSRs used
 * from too low a privilege, mepc pointing at the faulting instruction, and
 * precise exceptions: the faulting instruction leaves its destination
 * register alone.
 */
#include "isa.h"

/* Unmapped on both boards: below the boot ROM, and far above RAM. */
#define HOLE_LOW  0x800ul
#define HOLE_HIGH 0x200000000ul

static void test_illegal(void)
{
	rt_trap_expect();
	__asm__ volatile(".word 0x0000000b");          /* custom-0 */
	CHECK_TRAP(CAUSE_ILLEGAL, 0x0000000b);
	rt_trap_expect();
	__asm__ volatile(".word 0x1234502b");          /* custom-1 */
	CHECK_TRAP(CAUSE_ILLEGAL, 0x1234502b);
	rt_trap_expect();
	__asm__ volatile(".word 0xfe000033");          /* OP, funct7 0x7f */
	CHECK_TRAP(CAUSE_ILLEGAL, 0xfe000033);
	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\nunimp\n.option pop");
	CHECK_TRAP(CAUSE_ILLEGAL, 0xc0001073);          /* csrrw x0, cycle, x0 */
}

static void test_breakpoint(void)
{
	uint64_t pc;

	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\n1: ebreak\n"
			 "lla %0, 1b\n.option pop" : "=r"(pc));
	CHECK_TRAP(CAUSE_BREAKPOINT, RT_ANY);
	CHECK_EQ(rt_last_trap.epc, pc);
	CHECK(rt_last_trap.tval == 0 || rt_last_trap.tval == pc);
	rt_trap_expect();
	__asm__ volatile(".option push\n.option rvc\n1: c.ebreak\n"
			 ".option norvc\nlla %0, 1b\n.option pop" : "=r"(pc));
	CHECK_TRAP(CAUSE_BREAKPOINT, RT_ANY);
	CHECK_EQ(rt_last_trap.epc, pc);
}

static long do_ecall(long arg)
{
	register long a0 __asm__("a0") = arg;
	register long a7 __asm__("a7") = 93;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0 + 1;
}

static void test_ecall(void)
{
	rt_trap_expect();
	CHECK_EQ(do_ecall(5), 6);
	CHECK_TRAP(CAUSE_ECALL_M, 0);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_M);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, do_ecall, 7), 8);
	CHECK_TRAP(CAUSE_ECALL_S, 0);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_S);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, do_ecall, 9), 10);
	CHECK_TRAP(CAUSE_ECALL_U, 0);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_U);
}

static uint64_t load_from(uint64_t addr)
{
	uint64_t v = 0x5a5a;

	__asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(addr) : "memory");
	return v;
}

static void store_to(uint64_t addr)
{
	__asm__ volatile("sw %0, 0(%1)" :: "r"(1ul), "r"(addr) : "memory");
}

static void test_access(void)
{
	static const uint64_t holes[] = { HOLE_LOW, HOLE_HIGH };

	for (int i = 0; i < 2; i++) {
		rt_trap_expect();
		CHECK_EQ(load_from(holes[i]), 0x5a5a);   /* rd untouched */
		CHECK_TRAP(CAUSE_LOAD_ACCESS, holes[i]);
		rt_trap_expect();
		store_to(holes[i] + 4);
		CHECK_TRAP(CAUSE_STORE_ACCESS, holes[i] + 4);
		rt_trap_expect();
		((void (*)(void))(uintptr_t)holes[i])();
		CHECK_TRAP(CAUSE_FETCH_ACCESS, holes[i]);
		CHECK_EQ(rt_last_trap.epc, holes[i]);
	}
	rt_trap_expect();
	__asm__ volatile("lbu x0, 0(%0)" :: "r"(HOLE_HIGH + 3) : "memory");
	CHECK_TRAP(CAUSE_LOAD_ACCESS, HOLE_HIGH + 3);
	rt_trap_expect();
	__asm__ volatile("fld ft0, 8(%0)" :: "r"(HOLE_LOW) : "ft0", "memory");
	CHECK_TRAP(CAUSE_LOAD_ACCESS, HOLE_LOW + 8);
	rt_trap_expect();
	__asm__ volatile("amoadd.d x0, %1, (%0)" :: "r"(HOLE_HIGH), "r"(1ul)
			 : "memory");
	/* the spec says store/AMO access fault; QEMU 7.2 reports a load one */
	CHECK(rt_last_trap.count == 1 &&
	      (rt_last_trap.cause == CAUSE_STORE_ACCESS ||
	       rt_last_trap.cause == CAUSE_LOAD_ACCESS));
	CHECK_EQ(rt_last_trap.tval, HOLE_HIGH);
	rt_trap_disarm();
}

static long s_mret(long arg)
{
	__asm__ volatile(".option push\n.option norvc\nmret\n.option pop");
	return arg;
}

static long u_sret(long arg)
{
	__asm__ volatile(".option push\n.option norvc\nsret\n.option pop");
	return arg;
}

static long u_sfence(long arg)
{
	__asm__ volatile(".option push\n.option norvc\nsfence.vma\n"
			 ".option pop");
	return arg;
}

static long s_read_mscratch(long arg)
{
	__asm__ volatile(".option push\n.option norvc\ncsrr a5, mscratch\n"
			 ".option pop" ::: "a5");
	return arg;
}

static long u_read_sstatus(long arg)
{
	__asm__ volatile(".option push\n.option norvc\ncsrr a5, sstatus\n"
			 ".option pop" ::: "a5");
	return arg;
}

static void test_privilege(void)
{
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_mret, 1), 1);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x30200073);
	CHECK_EQ(rt_last_trap.from, RT_PRIV_S);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, u_sret, 2), 2);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x10200073);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, u_sfence, 3), 3);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x12000073);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_read_mscratch, 4), 4);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x340027f3);
	rt_trap_expect();
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, u_read_sstatus, 5), 5);
	CHECK_TRAP(CAUSE_ILLEGAL, 0x100027f3);
}

int main(void)
{
	test_illegal();
	test_breakpoint();
	test_ecall();
	test_access();
	test_privilege();
	return rt_done("isa_trap");
}
