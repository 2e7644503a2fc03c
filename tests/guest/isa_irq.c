/* SPDX-License-Identifier: MIT */
/*
 * Interrupts: the CLINT timer (mtimecmp against mtime) and software
 * interrupt (msip) as seen in mip, taken in M-mode when enabled, their
 * priority order (where QEMU follows the spec), WFI waking on a pending
 * enabled interrupt even with mstatus.MIE clear, M-level interrupts taken
 * in S and U whatever MIE says, a timer interrupt breaking a self-loop,
 * delegation of SSIP/STIP to S via mideleg (never taken in M, taken in U
 * whatever SIE says), WFI in S, and vectored mtvec. The handler records (level, from, code) of each interrupt taken.
 */
#include "isa.h"

#define MAX_SEEN 8

static volatile int seen_code[MAX_SEEN], seen_level[MAX_SEEN];
static volatile int seen_from[MAX_SEEN], nseen;

static void ack_m(unsigned long code)
{
	if (code == IRQ_M_SOFT)
		*RT_MSIP = 0;
	else if (code == IRQ_M_TIMER)
		*RT_MTIMECMP = ~0ul;
	else
		csr_clear(mip, 1ul << code);
}

static int irq_hook(struct rt_frame *f, int level)
{
	unsigned long code = f->cause & ~CAUSE_INTR;

	if (!(f->cause & CAUSE_INTR))
		return 0;
	if (nseen < MAX_SEEN) {
		seen_code[nseen] = (int)code;
		seen_level[nseen] = level;
		seen_from[nseen] = level == RT_PRIV_M ? (int)(f->status >> 11) & 3
						      : (int)(f->status >> 8) & 1;
	}
	nseen++;
	if (level == RT_PRIV_M)
		ack_m(code);
	else if (code == IRQ_S_SOFT)
		csr_clear(sip, 1ul << IRQ_S_SOFT);
	else    /* S cannot clear STIP/SEIP: stop listening instead */
		csr_clear(sie, 1ul << code);
	return 1;
}

static void reset_irqs(void)
{
	csr_clear(mstatus, MSTATUS_MIE | MSTATUS_SIE);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
	csr_write(mip, 0);
	*RT_MSIP = 0;
	*RT_MTIMECMP = ~0ul;
	nseen = 0;
}

/* Wait, with WFI, until @n interrupts were seen; bounded by @rounds. */
static void wait_seen(int n, int rounds)
{
	for (int i = 0; i < rounds && nseen < n; i++)
		__asm__ volatile("wfi" ::: "memory");
}

static void spin(int n)
{
	for (volatile int i = 0; i < n; i++)
		;
}

static void test_pending_bits(void)
{
	reset_irqs();
	*RT_MTIMECMP = 0;
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_TIMER), 1ul << IRQ_M_TIMER);
	*RT_MTIMECMP = ~0ul;
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_TIMER), 0);
	*RT_MTIMECMP = *RT_MTIME + 10000000;      /* one second away */
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_TIMER), 0);
	*RT_MSIP = 1;
	CHECK_EQ(*RT_MSIP, 1);
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_SOFT), 1ul << IRQ_M_SOFT);
	*RT_MSIP = 0;
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_SOFT), 0);
	CHECK_EQ(nseen, 0);
}

static void test_timer(void)
{
	reset_irqs();
	csr_write(mie, 1ul << IRQ_M_TIMER);
	*RT_MTIMECMP = *RT_MTIME + 10000;         /* 1 ms */
	csr_set(mstatus, MSTATUS_MIE);
	wait_seen(1, 100000);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_code[0], IRQ_M_TIMER);
	CHECK_EQ(seen_level[0], RT_PRIV_M);
	CHECK(*RT_MTIME >= 10000);
}

static void test_wfi_masked(void)
{
	reset_irqs();
	csr_write(mie, 1ul << IRQ_M_TIMER);
	*RT_MTIMECMP = *RT_MTIME + 5000;
	for (int i = 0; i < 100000; i++) {
		__asm__ volatile("wfi");
		if (csr_read(mip) & (1ul << IRQ_M_TIMER))
			break;
	}
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_M_TIMER), 1ul << IRQ_M_TIMER);
	CHECK_EQ(nseen, 0);
	csr_set(mstatus, MSTATUS_MIE);
	__asm__ volatile("nop");
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 1);
}

