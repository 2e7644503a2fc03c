/* SPDX-License-Identifier: MIT */
/*
 * ns16550a UART, as Linux's 8250 driver and OpenSBI's uart8250 use it.
 *
 * Transmit: bytes the guest writes to THR go into a transmit buffer in the
 * state block. A byte that follows a quiet console (nothing written for
 * TX_QUIET_NS) goes out at once, so an echo or a prompt is not delayed;
 * within a burst, bytes are written at the end of a line, when TX_BATCH
 * are waiting, and by poll() and detach: one system call per line rather
 * than per character, since a syscall costs far more than the guest's
 * store. When the console does not take them (a
 * nonblocking fd that says EAGAIN) they wait and poll() retries, so a
 * slow console never stalls the vCPU, and nothing is lost across a
 * devmgr restart. LSR.THRE means "room for a full 16-byte FIFO load" and
 * TEMT "everything sent": a guest that honours THRE (all do) waits while
 * the console is stuck instead of losing bytes. With a blocking console
 * fd a stalled reader stalls the writer, so hosts should hand over a
 * nonblocking fd (and ignore SIGPIPE).
 *
 * Receive: poll() moves console input into a 16-byte FIFO. Interrupts
 * follow the 16550's priorities (received data, then THR empty, then
 * modem status), and THRE is pending from the moment the transmitter has
 * room until IIR reports it or THR is written. Loopback (MCR bit 4) feeds
 * THR into the receive FIFO and MCR's outputs into MSR, as 8250 probing
 * expects.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devmgr/devices.h"

enum { RBR_THR_DLL, IER_DLM, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB   0x80
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define IER_RDA    0x01
#define IER_THRE   0x02
#define IER_MSI    0x08
#define IIR_MSI    0x00
#define IIR_NONE   0x01
#define IIR_THRE   0x02
#define IIR_RDA    0x04
#define IIR_FIFO   0xc0
#define FCR_ENABLE 0x01
#define FCR_CLR_RX 0x02
#define MCR_LOOP   0x10
#define MSR_LINES  0xb0   /* DCD, DSR, CTS asserted: a cable always there */
#define MSR_TERI   0x04
#define RX_FIFO    16
#define TX_LOAD    16     /* what a driver writes after seeing THRE */
#define TX_BUF     512
#define TX_BATCH   64     /* buffered bytes that trigger a write */
#define TX_QUIET_NS 1000000ull  /* console idle this long: write at once */

struct uart_state {
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	uint8_t msr_delta;         /* MSR bits 3:0, cleared by reading MSR */
	uint8_t thre_pending;
	uint8_t rx_head, rx_count;
	uint8_t tx_stalled;        /* the console said EAGAIN: wait for poll */
	uint16_t tx_head, tx_count;
	uint32_t tx_dropped;       /* written while the buffer was full */
	uint64_t tx_last_ns;       /* CLOCK_MONOTONIC of the last write */
	uint8_t rx[RX_FIFO];
	uint8_t tx[TX_BUF];
};

static int tx_room(const struct uart_state *u)
{
	return u->tx_count <= TX_BUF - TX_LOAD;
}

static uint8_t msr_lines(const struct uart_state *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_LINES;
	/* Loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	return (uint8_t)((m & 0x02) << 3 | (m & 0x01) << 5 |
			 (m & 0x04) << 4 | (m & 0x08) << 4);
}

static uint8_t uart_iir(const struct uart_state *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDA) && u->rx_count)
		return fifo | IIR_RDA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return fifo | IIR_THRE;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return fifo | IIR_MSI;
	return fifo | IIR_NONE;
}

static void uart_update_irq(struct dev *d)
{
	dev_raise_irq(d, !(uart_iir(d->state) & IIR_NONE));
}

static int uart_attach(struct dev *d, const char *args, int fresh)
{
	struct uart_state *u = d->state;

	if (fresh) {
		memset(u, 0, sizeof(*u));
		return 0;
	}
	/* The state block outlived a process: distrust its indices. */
	if (u->rx_head >= RX_FIFO || u->rx_count > RX_FIFO)
		u->rx_head = u->rx_count = 0;
	if (u->tx_head >= TX_BUF || u->tx_count > TX_BUF)
		u->tx_head = u->tx_count = 0;
	uart_update_irq(d);
	return 0;
}

