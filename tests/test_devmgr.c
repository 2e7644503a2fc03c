/* SPDX-License-Identifier: MIT */
/*
 * devmgr suite: the UART, finisher and RTC models driven through their
 * MMIO registers as a guest driver would, with a fake environment that
 * records interrupt lines and power requests; then the models on the bus
 * (devmgr/bus.h) over a devstate region: dispatch, resuming every model
 * from the region, and the events the devices publish.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/pub.h"
#include "devmgr/bus.h"
#include "devmgr/devices.h"
#include "mmu/vm.h"

#define UART_BASE 0x10000000ull
#define TEST_BASE 0x100000ull
#define RTC_BASE  0x101000ull

struct fake {
	int irq_level[32];
	int irq_edges;
	int power_kind, power_code, power_calls;
};

static void fake_irq(void *opaque, unsigned irq, int level)
{
	struct fake *f = opaque;

	if (level && !f->irq_level[irq])
		f->irq_edges++;
	f->irq_level[irq] = level;
}

static void fake_power(void *opaque, int kind, int code)
{
	struct fake *f = opaque;

	f->power_kind = kind;
	f->power_code = code;
	f->power_calls++;
}

static struct fake fk;
static struct dev_env env;
static int out_pipe[2], in_pipe[2];
static uint8_t *state;

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	state = malloc(4096);
	memset(state, 0xee, 4096);
	ck_assert_int_eq(pipe(out_pipe), 0);
	ck_assert_int_eq(pipe2(in_pipe, O_NONBLOCK), 0);
	env = (struct dev_env){ .set_irq = fake_irq, .irq_opaque = &fk,
				.power = fake_power, .power_opaque = &fk,
				.console_out_fd = out_pipe[1],
				.console_in_fd = in_pipe[0], .vm_id = "test" };
}

static void teardown(void)
{
	close(out_pipe[0]); close(out_pipe[1]);
	close(in_pipe[0]); close(in_pipe[1]);
	free(state);
}

static uint64_t rd(struct dev *d, uint64_t off)
{
	uint64_t v = ~0ull;

	ck_assert_int_eq(d->ops->read(d, off, 1, &v), 0);
	return v;
}

static void wr(struct dev *d, uint64_t off, uint64_t v)
{
	ck_assert_int_eq(d->ops->write(d, off, 1, v), 0);
}

static struct dev *uart_new(int fresh)
{
	struct dev *d = dev_new(dev_kind_find("uart"), &env, "uart0",
				UART_BASE, 0x100, 10, state, NULL, fresh);

	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(uart_transmit_and_dlab)
{
	struct dev *d = uart_new(1);
	char buf[8];

	ck_assert_uint_eq(rd(d, 5) & 0x61, 0x60);     /* THRE | TEMT, no DR */
	wr(d, 3, 0x80);                                /* DLAB */
	wr(d, 0, 0x01);
	wr(d, 1, 0x02);
	ck_assert_uint_eq(rd(d, 0), 0x01);
	ck_assert_uint_eq(rd(d, 1), 0x02);
	ck_assert_int_eq(fk.irq_level[10], 0);        /* DLM, not IER */
	wr(d, 3, 0x03);                                /* 8N1, DLAB off */
	ck_assert_uint_eq(rd(d, 1), 0);
	/* A line is out when it ends; any byte is out after a poll. */
	wr(d, 0, 'h');
	wr(d, 0, 'i');
	wr(d, 0, '\n');
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "hi\n", 3);
	wr(d, 0, '$');
	d->ops->poll(d);
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], '$');
	ck_assert_uint_eq(rd(d, 5) & 0x60, 0x60);     /* THRE, TEMT */
	ck_assert_int_eq(d->ops->poll(d), 0);
	ck_assert_uint_eq(rd(d, 3), 0x03);
	wr(d, 7, 0x5a);
	ck_assert_uint_eq(rd(d, 7), 0x5a);
	/* FIFO enabled: IIR says so in its top bits. */
	ck_assert_uint_eq(rd(d, 2) & 0xc0, 0);
	wr(d, 2, 0x07);
	ck_assert_uint_eq(rd(d, 2), 0xc1);
	ck_assert_int_eq(d->ops->read(d, 9, 1, &(uint64_t){0}), -EINVAL);
	dev_destroy(&d);
	ck_assert_ptr_null(d);
	dev_destroy(&d);
}
END_TEST

