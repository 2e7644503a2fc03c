/* SPDX-License-Identifier: MIT */
/*
 * Zicsr and the machine CSRs as M-mode sees them: the six CSR instructions
 * (old value, write, set, clear, the zero-extended 5-bit immediates, and
 * the rule that rs1 = x0 / uimm = 0 reads without writing, so it does not
 * trap on a read-only CSR), read-only and non-existent CSRs, misa and the
 * fixed mstatus fields, the sstatus/sie/sip views, medeleg/mideleg masks,
 * the counters (running, writable, stopped by mcountinhibit) and the time
 * CSR against the CLINT's mtime.
 */
#include "isa.h"

#define CSRRW(csr, v) ({ unsigned long o_; __asm__ volatile( \
	"csrrw %0, " #csr ", %1" : "=r"(o_) : "r"((unsigned long)(v))); o_; })
#define CSRRS(csr, v) ({ unsigned long o_; __asm__ volatile( \
	"csrrs %0, " #csr ", %1" : "=r"(o_) : "r"((unsigned long)(v))); o_; })
#define CSRRC(csr, v) ({ unsigned long o_; __asm__ volatile( \
	"csrrc %0, " #csr ", %1" : "=r"(o_) : "r"((unsigned long)(v))); o_; })
#define CSRRI(insn, csr, imm) ({ unsigned long o_; __asm__ volatile( \
	#insn " %0, " #csr ", %1" : "=r"(o_) : "i"(imm)); o_; })

/* mscratch holds the runtime's trap stack: put it back before any trap. */
static void test_ops(void)
{
	unsigned long saved = csr_read(mscratch);

	csr_write(mscratch, 0x1234);
	CHECK_EQ(CSRRW(mscratch, 0xffff0000ffff0000ul), 0x1234);
	CHECK_EQ(CSRRS(mscratch, 0xff), 0xffff0000ffff0000ul);
	CHECK_EQ(CSRRC(mscratch, 0xffff000000000000ul), 0xffff0000ffff00fful);
	CHECK_EQ(csr_read(mscratch), 0x0000ffff00fful);
	CHECK_EQ(CSRRI(csrrwi, mscratch, 31), 0x0000ffff00fful);
	CHECK_EQ(csr_read(mscratch), 31);               /* zero-extended */
	CHECK_EQ(CSRRI(csrrci, mscratch, 5), 31);
	CHECK_EQ(CSRRI(csrrsi, mscratch, 0x10), 26);
	CHECK_EQ(csr_read(mscratch), 26);
	CHECK_EQ(CSRRI(csrrsi, mscratch, 0), 26);
	CHECK_EQ(CSRRI(csrrci, mscratch, 0), 26);
	/* rd = x0: still writes */
	__asm__ volatile("csrrw x0, mscratch, %0" :: "r"(77ul));
	CHECK_EQ(csr_read(mscratch), 77);
	/* rd == rs1: the old value lands after the source was read */
	{
		unsigned long r = 5;

		__asm__ volatile("csrrw %0, mscratch, %0" : "+r"(r));
		CHECK_EQ(r, 77);
		CHECK_EQ(csr_read(mscratch), 5);
	}
	csr_write(mscratch, saved);
}

static void test_readonly(void)
{
	unsigned long v;

	CHECK_EQ(csr_read(mhartid), 0);
	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\nli a0, 1\n"
			 "csrw mhartid, a0\n.option pop" ::: "a0");
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	CHECK_EQ(rt_last_trap.tval, 0xf1451073);  /* csrrw x0, mhartid, a0 */
	/* reading a read-only CSR with a set/clear of nothing is fine */
	rt_trap_expect();
	__asm__ volatile("csrrs %0, mhartid, x0\ncsrrc %0, mvendorid, x0\n"
			 "csrrsi %0, marchid, 0\ncsrrci %0, mimpid, 0" : "=r"(v));
	rt_trap_disarm();
	CHECK_NO_TRAP();
	rt_trap_expect();
	__asm__ volatile("csrrsi x0, mimpid, 1");
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	rt_trap_expect();
	__asm__ volatile("csrrc %0, cycle, %1" : "=r"(v) : "r"(1ul));
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
	/* custom CSR addresses nobody implements */
	rt_trap_expect();
	__asm__ volatile(".option push\n.option norvc\ncsrr a0, 0xbc0\n"
			 ".option pop" ::: "a0");
	CHECK_TRAP(CAUSE_ILLEGAL, 0xbc002573);      /* csrrs a0, 0xbc0, x0 */
	rt_trap_expect();
	__asm__ volatile("csrw 0x8c0, %0" :: "r"(v));
	CHECK_TRAP(CAUSE_ILLEGAL, RT_ANY);
}

static void test_machine(void)
{
	unsigned long misa = csr_read(misa), st;
	const char *ext = "IMAFDCSU";

	CHECK_EQ(misa >> 62, 2);
	for (const char *e = ext; *e; e++)
		CHECK_EQ((misa >> (*e - 'A')) & 1, 1);
	st = csr_read(mstatus);
	CHECK_EQ((st >> 32) & 3, 2);           /* UXL */
	CHECK_EQ((st >> 34) & 3, 2);           /* SXL */
	/* sstatus shows the S fields of mstatus and hides the M ones */
	csr_set(mstatus, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_MPIE);
	st = csr_read(sstatus);
	CHECK_EQ(st & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP), 0);
	CHECK_EQ(st & MSTATUS_SIE, MSTATUS_SIE);
	csr_clear(sstatus, MSTATUS_SIE);
	CHECK_EQ(csr_read(mstatus) & (MSTATUS_SIE | MSTATUS_MIE), MSTATUS_MIE);
	csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
	csr_set(sstatus, MSTATUS_SUM | MSTATUS_MXR);
	CHECK_EQ(csr_read(mstatus) & (MSTATUS_SUM | MSTATUS_MXR),
		 MSTATUS_SUM | MSTATUS_MXR);
	csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MXR);
	/* epc keeps bit 1 (compressed code) */
	csr_write(mepc, 0x80000002ul);
	CHECK_EQ(csr_read(mepc), 0x80000002ul);
	csr_write(sepc, 0x80000006ul);
	CHECK_EQ(csr_read(sepc), 0x80000006ul);
	csr_write(mtvec, 0x80000101ul);                /* vectored */
	CHECK_EQ(csr_read(mtvec), 0x80000101ul);
	csr_write(mtvec, (uintptr_t)rt_mtrap_entry);
}

