/* SPDX-License-Identifier: MIT */
/*
 * Console output on the ns16550a UART0 and power-off through the sifive
 * test finisher, the two devices every guest program needs.
 */
#include "rt.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

/* A bounded wait: a UART model that never reports THRE must not hang us. */
#define UART_SPIN 100000

void rt_putc(int c)
{
	volatile uint8_t *uart = (volatile uint8_t *)RT_UART_BASE;

	for (int i = 0; i < UART_SPIN; i++)
		if (uart[UART_LSR] & UART_LSR_THRE)
			break;
	uart[UART_THR] = (uint8_t)c;
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

void rt_exit(int code)
{
	volatile uint32_t *fin = (volatile uint32_t *)RT_FINISHER_BASE;

	if (code == 0)
		*fin = 0x5555;
	else
		*fin = ((uint32_t)(code < 0 || code > 255 ? 255 : code) << 16) | 0x3333;
	for (;;)
		__asm__ volatile("wfi");
}
