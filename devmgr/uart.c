/* SPDX-License-Identifier: MIT */
/*
 * ns16550a UART, as Linux's 8250 driver and OpenSBI's uart8250 use it.
 *
 * Transmission is immediate (the line is never busy), so LSR always says
 * THRE|TEMT and a "transmitter empty" interrupt is pending from the moment
 * THR is written or the interrupt is enabled until IIR reports it or THR
 * is written again. Received bytes come from the console input fd through
 * poll() into a 16-byte FIFO. All register state lives in the device's
 * state block, so a resumed devmgr continues mid-conversation.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "devmgr/devices.h"

enum { RBR_THR_DLL, IER_DLM, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB   0x80
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define IER_RDA    0x01
#define IER_THRE   0x02
#define IIR_NONE   0x01
#define IIR_THRE   0x02
#define IIR_RDA    0x04
#define IIR_FIFO   0xc0
#define MSR_IDLE   0xb0   /* DCD, DSR, CTS asserted */
#define RX_FIFO    16

struct uart_state {
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	uint8_t thre_pending;
	uint8_t rx[RX_FIFO];
	uint8_t rx_head, rx_count;
	uint8_t irq_level;
};

static uint8_t uart_iir(const struct uart_state *u)
{
	uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDA) && u->rx_count)
		return fifo | IIR_RDA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return fifo | IIR_THRE;
	return fifo | IIR_NONE;
}

static void uart_update_irq(struct dev *d)
{
	struct uart_state *u = d->state;
	uint8_t level = !(uart_iir(u) & IIR_NONE);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	dev_raise_irq(d, level);
}

static int uart_attach(struct dev *d, const char *args, int fresh)
{
	struct uart_state *u = d->state;

	if (fresh) {
		memset(u, 0, sizeof(*u));
	} else if (u->rx_head >= RX_FIFO || u->rx_count > RX_FIFO) {
		/* The state block came from elsewhere: distrust it. */
		u->rx_head = 0;
		u->rx_count = 0;
	}
	return 0;
}

static uint8_t rx_pop(struct uart_state *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % RX_FIFO);
	u->rx_count--;
	return c;
}

static int uart_read(struct dev *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct uart_state *u = d->state;
	int dlab = u->lcr & LCR_DLAB;
	uint8_t v = 0;

	switch (off) {
	case RBR_THR_DLL: v = dlab ? u->dll : rx_pop(u); break;
	case IER_DLM: v = dlab ? u->dlm : u->ier; break;
	case IIR_FCR:
		v = uart_iir(u);
		if ((v & 0x0f) == IIR_THRE)
			u->thre_pending = 0;
		break;
	case LCR: v = u->lcr; break;
	case MCR: v = u->mcr; break;
	case LSR: v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0); break;
	case MSR: v = MSR_IDLE; break;
	case SCR: v = u->scr; break;
	default: return -EINVAL;
	}
	*val = v;
	uart_update_irq(d);
	return 0;
}

static void uart_transmit(struct dev *d, uint8_t c)
{
	ssize_t n;

	do
		n = write(d->env->console_out_fd, &c, 1);
	while (n < 0 && errno == EINTR);
}

static int uart_write(struct dev *d, uint64_t off, unsigned size, uint64_t val)
{
	struct uart_state *u = d->state;
	int dlab = u->lcr & LCR_DLAB;
	uint8_t v = (uint8_t)val;

	switch (off) {
	case RBR_THR_DLL:
		if (dlab) {
			u->dll = v;
		} else {
			uart_transmit(d, v);
			u->thre_pending = 1;
		}
		break;
	case IER_DLM:
		if (dlab) {
			u->dlm = v;
			break;
		}
		if (!(u->ier & IER_THRE) && (v & IER_THRE))
			u->thre_pending = 1;   /* THR is empty right now */
		u->ier = v & 0x0f;
		break;
	case IIR_FCR:
		u->fcr = v;
		if (v & 0x02)
			u->rx_count = 0;       /* clear the receive FIFO */
		break;
	case LCR: u->lcr = v; break;
	case MCR: u->mcr = v & 0x1f; break;
	case SCR: u->scr = v; break;
	case LSR: case MSR: break;
	default: return -EINVAL;
	}
	uart_update_irq(d);
	return 0;
}

/* Move what the console has typed into the receive FIFO. */
static int uart_poll(struct dev *d)
{
	struct uart_state *u = d->state;
	uint8_t buf[RX_FIFO];
	ssize_t n;

	if (d->env->console_in_fd < 0 || u->rx_count == RX_FIFO)
		return 0;
	n = read(d->env->console_in_fd, buf, RX_FIFO - u->rx_count);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (ssize_t i = 0; i < n; i++) {
		u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = buf[i];
		u->rx_count++;
	}
	uart_update_irq(d);
	return (int)n;
}

static void uart_reset(struct dev *d)
{
	memset(d->state, 0, sizeof(struct uart_state));
	dev_raise_irq(d, 0);
}

const struct dev_ops dev_uart_ops = {
	.kind = "uart",
	.state_size = sizeof(struct uart_state),
	.attach = uart_attach,
	.read = uart_read,
	.write = uart_write,
	.poll = uart_poll,
	.reset = uart_reset,
};