static void test_views(void)
{
	csr_write(medeleg, ~0ul);
	/* what OpenSBI delegates to Linux, plus illegal instructions */
	CHECK_EQ(csr_read(medeleg) & 0xb10d, 0xb10d);
	csr_write(medeleg, 0);
	csr_write(mideleg, ~0ul);
	CHECK_EQ(csr_read(mideleg) & 0xaaa, 0x222);
	csr_write(mie, 0xaaa);
	CHECK_EQ(csr_read(mie) & 0xaaa, 0xaaa);
	CHECK_EQ(csr_read(sie) & 0xaaa, 0x222);
	csr_write(sie, 0);
	CHECK_EQ(csr_read(mie) & 0xaaa, 0x888);
	csr_write(sie, 0x222);
	/* a bit that is not delegated is read-only zero in sie/sip */
	csr_write(mideleg, 1ul << IRQ_S_SOFT);
	CHECK_EQ(csr_read(sie) & 0xaaa, 0x2);
	csr_write(mip, 1ul << IRQ_S_TIMER | 1ul << IRQ_S_SOFT);
	CHECK_EQ(csr_read(mip) & 0x222, 0x22);
	CHECK_EQ(csr_read(sip) & 0x222, 0x2);
	csr_write(sip, 0);
	CHECK_EQ(csr_read(mip) & 0x222, 0x20);
	csr_write(mip, 0);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
	CHECK_EQ(csr_read(mip) & 0x222, 0);
	/* mip.MTIP and mip.MSIP follow the CLINT, not CSR writes */
	*RT_MTIMECMP = ~0ul;
	csr_set(mip, 1ul << IRQ_M_TIMER | 1ul << IRQ_M_SOFT);
	CHECK_EQ(csr_read(mip) & 0x88, 0);
}

static void busy(int n)
{
	for (volatile int i = 0; i < n; i++)
		;
}

static void test_counters(void)
{
	unsigned long a, b, c;

	a = csr_read(minstret);
	busy(1000);
	b = csr_read(minstret);
	CHECK(b - a >= 4000);
	a = csr_read(mcycle);
	busy(1000);
	CHECK(csr_read(mcycle) > a);
	a = csr_read(instret);
	CHECK(csr_read(instret) > a);
	a = csr_read(cycle);
	CHECK(csr_read(cycle) > a);
	csr_write(minstret, 1000000);
	a = csr_read(minstret);
	CHECK(a >= 1000000 && a < 1000000 + 100000000);
	csr_write(mcycle, 1ul << 40);
	a = csr_read(mcycle);
	CHECK(a >= 1ul << 40 && a < (1ul << 40) + 1000000000);
	/* mcountinhibit.IR and .CY stop the counters */
	csr_write(mcountinhibit, 5);
	CHECK_EQ(csr_read(mcountinhibit) & 5, 5);
	a = csr_read(minstret);
	c = csr_read(mcycle);
	busy(100);
	b = csr_read(minstret);
	CHECK_EQ(b - a, 0);
	CHECK_EQ(csr_read(mcycle) - c, 0);
	csr_write(mcountinhibit, 0);
	busy(100);
	CHECK(csr_read(minstret) > b);
}

/*
 * minstret counts retired instructions exactly (a read sees the count
 * before it; a write is what the next instruction sees). QEMU without
 * -icount counts host ticks instead; it identifies itself with a nonzero
 * marchid (its version), and then only the checks' count is kept equal.
 */
static void test_exact_instret(void)
{
	int exact = csr_read(marchid) == 0;
	unsigned long a, b;

	__asm__ volatile(".option push\n.option norvc\ncsrr %0, minstret\n"
			 ".rept 100\nnop\n.endr\ncsrr %1, minstret\n"
			 ".option pop" : "=&r"(a), "=r"(b));
	CHECK(!exact || b - a == 101);
	__asm__ volatile(".option push\n.option norvc\ncsrr %0, minstret\n"
			 "li t0, 50\n1: addi t0, t0, -1\nbnez t0, 1b\n"
			 "csrr %1, minstret\n.option pop"
			 : "=&r"(a), "=r"(b) :: "t0");
	CHECK(!exact || b - a == 102);
	__asm__ volatile("csrw minstret, %1\ncsrr %0, minstret"
			 : "=r"(a) : "r"(1000ul));
	CHECK(!exact || a == 1000);
	__asm__ volatile("csrw minstret, %1\nnop\nnop\ncsrr %0, minstret"
			 : "=r"(a) : "r"(5000ul));
	CHECK(!exact || a == 5002);
}

static void test_time(void)
{
	unsigned long a, t, b;

	a = *RT_MTIME;
	t = csr_read(time);
	b = *RT_MTIME;
	CHECK(a <= t && t <= b);
	busy(1000);
	CHECK(csr_read(time) > t);
}

int main(void)
{
	test_ops();
	test_readonly();
	test_machine();
	test_views();
	test_counters();
	test_exact_instret();
	test_time();
	return rt_done("isa_zicsr");
}