static void test_software(void)
{
	reset_irqs();
	csr_write(mie, 1ul << IRQ_M_SOFT);
	csr_set(mstatus, MSTATUS_MIE);
	*RT_MSIP = 1;
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_code[0], IRQ_M_SOFT);
	CHECK_EQ(*RT_MSIP, 0);
	/* masked by mie: pending but never taken */
	csr_write(mie, 0);
	csr_set(mstatus, MSTATUS_MIE);
	*RT_MSIP = 1;
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 1);
	*RT_MSIP = 0;
}

/*
 * The spec orders MEI > MSI > MTI > SEI > SSI > STI. QEMU 7.2 takes pending
 * M-mode interrupts in ascending bit order instead, so only the pairs on
 * which both agree are checked: MSI before MTI, and (delegated, in S) SSI
 * before STI.
 */
static void test_priority(void)
{
	reset_irqs();
	*RT_MSIP = 1;
	*RT_MTIMECMP = 0;
	csr_write(mie, 1ul << IRQ_M_SOFT | 1ul << IRQ_M_TIMER);
	csr_set(mstatus, MSTATUS_MIE);
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 2);
	CHECK_EQ(seen_code[0], IRQ_M_SOFT);
	CHECK_EQ(seen_code[1], IRQ_M_TIMER);
}

static long s_wait_sie(long arg)
{
	csr_set(sstatus, MSTATUS_SIE);
	for (int i = 0; i < 1000 && nseen == 0; i++)
		__asm__ volatile("nop");
	csr_clear(sstatus, MSTATUS_SIE);
	return arg;
}

static long just_return(long arg)
{
	return arg;
}

static void test_delegated(void)
{
	reset_irqs();
	csr_write(mideleg, 1ul << IRQ_S_SOFT | 1ul << IRQ_S_TIMER);
	csr_write(mie, 1ul << IRQ_S_SOFT);
	csr_set(mip, 1ul << IRQ_S_SOFT);
	csr_set(mstatus, MSTATUS_MIE | MSTATUS_SIE);
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE | MSTATUS_SIE);
	CHECK_EQ(nseen, 0);                     /* delegated: never in M */
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wait_sie, 1), 1);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_code[0], IRQ_S_SOFT);
	CHECK_EQ(seen_level[0], RT_PRIV_S);
	CHECK_EQ(csr_read(mip) & (1ul << IRQ_S_SOFT), 0);
	/* STIP set by M, delegated */
	nseen = 0;
	csr_write(mie, 1ul << IRQ_S_TIMER);
	csr_set(mip, 1ul << IRQ_S_TIMER);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wait_sie, 2), 2);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_code[0], IRQ_S_TIMER);
	CHECK_EQ(seen_level[0], RT_PRIV_S);
	csr_clear(mip, 1ul << IRQ_S_TIMER);
	/* both pending: SSI first */
	nseen = 0;
	csr_write(mie, 1ul << IRQ_S_TIMER | 1ul << IRQ_S_SOFT);
	csr_set(mip, 1ul << IRQ_S_TIMER | 1ul << IRQ_S_SOFT);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wait_sie, 3), 3);
	CHECK_EQ(nseen, 2);
	CHECK_EQ(seen_code[0], IRQ_S_SOFT);
	CHECK_EQ(seen_code[1], IRQ_S_TIMER);
	csr_clear(mip, 1ul << IRQ_S_TIMER);
	/* in U, an S-level interrupt is taken whatever sstatus.SIE says */
	nseen = 0;
	csr_write(mie, 1ul << IRQ_S_SOFT);
	csr_set(mip, 1ul << IRQ_S_SOFT);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, just_return, 3), 3);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_level[0], RT_PRIV_S);
	CHECK_EQ(seen_from[0], RT_PRIV_U);
	/* in S with SIE clear, it waits */
	nseen = 0;
	csr_set(mip, 1ul << IRQ_S_SOFT);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, just_return, 4), 4);
	CHECK_EQ(nseen, 0);
	reset_irqs();
}

static long s_wfi_wait(long arg)
{
	for (int i = 0; i < 100000 && nseen == 0; i++)
		__asm__ volatile("wfi" ::: "memory");
	return arg;
}

