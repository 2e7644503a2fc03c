/* SPDX-License-Identifier: MIT */
/*
 * External interrupts through the PLIC, with the UART as the source: the
 * ns16550a raises its line (PLIC source 10) while its transmitter-empty
 * interrupt is enabled. Covered: priority/enable/threshold registers,
 * pending bits, claim (0 when nothing is pending) and complete, the
 * priority > threshold rule for mip.MEIP, an M-mode external interrupt
 * taken and handled, and the S-mode context driving mip.SEIP, delegated
 * through mideleg to an S handler.
 */
#include "isa.h"

#define PLIC_BASE     0x0c000000ul
#define UART_IRQ      10
#define CTX_M         0                 /* hart 0, M-mode */
#define CTX_S         1                 /* hart 0, S-mode */
#define PLIC_PRIO(n)  ((volatile uint32_t *)(PLIC_BASE + 4 * (n)))
#define PLIC_PEND     ((volatile uint32_t *)(PLIC_BASE + 0x1000))
#define PLIC_EN(c)    ((volatile uint32_t *)(PLIC_BASE + 0x2000 + 0x80 * (c)))
#define PLIC_THR(c)   ((volatile uint32_t *)(PLIC_BASE + 0x200000 + 0x1000 * (c)))
#define PLIC_CLAIM(c) ((volatile uint32_t *)(PLIC_BASE + 0x200004 + 0x1000 * (c)))

#define UART_IER ((volatile uint8_t *)(RT_UART_BASE + 1))
#define UART_IIR ((volatile uint8_t *)(RT_UART_BASE + 2))
#define IER_THRI 0x02

#define MEIP (1ul << IRQ_M_EXT)
#define SEIP (1ul << IRQ_S_EXT)

static volatile int taken, claimed, taken_level;

static void spin(int n)
{
	for (volatile int i = 0; i < n; i++)
		;
}

static void uart_irq(int on)
{
	*UART_IER = on ? IER_THRI : 0;
	spin(100);
}

static int pending(void)
{
	return (int)(*PLIC_PEND >> UART_IRQ) & 1;
}

static void test_registers(void)
{
	*PLIC_PRIO(UART_IRQ) = 1;
	CHECK_EQ(*PLIC_PRIO(UART_IRQ), 1);
	*PLIC_PRIO(UART_IRQ) = 0;
	CHECK_EQ(*PLIC_PRIO(UART_IRQ), 0);
	*PLIC_EN(CTX_M) = 1u << UART_IRQ;
	CHECK_EQ(*PLIC_EN(CTX_M) & (1u << UART_IRQ), 1u << UART_IRQ);
	*PLIC_EN(CTX_M) = 0;
	CHECK_EQ(*PLIC_EN(CTX_M), 0);
	*PLIC_THR(CTX_M) = 1;
	CHECK_EQ(*PLIC_THR(CTX_M), 1);
	*PLIC_THR(CTX_M) = 0;
	CHECK_EQ(*PLIC_CLAIM(CTX_M), 0);
	CHECK_EQ(*PLIC_CLAIM(CTX_S), 0);
}

static void test_pending_claim(void)
{
	uint32_t id;

	*PLIC_PRIO(UART_IRQ) = 1;
	*PLIC_EN(CTX_M) = 1u << UART_IRQ;
	*PLIC_THR(CTX_M) = 0;
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	uart_irq(1);
	CHECK_EQ(pending(), 1);
	CHECK_EQ(csr_read(mip) & MEIP, MEIP);
	/* only a priority above the threshold interrupts */
	*PLIC_THR(CTX_M) = 1;
	spin(10);
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	*PLIC_THR(CTX_M) = 0;
	spin(10);
	CHECK_EQ(csr_read(mip) & MEIP, MEIP);
	id = *PLIC_CLAIM(CTX_M);
	CHECK_EQ(id, UART_IRQ);
	CHECK_EQ(pending(), 0);
	CHECK_EQ(csr_read(mip) & MEIP, 0);      /* claimed, not completed */
	uart_irq(0);
	*PLIC_CLAIM(CTX_M) = id;
	spin(10);
	CHECK_EQ(pending(), 0);
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	CHECK_EQ(*PLIC_CLAIM(CTX_M), 0);
}

static int ext_hook(struct rt_frame *f, int level)
{
	int ctx = level == RT_PRIV_M ? CTX_M : CTX_S;
	uint32_t id;

	if (f->cause != (CAUSE_INTR | IRQ_M_EXT) &&
	    f->cause != (CAUSE_INTR | IRQ_S_EXT))
		return 0;
	taken++;
	taken_level = level;
	id = *PLIC_CLAIM(ctx);
	claimed = (int)id;
	*UART_IER = 0;
	(void)*UART_IIR;
	*PLIC_CLAIM(ctx) = id;
	return 1;
}

static void test_m_interrupt(void)
{
	taken = claimed = 0;
	*PLIC_PRIO(UART_IRQ) = 1;
	*PLIC_EN(CTX_M) = 1u << UART_IRQ;
	csr_write(mie, MEIP);
	csr_set(mstatus, MSTATUS_MIE);
	uart_irq(1);
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(taken, 1);
	CHECK_EQ(claimed, UART_IRQ);
	CHECK_EQ(taken_level, RT_PRIV_M);
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	csr_write(mie, 0);
	*PLIC_EN(CTX_M) = 0;
}

static long s_wait(long arg)
{
	csr_set(sstatus, MSTATUS_SIE);
	for (int i = 0; i < 10000 && !taken; i++)
		__asm__ volatile("nop");
	csr_clear(sstatus, MSTATUS_SIE);
	return arg;
}

static void test_s_context(void)
{
	taken = claimed = 0;
	*PLIC_EN(CTX_M) = 0;
	*PLIC_EN(CTX_S) = 1u << UART_IRQ;
	*PLIC_THR(CTX_S) = 0;
	uart_irq(1);
	CHECK_EQ(csr_read(mip) & (MEIP | SEIP), SEIP);
	csr_write(mideleg, SEIP);
	csr_write(mie, SEIP);
	CHECK_EQ(rt_run_in_mode(RT_PRIV_S, s_wait, 1), 1);
	CHECK_EQ(taken, 1);
	CHECK_EQ(claimed, UART_IRQ);
	CHECK_EQ(taken_level, RT_PRIV_S);
	CHECK_EQ(csr_read(mip) & SEIP, 0);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
	*PLIC_EN(CTX_S) = 0;
	*PLIC_PRIO(UART_IRQ) = 0;
}

int main(void)
{
	rt_trap_hook = ext_hook;
	test_registers();
	test_pending_claim();
	test_m_interrupt();
	test_s_context();
	rt_trap_hook = NULL;
	return rt_done("isa_plic");
}
