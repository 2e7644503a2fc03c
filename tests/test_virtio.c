/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio + virtio-blk suite: the test plays the guest driver, with a
 * split virtqueue in a fake guest RAM, and checks what reaches the image
 * file, what the device answers, and how it treats a hostile driver.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmgr/devices.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1u << 20)
#define QN       8
#define DESC     0x1000u      /* offsets into RAM */
#define AVAIL    0x2000u
#define USED     0x3000u
#define HDR      0x4000u
#define DATA     0x5000u
#define STATUS   0x9000u

static uint8_t *ram;
static struct dev_env env;
static uint8_t state[4096];
static char img[64];
static int irq_level;
static uint16_t avail_idx;

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

static void set_irq(void *o, unsigned irq, int level) { irq_level = level; }

static uint32_t r32(struct dev *d, uint64_t off)
{
	uint64_t v;

	ck_assert_int_eq(d->ops->read(d, off, 4, &v), 0);
	return (uint32_t)v;
}

static void w32(struct dev *d, uint64_t off, uint32_t v)
{
	ck_assert_int_eq(d->ops->write(d, off, 4, v), 0);
}

static void setup(void)
{
	int fd;

	ram = calloc(1, RAM_SIZE);
	env = (struct dev_env){ .ram = ram, .ram_base = RAM_BASE,
				.ram_size = RAM_SIZE, .set_irq = set_irq,
				.console_in_fd = -1, .console_out_fd = -1 };
	strcpy(img, "/tmp/tessera-vblk-XXXXXX");
	fd = mkstemp(img);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 64 * 512), 0);
	close(fd);
	avail_idx = 0;
	irq_level = 0;
}

static void teardown(void)
{
	unlink(img);
	free(ram);
}

/* The probe sequence of Linux's virtio_mmio + virtio_blk drivers. */
static struct dev *probe(const char *extra_args)
{
	char args[128];
	struct dev *d;

	snprintf(args, sizeof(args), "path=%s%s", img, extra_args);
	d = dev_new(dev_kind_find("virtio-blk"), &env, "vblk0", 0x10001000,
		    0x1000, 1, state, args, 1);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(r32(d, 0x000), 0x74726976);
	ck_assert_uint_eq(r32(d, 0x004), 2);
	ck_assert_uint_eq(r32(d, 0x008), 2);
	w32(d, 0x070, 0);
	w32(d, 0x070, 1);
	w32(d, 0x070, 1 | 2);
	w32(d, 0x014, 1);
	ck_assert_uint_eq(r32(d, 0x010) & 1, 1);       /* VERSION_1 */
	w32(d, 0x024, 1);
	w32(d, 0x020, 1);
	w32(d, 0x024, 0);
	w32(d, 0x020, 1u << 9);                         /* FLUSH */
	w32(d, 0x070, 1 | 2 | 8);
	ck_assert_uint_eq(r32(d, 0x070) & 8, 8);
	w32(d, 0x030, 0);
	ck_assert_uint_ge(r32(d, 0x034), QN);
	w32(d, 0x038, QN);
	w32(d, 0x080, (uint32_t)(RAM_BASE + DESC)); w32(d, 0x084, 0);
	w32(d, 0x090, (uint32_t)(RAM_BASE + AVAIL)); w32(d, 0x094, 0);
	w32(d, 0x0a0, (uint32_t)(RAM_BASE + USED)); w32(d, 0x0a4, 0);
	w32(d, 0x044, 1);
	w32(d, 0x070, 1 | 2 | 4 | 8);
	return d;
}

static void set_desc(unsigned i, uint64_t off, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct desc e = { RAM_BASE + off, len, flags, next };

	memcpy(ram + DESC + 16 * i, &e, sizeof(e));
}