static void test_m_irq_in_lower(void)
{
	reset_irqs();
	csr_write(mie, 1ul << IRQ_M_TIMER);
	*RT_MTIMECMP = 0;                       /* pending, MIE = 0 */
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, just_return, 5), 5);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_from[0], RT_PRIV_S);
	nseen = 0;
	*RT_MTIMECMP = 0;
	CHECK_EQ(rt_run_in_mode(RT_PRIV_U, just_return, 6), 6);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_from[0], RT_PRIV_U);
	/* WFI in S wakes up for an M-level timer interrupt */
	nseen = 0;
	*RT_MTIMECMP = *RT_MTIME + 10000;
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wfi_wait, 7), 7);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(seen_code[0], IRQ_M_TIMER);
	CHECK_EQ(seen_from[0], RT_PRIV_S);
	reset_irqs();
}

/*
 * A vectored table: interrupt n enters at base + 4n. Entry 7 marks that it
 * was used (saving t0/t1 on the trap stack), then joins the common entry.
 */
extern char vec_table[];
static volatile int vec_hit;
__asm__(".text\n.balign 256\nvec_table:\n.option push\n.option norvc\n"
	".rept 7\nj rt_mtrap_entry\n.endr\n"
	"j vec_timer\n"
	".rept 8\nj rt_mtrap_entry\n.endr\n"
	"vec_timer:\ncsrrw sp, mscratch, sp\naddi sp, sp, -16\n"
	"sd t0, 0(sp)\nsd t1, 8(sp)\nlla t0, vec_hit\nli t1, 1\nsw t1, 0(t0)\n"
	"ld t0, 0(sp)\nld t1, 8(sp)\naddi sp, sp, 16\ncsrrw sp, mscratch, sp\n"
	"j rt_mtrap_entry\n.option pop\n");

static void test_vectored(void)
{
	reset_irqs();
	vec_hit = 0;
	csr_write(mtvec, (uintptr_t)vec_table | 1);
	csr_write(mie, 1ul << IRQ_M_TIMER | 1ul << IRQ_M_SOFT);
	*RT_MTIMECMP = 0;
	csr_set(mstatus, MSTATUS_MIE);
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 1);
	CHECK_EQ(vec_hit, 1);
	/* software interrupt: entry 3, which does not mark */
	vec_hit = 0;
	*RT_MSIP = 1;
	csr_set(mstatus, MSTATUS_MIE);
	spin(10);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(nseen, 2);
	CHECK_EQ(vec_hit, 0);
	/* exceptions use the base */
	rt_trap_expect();
	__asm__ volatile("ebreak");
	CHECK_TRAP(CAUSE_BREAKPOINT, RT_ANY);
	CHECK_EQ(vec_hit, 0);
	csr_write(mtvec, (uintptr_t)rt_mtrap_entry);
	reset_irqs();
}

/*
 * A self-loop ("1: j 1b") is only left through an interrupt: the timer
 * handler moves mepc past it. An executor must check for interrupts even
 * in a block that jumps to itself.
 */
extern char spin_loop[];
__asm__(".text\n.option push\n.option norvc\nspin_loop: j spin_loop\n"
	"ret\n.option pop\n");

static volatile int escaped;

/* Escape the loop; a tick that came before the loop was entered re-arms. */
static int escape_hook(struct rt_frame *f, int level)
{
	(void)level;
	if (f->cause != (CAUSE_INTR | IRQ_M_TIMER))
		return 0;
	if (f->epc == (uintptr_t)spin_loop) {
		*RT_MTIMECMP = ~0ul;
		f->epc += 4;
		escaped++;
	} else {
		*RT_MTIMECMP = *RT_MTIME + 1000;
	}
	return 1;
}

static void test_self_loop(void)
{
	reset_irqs();
	escaped = 0;
	rt_trap_hook = escape_hook;
	csr_write(mie, 1ul << IRQ_M_TIMER);
	*RT_MTIMECMP = *RT_MTIME + 10000;
	csr_set(mstatus, MSTATUS_MIE);
	((void (*)(void))(uintptr_t)spin_loop)();
	csr_clear(mstatus, MSTATUS_MIE);
	rt_trap_hook = irq_hook;
	CHECK_EQ(escaped, 1);
	reset_irqs();
}

int main(void)
{
	rt_trap_hook = irq_hook;
	test_pending_bits();
	test_timer();
	test_wfi_masked();
	test_software();
	test_priority();
	test_delegated();
	test_m_irq_in_lower();
	test_vectored();
	test_self_loop();
	rt_trap_hook = NULL;
	return rt_done("isa_irq");
}