START_TEST(uart_interrupt_priorities)
{
	struct dev *d = uart_new(1);

	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x01);     /* nothing pending */
	ck_assert_int_eq(fk.irq_level[10], 0);
	/* Enabling THRE with an empty THR raises the line at once. */
	wr(d, 1, 0x02);
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);     /* reading IIR clears */
	ck_assert_int_eq(fk.irq_level[10], 0);
	wr(d, 0, 'x');                                 /* sent: empty again */
	ck_assert_int_eq(fk.irq_level[10], 1);
	/* Disable, enable again: THRE is reasserted (8250's THRE test). */
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);
	wr(d, 1, 0x00);
	wr(d, 1, 0x02);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);
	/* Received data outranks THRE. */
	wr(d, 1, 0x03);
	wr(d, 0, 'y');
	ck_assert_int_eq(write(in_pipe[1], "ab", 2), 2);
	ck_assert_int_gt(d->ops->poll(d), 0);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x04);
	ck_assert_uint_eq(rd(d, 5) & 0x01, 0x01);     /* DR */
	ck_assert_uint_eq(rd(d, 0), 'a');
	ck_assert_uint_eq(rd(d, 0), 'b');
	ck_assert_uint_eq(rd(d, 5) & 0x01, 0);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);     /* THRE still pending */
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x01);
	ck_assert_int_eq(fk.irq_level[10], 0);
	/* Data with the RX interrupt disabled: DR, but no interrupt. */
	wr(d, 1, 0x00);
	ck_assert_int_eq(write(in_pipe[1], "c", 1), 1);
	ck_assert_int_gt(d->ops->poll(d), 0);
	ck_assert_int_eq(fk.irq_level[10], 0);
	ck_assert_uint_eq(rd(d, 5) & 0x01, 0x01);
	wr(d, 1, 0x01);
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 0), 'c');
	ck_assert_int_eq(fk.irq_level[10], 0);
	ck_assert_int_eq(d->ops->poll(d), 0);         /* idle */
	dev_destroy(&d);
}
END_TEST

START_TEST(uart_rx_fifo_and_clear)
{
	struct dev *d = uart_new(1);
	char in[40];

	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	ck_assert_int_eq(write(in_pipe[1], in, sizeof(in)), (ssize_t)sizeof(in));
	d->ops->poll(d);
	/* The FIFO holds 16; the rest waits in the pipe, nothing is lost. */
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(rd(d, 0), (uint8_t)in[i]);
	ck_assert_uint_eq(rd(d, 5) & 1, 0);
	d->ops->poll(d);
	ck_assert_uint_eq(rd(d, 0), (uint8_t)in[16]);
	wr(d, 2, 0x03);                                /* clear RX FIFO */
	ck_assert_uint_eq(rd(d, 5) & 1, 0);
	d->ops->poll(d);
	ck_assert_uint_eq(rd(d, 0), (uint8_t)in[32]);
	dev_destroy(&d);
}
END_TEST

/* A console that stops taking output: bytes wait in the UART, THRE
 * drops when its buffer is nearly full, and everything comes out in
 * order once the console drains. */