/* Queue a 3-descriptor request (header, data, status) and notify. */
static uint8_t request(struct dev *d, uint32_t type, uint64_t sector,
		       uint32_t len, int data_writable)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	uint16_t head = 0, used;

	memcpy(ram + HDR, hdr, sizeof(hdr));
	ram[STATUS] = 0xff;
	set_desc(0, HDR, 16, 1, 1);
	set_desc(1, DATA, len, 1 | (data_writable ? 2 : 0), 2);
	set_desc(2, STATUS, 1, 2, 0);
	memcpy(ram + AVAIL + 4 + 2 * (avail_idx % QN), &head, 2);
	avail_idx++;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	w32(d, 0x050, 0);
	memcpy(&used, ram + USED + 2, 2);
	ck_assert_uint_eq(used, avail_idx);
	return ram[STATUS];
}

START_TEST(write_read_flush)
{
	struct dev *d = probe("");
	char buf[1024];
	int fd;

	ck_assert_uint_eq(r32(d, 0x100), 64);           /* capacity */
	for (int i = 0; i < 1024; i++)
		ram[DATA + i] = (uint8_t)(i * 7 + 1);
	ck_assert_uint_eq(request(d, 1, 3, 1024, 0), 0);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(r32(d, 0x060), 1);
	w32(d, 0x064, 1);
	ck_assert_int_eq(irq_level, 0);
	/* The bytes are in the file, at sector 3. */
	fd = open(img, O_RDONLY);
	ck_assert_int_eq(pread(fd, buf, 1024, 3 * 512), 1024);
	ck_assert_mem_eq(buf, ram + DATA, 1024);
	close(fd);
	memset(ram + DATA, 0, 1024);
	ck_assert_uint_eq(request(d, 0, 3, 1024, 1), 0);
	ck_assert_mem_eq(ram + DATA, buf, 1024);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);   /* flush */
	ck_assert_uint_eq(request(d, 8, 0, 20, 1), 0);   /* GET_ID */
	ck_assert_int_eq(memcmp(ram + DATA, "tessera-vblk0", 13), 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(bad_requests_get_errors)
{
	struct dev *d = probe(",ro");

	ck_assert_uint_eq(request(d, 0, 63, 1024, 1), 1);   /* past the end */
	ck_assert_uint_eq(request(d, 0, 0, 100, 1), 1);     /* not sectors */
	ck_assert_uint_eq(request(d, 1, 0, 512, 0), 1);     /* read-only */
	ck_assert_uint_eq(request(d, 99, 0, 512, 0), 2);    /* unsupported */
	ck_assert_uint_eq(r32(d, 0x070) & 64, 0);           /* still healthy */
	dev_destroy(&d);
}
END_TEST

START_TEST(hostile_driver_needs_reset)
{
	struct dev *d = probe("");
	uint16_t head = 0;

	/* A descriptor pointing past the end of guest RAM. */
	set_desc(0, HDR, 16, 1, 1);
	set_desc(1, RAM_SIZE - 8, 64, 1 | 2, 2);
	set_desc(2, STATUS, 1, 2, 0);
	memcpy(ram + AVAIL + 4, &head, 2);
	avail_idx = 1;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	w32(d, 0x050, 0);
	ck_assert_uint_eq(r32(d, 0x070) & 64, 64);
	/* After a reset and a new probe, a looping chain does the same. */
	w32(d, 0x070, 0);
	ck_assert_uint_eq(r32(d, 0x070), 0);
	dev_destroy(&d);
	memset(ram + AVAIL, 0, 64);
	memset(ram + USED, 0, 256);
	avail_idx = 0;
	d = probe("");
	set_desc(0, HDR, 16, 1, 1);
	set_desc(1, DATA, 512, 1, 0);                        /* 1 -> 0 -> 1 */
	memcpy(ram + AVAIL + 4, &head, 2);
	avail_idx = 1;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	w32(d, 0x050, 0);
	ck_assert_uint_eq(r32(d, 0x070) & 64, 64);
	/* An avail index that runs ahead of the ring. */
	dev_destroy(&d);
	memset(ram + USED, 0, 256);
	avail_idx = 0;
	d = probe("");
	avail_idx = 100;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	w32(d, 0x050, 0);
	ck_assert_uint_eq(r32(d, 0x070) & 64, 64);
	dev_destroy(&d);
}
END_TEST

START_TEST(feature_negotiation_refused)
{
	struct dev *d;
	char args[96];

	snprintf(args, sizeof(args), "path=%s", img);
	d = dev_new(dev_kind_find("virtio-blk"), &env, "vblk0", 0x10001000,
		    0x1000, 1, state, args, 1);
	w32(d, 0x070, 1 | 2);
	w32(d, 0x024, 0);
	w32(d, 0x020, 1u << 9);        /* no VERSION_1: legacy driver */
	w32(d, 0x070, 1 | 2 | 8);
	ck_assert_uint_eq(r32(d, 0x070) & 8, 0);
	ck_assert_int_eq(d->ops->read(d, 0x001, 4, &(uint64_t){0}), -EINVAL);
	dev_destroy(&d);
	ck_assert_ptr_null(dev_new(dev_kind_find("virtio-blk"), &env, "x",
				   0x10001000, 0x1000, 1, state,
				   "path=/nonexistent/disk.img", 1));
	ck_assert_ptr_null(dev_new(dev_kind_find("virtio-blk"), &env, "x",
				   0x10001000, 0x1000, 1, state, "bogus", 1));
}
END_TEST

START_TEST(inflight_request_replayed_once)
{
	struct dev *d = probe("");
	struct dev_virtio_state *vs = (struct dev_virtio_state *)state;
	uint16_t head = 0, used;

	/* A write the previous devmgr took off the ring but never finished:
	 * last_avail moved, used_idx did not, the head is marked in flight. */
	memset(ram + DATA, 0x5a, 512);
	uint32_t hdr[4] = { 1, 0, 7, 0 };
	memcpy(ram + HDR, hdr, sizeof(hdr));
	set_desc(0, HDR, 16, 1, 1);
	set_desc(1, DATA, 512, 1, 2);
	set_desc(2, STATUS, 1, 2, 0);
	memcpy(ram + AVAIL + 4, &head, 2);
	avail_idx = 1;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	vs->q[0].last_avail = 1;
	vs->q[0].inflight_head = 0;
	vs->q[0].inflight_used = vs->q[0].used_idx;
	dev_destroy(&d);
	d = dev_new(dev_kind_find("virtio-blk"), &env, "vblk0", 0x10001000,
		    0x1000, 1, state, NULL, 0);
	ck_assert_ptr_nonnull(d);
	memcpy(&used, ram + USED + 2, 2);
	ck_assert_uint_eq(used, 1);                 /* completed exactly once */
	ck_assert_uint_eq(ram[STATUS], 0);
	char buf[512];
	int fd = open(img, O_RDONLY);
	ck_assert_int_eq(pread(fd, buf, 512, 7 * 512), 512);
	ck_assert_uint_eq((uint8_t)buf[0], 0x5a);
	close(fd);
	/* Resuming again finds nothing in flight and does nothing. */
	dev_destroy(&d);
	d = dev_new(dev_kind_find("virtio-blk"), &env, "vblk0", 0x10001000,
		    0x1000, 1, state, NULL, 0);
	memcpy(&used, ram + USED + 2, 2);
	ck_assert_uint_eq(used, 1);
	dev_destroy(&d);
}
END_TEST

static Suite *virtio_suite(void)
{
	Suite *s = suite_create("virtio");
	TCase *t = tcase_create("blk");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, write_read_flush);
	tcase_add_test(t, bad_requests_get_errors);
	tcase_add_test(t, hostile_driver_needs_reset);
	tcase_add_test(t, feature_negotiation_refused);
	tcase_add_test(t, inflight_request_replayed_once);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(virtio_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
