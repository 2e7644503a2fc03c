/* SPDX-License-Identifier: MIT */
/*
 * devmgr suite: the UART, finisher and RTC models driven through their
 * MMIO registers as a guest driver would, with a fake environment that
 * records interrupt lines and power requests.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devmgr/devices.h"

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
static uint8_t state[4096];

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	memset(state, 0xee, sizeof(state));
	ck_assert_int_eq(pipe(out_pipe), 0);
	ck_assert_int_eq(pipe2(in_pipe, O_NONBLOCK), 0);
	env = (struct dev_env){ .set_irq = fake_irq, .irq_opaque = &fk,
				.power = fake_power, .power_opaque = &fk,
				.console_out_fd = out_pipe[1],
				.console_in_fd = in_pipe[0] };
}

static void teardown(void)
{
	close(out_pipe[0]); close(out_pipe[1]);
	close(in_pipe[0]); close(in_pipe[1]);
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

START_TEST(uart_transmit_and_dlab)
{
	struct dev *d = dev_new(dev_kind_find("uart"), &env, "uart0",
				0x10000000, 0x100, 10, state, NULL, 1);
	char buf[8];

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(rd(d, 5) & 0x60, 0x60);     /* THRE | TEMT */
	wr(d, 3, 0x80);                                /* DLAB */
	wr(d, 0, 0x01);
	wr(d, 1, 0x02);
	ck_assert_uint_eq(rd(d, 0), 0x01);
	ck_assert_uint_eq(rd(d, 1), 0x02);
	wr(d, 3, 0x03);                                /* 8N1, DLAB off */
	wr(d, 0, 'h');
	wr(d, 0, 'i');
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), 2);
	ck_assert_mem_eq(buf, "hi", 2);
	ck_assert_uint_eq(rd(d, 3), 0x03);
	wr(d, 7, 0x5a);
	ck_assert_uint_eq(rd(d, 7), 0x5a);
	dev_destroy(&d);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(uart_interrupts)
{
	struct dev *d = dev_new(&dev_uart_ops, &env, "uart0", 0x10000000,
				0x100, 10, state, NULL, 1);

	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x01);     /* nothing pending */
	ck_assert_int_eq(fk.irq_level[10], 0);
	/* Enabling THRE with an empty THR raises the line at once. */
	wr(d, 1, 0x02);
	ck_assert_int_eq(fk.irq_level[10], 1);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);     /* reading IIR clears */
	ck_assert_int_eq(fk.irq_level[10], 0);
	wr(d, 0, 'x');                                 /* sent: empty again */
	ck_assert_int_eq(fk.irq_level[10], 1);
	/* Received data outranks THRE. */
	wr(d, 1, 0x03);
	ck_assert_int_eq(write(in_pipe[1], "ab", 2), 2);
	ck_assert_int_eq(d->ops->poll(d), 2);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x04);
	ck_assert_uint_eq(rd(d, 5) & 0x01, 0x01);     /* DR */
	ck_assert_uint_eq(rd(d, 0), 'a');
	ck_assert_uint_eq(rd(d, 0), 'b');
	ck_assert_uint_eq(rd(d, 5) & 0x01, 0);
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x02);     /* THRE still pending */
	ck_assert_uint_eq(rd(d, 2) & 0x0f, 0x01);
	ck_assert_int_eq(fk.irq_level[10], 0);
	/* No input: poll reports nothing. */
	ck_assert_int_eq(d->ops->poll(d), 0);
	ck_assert_int_eq(d->ops->read(d, 9, 1, &(uint64_t){0}), -EINVAL);
	dev_destroy(&d);
}
END_TEST

START_TEST(uart_resumes_from_state)
{
	struct dev *d = dev_new(&dev_uart_ops, &env, "uart0", 0, 0x100, 10,
				state, NULL, 1);

	wr(d, 3, 0x1b);
	wr(d, 1, 0x01);
	ck_assert_int_eq(write(in_pipe[1], "z", 1), 1);
	d->ops->poll(d);
	dev_destroy(&d);
	/* A new instance over the same state block carries on. */
	d = dev_new(&dev_uart_ops, &env, "uart0", 0, 0x100, 10, state, NULL, 0);
	ck_assert_uint_eq(rd(d, 3), 0x1b);
	ck_assert_uint_eq(rd(d, 0), 'z');
	dev_destroy(&d);
}
END_TEST

START_TEST(finisher_codes)
{
	struct dev *d = dev_new(dev_kind_find("test"), &env, "test", 0x100000,
				0x1000, 0, NULL, NULL, 1);

	ck_assert_ptr_nonnull(d);
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
	dev_destroy(&d);
	ck_assert_ptr_null(dev_kind_find("no-such-device"));
}
END_TEST

static uint64_t rtc_time(struct dev *d)
{
	uint64_t lo, hi;

	d->ops->read(d, 0x00, 4, &lo);
	d->ops->read(d, 0x04, 4, &hi);
	return hi << 32 | lo;
}

START_TEST(rtc_time_and_alarm)
{
	struct dev *d = dev_new(dev_kind_find("rtc"), &env, "rtc", 0x101000,
				0x1000, 11, state, NULL, 1);
	struct timespec ts;
	uint64_t t, host;

	clock_gettime(CLOCK_REALTIME, &ts);
	host = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	t = rtc_time(d);
	ck_assert_uint_ge(t, host);
	ck_assert_uint_lt(t - host, 60ull * 1000000000ull);
	/* Setting the clock to 1000 s since the epoch. */
	d->ops->write(d, 0x04, 4, 0);
	d->ops->write(d, 0x00, 4, 1000000000000ull & 0xffffffff);
	d->ops->write(d, 0x04, 4, 1000000000000ull >> 32);
	d->ops->write(d, 0x00, 4, 1000000000000ull & 0xffffffff);
	t = rtc_time(d);
	ck_assert_uint_ge(t, 1000000000000ull);
	ck_assert_uint_lt(t, 1060000000000ull);
	/* An alarm in the past fires on the next poll, once. */
	d->ops->write(d, 0x10, 4, 1);
	d->ops->write(d, 0x0c, 4, 0);
	d->ops->write(d, 0x08, 4, 1);
	ck_assert_int_eq(fk.irq_level[11], 0);
	ck_assert_int_eq(d->ops->poll(d), 1);
	ck_assert_int_eq(fk.irq_level[11], 1);
	ck_assert_int_eq(d->ops->poll(d), 0);
	d->ops->write(d, 0x1c, 4, 1);
	ck_assert_int_eq(fk.irq_level[11], 0);
	dev_destroy(&d);
}
END_TEST

static Suite *devmgr_suite(void)
{
	Suite *s = suite_create("devmgr");
	TCase *t = tcase_create("models");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, uart_transmit_and_dlab);
	tcase_add_test(t, uart_interrupts);
	tcase_add_test(t, uart_resumes_from_state);
	tcase_add_test(t, finisher_codes);
	tcase_add_test(t, rtc_time_and_alarm);
	suite_add_tcase(s, t);
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