START_TEST(uart_slow_console_buffers)
{
	static char filler[1 << 16], got[1 << 17];
	struct dev *d = uart_new(1);
	size_t sent = 0, have = 0, spilled;
	ssize_t n;

	ck_assert_int_eq(fcntl(out_pipe[1], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(fcntl(out_pipe[0], F_SETFL, O_NONBLOCK), 0);
	while (write(out_pipe[1], filler, sizeof(filler)) > 0)
		;
	wr(d, 1, 0x02);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);
	while (rd(d, 5) & 0x20) {                      /* while THRE */
		wr(d, 0, (uint8_t)('a' + sent % 26));
		sent++;
		ck_assert_uint_lt(sent, 100000);
	}
	ck_assert_uint_gt(sent, 16);
	ck_assert_uint_eq(rd(d, 5) & 0x40, 0);         /* not TEMT */
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x01);      /* no THRE irq */
	ck_assert_int_eq(fk.irq_level[10], 0);
	/* The console drains: poll flushes and THRE interrupts again. */
	spilled = 0;
	while ((n = read(out_pipe[0], got, sizeof(got))) > 0)
		spilled += (size_t)n;
	ck_assert_uint_gt(spilled, 0);
	ck_assert_int_gt(d->ops->poll(d), 0);
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 5) & 0x60, 0x60);
	while ((n = read(out_pipe[0], got + have, sizeof(got) - have)) > 0)
		have += (size_t)n;
	ck_assert_uint_eq(have, sent);
	for (size_t i = 0; i < sent; i++)
		ck_assert_int_eq(got[i], 'a' + (int)(i % 26));
	dev_destroy(&d);
}
END_TEST

START_TEST(uart_loopback_and_modem_status)
{
	struct dev *d = uart_new(1);

	ck_assert_uint_eq(rd(d, 6) & 0xf0, 0xb0);     /* DCD, DSR, CTS */
	/* 8250 probing: loopback with RTS and OUT2 reads back CTS, DCD. */
	wr(d, 4, 0x10 | 0x0a);
	ck_assert_uint_eq(rd(d, 6) & 0xf0, 0x90);
	wr(d, 4, 0x10 | 0x0f);
	ck_assert_uint_eq(rd(d, 6), 0xf0 | 0x02);     /* DSR changed */
	wr(d, 0, 'L');                                 /* looped back */
	ck_assert_uint_eq(rd(d, 5) & 1, 1);
	ck_assert_uint_eq(rd(d, 0), 'L');
	/* Modem status interrupts, lowest priority, cleared by MSR. */
	wr(d, 1, 0x08);
	wr(d, 4, 0x10 | 0x0b);                         /* RI falls: TERI */
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x00);
	ck_assert_uint_eq(rd(d, 6) & 0x0f, 0x04);
	ck_assert_int_eq(fk.irq_level[10], 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(uart_resumes_from_state)
{
	struct dev *d = uart_new(1);

	wr(d, 3, 0x1b);
	wr(d, 1, 0x01);
	ck_assert_int_eq(write(in_pipe[1], "z", 1), 1);
	d->ops->poll(d);
	ck_assert_int_eq(fk.irq_level[10], 1);
	dev_destroy(&d);
	fk.irq_level[10] = 0;
	/* A new instance over the same state block carries on, and drives
	 * its line from the state it finds. */
	d = uart_new(0);
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 3), 0x1b);
	ck_assert_uint_eq(rd(d, 0), 'z');
	ck_assert_int_eq(fk.irq_level[10], 0);
	d->ops->reset(d);
	ck_assert_uint_eq(rd(d, 3), 0);
	/* What is still buffered goes out when the instance goes away. */
	wr(d, 0, 'o');
	wr(d, 0, 'k');
	dev_destroy(&d);
	{
		char buf[4];

		ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), 2);
		ck_assert_mem_eq(buf, "ok", 2);
	}
}
END_TEST