static void rx_push(struct uart_state *u, uint8_t c)
{
	if (u->rx_count < RX_FIFO)
		u->rx[(u->rx_head + u->rx_count++) % RX_FIFO] = c;
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

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Write what the buffer holds until the console stops taking it. */
static void tx_flush(struct dev *d)
{
	struct uart_state *u = d->state;
	int fd = d->env->console_out_fd;

	u->tx_last_ns = mono_ns();
	while (u->tx_count) {
		size_t chunk = TX_BUF - u->tx_head;
		ssize_t n;

		if (chunk > u->tx_count)
			chunk = u->tx_count;
		n = fd < 0 ? (ssize_t)chunk : write(fd, u->tx + u->tx_head, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			u->tx_stalled = 1;
			return;
		}
		if (n <= 0)
			n = (ssize_t)u->tx_count;   /* console gone: discard */
		if ((size_t)n > u->tx_count)
			n = (ssize_t)u->tx_count;
		u->tx_head = (uint16_t)((u->tx_head + n) % TX_BUF);
		u->tx_count = (uint16_t)(u->tx_count - n);
	}
}

static void uart_transmit(struct dev *d, uint8_t c)
{
	struct uart_state *u = d->state;

	if (u->mcr & MCR_LOOP) {
		rx_push(u, c);
	} else if (u->tx_count < TX_BUF) {
		u->tx[(u->tx_head + u->tx_count++) % TX_BUF] = c;
		if (!u->tx_stalled && (c == '\n' || u->tx_count >= TX_BATCH ||
					mono_ns() - u->tx_last_ns >= TX_QUIET_NS))
			tx_flush(d);
	} else {
		u->tx_dropped++;
	}
	u->thre_pending = (uint8_t)tx_room(u);
}

static uint8_t uart_lsr(const struct uart_state *u)
{
	return (uint8_t)((tx_room(u) ? LSR_THRE : 0) |
			 (u->tx_count ? 0 : LSR_TEMT) |
			 (u->rx_count ? LSR_DR : 0));
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
	case LSR: v = uart_lsr(u); break;
	case MSR:
		v = msr_lines(u) | u->msr_delta;
		u->msr_delta = 0;
		break;
	case SCR: v = u->scr; break;
	default: return -EINVAL;
	}
	*val = v;
	uart_update_irq(d);
	return 0;
}

static void uart_write_mcr(struct uart_state *u, uint8_t v)
{
	uint8_t before = msr_lines(u), after, changed;

	u->mcr = v & 0x1f;
	after = msr_lines(u);
	changed = before ^ after;
	/* DCTS, DDSR, DDCD on any change; TERI only when RI falls. */
	u->msr_delta |= (uint8_t)(((changed >> 4) & 0x0b) |
				  ((before & ~after & 0x40) ? MSR_TERI : 0));
}

static void uart_write_ier(struct uart_state *u, uint8_t v)
{
	if (!(u->ier & IER_THRE) && (v & IER_THRE))
		u->thre_pending = (uint8_t)tx_room(u);
	u->ier = v & 0x0f;
}

static int uart_write(struct dev *d, uint64_t off, unsigned size, uint64_t val)
{
	struct uart_state *u = d->state;
	int dlab = u->lcr & LCR_DLAB;
	uint8_t v = (uint8_t)val;

	switch (off) {
	case RBR_THR_DLL:
		if (dlab)
			u->dll = v;
		else
			uart_transmit(d, v);
		break;
	case IER_DLM:
		if (dlab)
			u->dlm = v;
		else
			uart_write_ier(u, v);
		break;
	case IIR_FCR:
		/* Clearing the transmit FIFO is ignored: the buffered bytes
		 * are console output the guest already "sent". */
		u->fcr = v & ~(FCR_CLR_RX | 0x04);
		if (v & FCR_CLR_RX)
			u->rx_count = 0;
		break;
	case LCR: u->lcr = v; break;
	case MCR: uart_write_mcr(u, v); break;
	case SCR: u->scr = v; break;
	case LSR: case MSR: break;
	default: return -EINVAL;
	}
	uart_update_irq(d);
	return 0;
}

/* Read console input into the receive FIFO; returns the bytes taken. */
static int uart_receive(struct dev *d)
{
	struct uart_state *u = d->state;
	uint8_t buf[RX_FIFO];
	ssize_t n;

	if (d->env->console_in_fd < 0 || u->rx_count == RX_FIFO ||
	    (u->mcr & MCR_LOOP))
		return 0;
	n = read(d->env->console_in_fd, buf, RX_FIFO - u->rx_count);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (ssize_t i = 0; i < n; i++)
		rx_push(u, buf[i]);
	return (int)n;
}

/* Flush pending output, take pending input. Returns > 0 if either moved
 * bytes, 0 if idle, -errno if the console input failed. */
static int uart_poll(struct dev *d)
{
	struct uart_state *u = d->state;
	uint16_t pending = u->tx_count;
	int had_room = tx_room(u), n;

	u->tx_stalled = 0;
	if (pending)
		tx_flush(d);
	if (!had_room && tx_room(u))
		u->thre_pending = 1;
	n = uart_receive(d);
	uart_update_irq(d);
	if (n < 0)
		return n;
	return n + (u->tx_count != pending);
}

/* Give the console what is still buffered, waiting a little for a
 * nonblocking console; the state block keeps whatever it refuses. */
static void uart_detach(struct dev *d)
{
	struct uart_state *u = d->state;
	struct pollfd p = { .fd = d->env->console_out_fd, .events = POLLOUT };

	tx_flush(d);
	for (int tries = 0; u->tx_count && p.fd >= 0 && tries < 10; tries++)
		if (poll(&p, 1, 20) > 0)
			tx_flush(d);
}

static void uart_reset(struct dev *d)
{
	struct uart_state *u = d->state;

	/* Output the guest already wrote still goes out after a reset. */
	memset(u, 0, offsetof(struct uart_state, tx_head));
	uart_update_irq(d);
}

const struct dev_ops dev_uart_ops = {
	.kind = "uart",
	.state_size = sizeof(struct uart_state),
	.attach = uart_attach,
	.read = uart_read,
	.write = uart_write,
	.poll = uart_poll,
	.reset = uart_reset,
	.detach = uart_detach,
};