START_TEST(finisher_codes)
{
	struct dev *d = dev_new(dev_kind_find("test"), &env, "test", TEST_BASE,
				0x1000, 0, NULL, NULL, 1);
	uint64_t v = 1;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->ops->read(d, 0, 4, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(d->ops->write(d, 0, 4, 0x1234), 0);
	ck_assert_int_eq(fk.power_calls, 0);
	ck_assert_int_eq(d->ops->write(d, 0, 4, (42 << 16) | 0x3333), 0);
	ck_assert_int_eq(fk.power_kind, DEV_POWER_FAIL);
	ck_assert_int_eq(fk.power_code, 42);
	ck_assert_int_eq(d->ops->write(d, 0, 4, 0x5555), 0);
	ck_assert_int_eq(fk.power_kind, DEV_POWER_OFF);
	ck_assert_int_eq(d->ops->write(d, 0, 4, 0x7777), 0);
	ck_assert_int_eq(fk.power_kind, DEV_POWER_RESET);
	ck_assert_int_eq(fk.power_calls, 3);
	/* OpenSBI's shutdown is a 16-bit store; a byte is no command. */
	ck_assert_int_eq(d->ops->write(d, 0, 2, 0x5555), 0);
	ck_assert_int_eq(fk.power_kind, DEV_POWER_OFF);
	ck_assert_int_eq(fk.power_calls, 4);
	ck_assert_int_eq(d->ops->write(d, 0, 1, 0x55), 0);
	ck_assert_int_eq(d->ops->write(d, 4, 4, 0x5555), 0);
	ck_assert_int_eq(fk.power_calls, 4);
	dev_destroy(&d);
	ck_assert_ptr_null(dev_kind_find("no-such-device"));
	ck_assert_ptr_null(dev_kind_find(NULL));
}
END_TEST

static uint64_t rtc_time(struct dev *d)
{
	uint64_t lo, hi;

	d->ops->read(d, 0x00, 4, &lo);
	d->ops->read(d, 0x04, 4, &hi);
	return hi << 32 | lo;
}

static void rtc_w(struct dev *d, uint64_t off, uint32_t v)
{
	ck_assert_int_eq(d->ops->write(d, off, 4, v), 0);
}

static uint64_t host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct dev *rtc_new(int fresh)
{
	struct dev *d = dev_new(dev_kind_find("rtc"), &env, "rtc", RTC_BASE,
				0x1000, 11, state, NULL, fresh);

	ck_assert_ptr_nonnull(d);
	return d;
}

#define RTC_SET 1000000000000ull   /* 1000 s after the epoch */

START_TEST(rtc_clock)
{
	struct dev *d = rtc_new(1);
	uint64_t t, host = host_now();

	t = rtc_time(d);
	ck_assert_uint_ge(t, host);
	ck_assert_uint_lt(t - host, 60ull * 1000000000ull);
	rtc_w(d, 0x04, (uint32_t)(RTC_SET >> 32));
	rtc_w(d, 0x00, (uint32_t)RTC_SET);
	t = rtc_time(d);
	ck_assert_uint_ge(t, RTC_SET);
	ck_assert_uint_lt(t, RTC_SET + 60000000000ull);
	/* The guest's clock survives a resume and a reset. */
	dev_destroy(&d);
	d = rtc_new(0);
	d->ops->reset(d);
	t = rtc_time(d);
	ck_assert_uint_ge(t, RTC_SET);
	ck_assert_uint_lt(t, RTC_SET + 60000000000ull);
	dev_destroy(&d);
}
END_TEST

static void rtc_alarm_at(struct dev *d, uint64_t t)
{
	rtc_w(d, 0x0c, (uint32_t)(t >> 32));
	rtc_w(d, 0x08, (uint32_t)t);
}

START_TEST(rtc_alarm)
{
	struct dev *d = rtc_new(1);
	uint64_t t, v;

	/* An alarm in the past fires at once, once. */
	rtc_w(d, 0x10, 1);
	rtc_alarm_at(d, 1);
	ck_assert_int_eq(fk.irq_level[11], 1);
	ck_assert_int_eq(d->ops->poll(d), 0);
	d->ops->read(d, 0x18, 4, &v);
	ck_assert_uint_eq(v, 0);                       /* no longer armed */
	rtc_w(d, 0x1c, 1);
	ck_assert_int_eq(fk.irq_level[11], 0);
	/* A far alarm stays armed until cleared. */
	t = rtc_time(d) + 3600000000000ull;
	rtc_alarm_at(d, t);
	d->ops->read(d, 0x08, 4, &v);
	ck_assert_uint_eq(v, (uint32_t)t);
	d->ops->read(d, 0x18, 4, &v);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(d->ops->poll(d), 0);
	rtc_w(d, 0x14, 1);
	d->ops->read(d, 0x18, 4, &v);
	ck_assert_uint_eq(v, 0);
	/* A near one fires from poll (bounded wait, no timing asserted). */
	rtc_alarm_at(d, rtc_time(d) + 2000000ull);
	for (int i = 0; i < 5000 && !fk.irq_level[11]; i++) {
		d->ops->poll(d);
		usleep(1000);
	}
	ck_assert_int_eq(fk.irq_level[11], 1);
	/* The line follows IRQ_ENABLED. */
	rtc_w(d, 0x10, 0);
	ck_assert_int_eq(fk.irq_level[11], 0);
	d->ops->read(d, 0x10, 4, &v);
	ck_assert_uint_eq(v, 0);
	dev_destroy(&d);
}
END_TEST

/* ---- the bus over the devstate region ---- */

static struct mmu_devstate *region;
static uint64_t region_bytes;

static struct mmu_devstate *region_new(void)
{
	region_bytes = mmu_devstate_bytes();
	region = aligned_alloc(4096, region_bytes);
	ck_assert_ptr_nonnull(region);
	memset(region, 0x5a, region_bytes);
	ck_assert_int_eq(mmu_devstate_format(region, region_bytes), 0);
	return region;
}

static struct dev_bus *board(int fresh)
{
	struct dev_bus *b = dev_bus_new(region, region_bytes, &env, fresh);

	ck_assert_ptr_nonnull(b);
	if (!fresh)
		return b;
	ck_assert_int_ge(dev_bus_add(b, "uart", "uart0", UART_BASE, 0x100, 10,
				     NULL), 0);
	ck_assert_int_ge(dev_bus_add(b, "test", "test", TEST_BASE, 0x1000, 0,
				     NULL), 0);
	ck_assert_int_ge(dev_bus_add(b, "rtc", "rtc", RTC_BASE, 0x1000, 11,
				     NULL), 0);
	return b;
}

static int mmio(struct dev_bus *b, uint64_t pa, unsigned size, int w,
		uint64_t *v)
{
	return dev_bus_mmio(b, pa, size, w, v);
}

START_TEST(bus_dispatch_and_resume)
{
	struct dev_bus *b;
	uint64_t v;
	char c;

	region_new();
	b = board(1);
	v = 0x1b;
	ck_assert_int_eq(mmio(b, UART_BASE + 3, 1, 1, &v), 0);
	v = 'k';
	ck_assert_int_eq(mmio(b, UART_BASE, 1, 1, &v), 0);
	dev_bus_poll(b);
	ck_assert_int_eq(read(out_pipe[0], &c, 1), 1);
	ck_assert_int_eq(c, 'k');
	v = 0x5555;
	ck_assert_int_eq(mmio(b, TEST_BASE, 4, 1, &v), 0);
	ck_assert_int_eq(fk.power_kind, DEV_POWER_OFF);
	ck_assert_int_eq(mmio(b, RTC_BASE, 4, 0, &v), 0);
	ck_assert_uint_ne(v, 0);
	ck_assert_int_lt(mmio(b, 0x2000, 4, 0, &v), 0);          /* hole */
	ck_assert_int_lt(mmio(b, UART_BASE + 0xfe, 4, 0, &v), 0); /* crosses */
	ck_assert_int_eq(dev_bus_poll(b), 0);
	dev_bus_destroy(&b);
	/* A restarted devmgr: every device comes back from the region. */
	b = board(0);
	ck_assert_uint_eq(dev_bus_count(b), 3);
	ck_assert_uint_eq(dev_bus_lost(b), 0);
	ck_assert_int_eq(mmio(b, UART_BASE + 3, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0x1b);
	ck_assert_int_eq(mmio(b, UART_BASE + 1, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	dev_bus_destroy(&b);
	free(region);
}
END_TEST

START_TEST(bus_virtio_blk_resumes)
{
	char img[64] = "/tmp/tessera-devbus-", args[96];
	struct dev_bus *b;
	uint64_t v;
	int fd;

	memset(img + strlen(img), 'X', 6);   /* mkstemp's placeholder */
	fd = mkstemp(img);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8 * 512), 0);
	close(fd);
	snprintf(args, sizeof(args), "path=%s,ro", img);
	region_new();
	b = board(1);
	ck_assert_int_ge(dev_bus_add(b, "virtio-blk", "vblk0", 0x10001000,
				     0x1000, 1, args), 0);
	v = 1;
	ck_assert_int_eq(mmio(b, 0x10001070, 4, 1, &v), 0);   /* ACK */
	dev_bus_destroy(&b);
	b = board(0);
	ck_assert_uint_eq(dev_bus_lost(b), 0);
	ck_assert_int_eq(mmio(b, 0x10001070, 4, 0, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(mmio(b, 0x10001100, 4, 0, &v), 0);
	ck_assert_uint_eq(v, 8);                               /* capacity */
	dev_bus_destroy(&b);
	/* Without its image the disk cannot come back; the rest can. */
	unlink(img);
	b = board(0);
	ck_assert_uint_eq(dev_bus_lost(b), 1);
	ck_assert_uint_eq(dev_bus_count(b), 3);
	dev_bus_destroy(&b);
	free(region);
}
END_TEST

/* Devices publish through env->pub; with nobody subscribed nothing is
 * built, but every event still takes its sequence number, which is how
 * this test sees them without a broker. */
START_TEST(events_published)
{
	char dir[64] = "/tmp/tessera-devev-", ep[96];
	struct ev_pub *p;
	struct dev_bus *b;
	uint64_t v;

	memset(dir + strlen(dir), 'X', 6);   /* mkdtemp's placeholder */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ep, sizeof(ep), "ipc://%s/events-in", dir);
	p = ev_pub_new(ep, "test", "devmgr");
	ck_assert_ptr_nonnull(p);
	env.pub = p;
	region_new();
	b = board(1);
	ck_assert_uint_eq(p->seq[EV_TOPIC_DEVICE_ADDED], 3);
	v = 0x02;
	ck_assert_int_eq(mmio(b, UART_BASE + 1, 1, 1, &v), 0);   /* rises */
	v = 'e';
	ck_assert_int_eq(mmio(b, UART_BASE, 1, 1, &v), 0);       /* stays */
	v = 0;
	ck_assert_int_eq(mmio(b, UART_BASE + 1, 1, 1, &v), 0);   /* falls */
	v = 0x02;
	ck_assert_int_eq(mmio(b, UART_BASE + 1, 1, 1, &v), 0);   /* rises */
	ck_assert_uint_eq(p->seq[EV_TOPIC_DEVICE_INTERRUPT], 2);
	ck_assert_int_eq(dev_bus_remove(b, "rtc"), 0);
	ck_assert_uint_eq(p->seq[EV_TOPIC_DEVICE_REMOVED], 1);
	dev_bus_destroy(&b);
	free(region);
	env.pub = NULL;
	ev_pub_destroy(&p);
	rmdir(dir);
}
END_TEST

static Suite *devmgr_suite(void)
{
	Suite *s = suite_create("devmgr");
	TCase *t = tcase_create("models");
	TCase *u = tcase_create("bus");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, uart_transmit_and_dlab);
	tcase_add_test(t, uart_interrupt_priorities);
	tcase_add_test(t, uart_rx_fifo_and_clear);
	tcase_add_test(t, uart_slow_console_buffers);
	tcase_add_test(t, uart_loopback_and_modem_status);
	tcase_add_test(t, uart_resumes_from_state);
	tcase_add_test(t, finisher_codes);
	tcase_add_test(t, rtc_clock);
	tcase_add_test(t, rtc_alarm);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(u, setup, teardown);
	tcase_add_test(u, bus_dispatch_and_resume);
	tcase_add_test(u, bus_virtio_blk_resumes);
	tcase_add_test(u, events_published);
	suite_add_tcase(s, u);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(devmgr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
