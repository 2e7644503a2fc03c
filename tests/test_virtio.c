/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio + virtio-blk suite: the test plays the guest driver (the
 * probe sequence of Linux's virtio_mmio and virtio_blk, then split
 * virtqueues in a fake guest RAM), checks what reaches the image file and
 * what the device answers, treats it as a hostile driver would, and
 * resumes it from its state block as a restarted devmgr does.
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
#define INDIRECT 0xa000u
#define SECTORS  64

#define F_INDIRECT (1u << 28)
#define F_EVENT_IDX (1u << 29)
#define F_BLK_FLUSH (1u << 9)
#define F_BLK_RO    (1u << 5)

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64

static uint8_t *ram;
static struct dev_env env;
static uint8_t *state;
static char img[64];
static int irq_level, irq_raises;
static uint16_t avail_idx;

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

static void set_irq(void *o, unsigned irq, int level)
{
	irq_raises += level && !irq_level;
	irq_level = level;
}

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

	ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	state = calloc(1, dev_virtio_blk_ops.dev.state_size);
	env = (struct dev_env){ .ram = ram, .ram_base = RAM_BASE,
				.ram_size = RAM_SIZE, .set_irq = set_irq,
				.console_in_fd = -1, .console_out_fd = -1 };
	snprintf(img, sizeof(img), "/tmp/tessera-vblk-");
	memset(img + strlen(img), 'X', 6);   /* mkstemp's placeholder */
	fd = mkstemp(img);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, SECTORS * 512), 0);
	close(fd);
	avail_idx = 0;
	irq_level = irq_raises = 0;
}

static void teardown(void)
{
	unlink(img);
	free(state);
	free(ram);
}

static struct dev *blk_new(const char *args, int fresh)
{
	return dev_new(dev_kind_find("virtio-blk"), &env, "vblk0", 0x10001000,
		       0x1000, 1, state, args, fresh);
}

/* The driver side of the handshake, as Linux's virtio_mmio probe,
 * virtio core and vm_setup_vq do it; @want: low feature bits asked for. */
static void handshake(struct dev *d, uint32_t want)
{
	uint32_t hi, lo;

	ck_assert_uint_eq(r32(d, 0x000), 0x74726976);
	ck_assert_uint_eq(r32(d, 0x004), 2);
	ck_assert_uint_eq(r32(d, 0x008), 2);
	r32(d, 0x00c);
	w32(d, 0x070, 0);
	w32(d, 0x070, S_ACK);
	w32(d, 0x070, S_ACK | S_DRIVER);
	w32(d, 0x014, 1);
	hi = r32(d, 0x010);
	w32(d, 0x014, 0);
	lo = r32(d, 0x010);
	ck_assert_uint_eq(hi & 1, 1);                   /* VERSION_1 */
	w32(d, 0x024, 1);
	w32(d, 0x020, 1);
	w32(d, 0x024, 0);
	w32(d, 0x020, lo & want);
	w32(d, 0x070, S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(r32(d, 0x070) & S_FEATURES_OK, S_FEATURES_OK);
	w32(d, 0x030, 0);
	ck_assert_uint_eq(r32(d, 0x044), 0);
	ck_assert_uint_ge(r32(d, 0x034), QN);
	w32(d, 0x038, QN);
	w32(d, 0x080, (uint32_t)(RAM_BASE + DESC));
	w32(d, 0x084, (uint32_t)((RAM_BASE + DESC) >> 32));
	w32(d, 0x090, (uint32_t)(RAM_BASE + AVAIL));
	w32(d, 0x094, 0);
	w32(d, 0x0a0, (uint32_t)(RAM_BASE + USED));
	w32(d, 0x0a4, 0);
	w32(d, 0x044, 1);
	ck_assert_uint_eq(r32(d, 0x044), 1);
	w32(d, 0x070, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static struct dev *probe_with(const char *extra, uint32_t want)
{
	char args[160];
	struct dev *d;

	snprintf(args, sizeof(args), "path=%s%s", img, extra);
	d = blk_new(args, 1);
	ck_assert_ptr_nonnull(d);
	handshake(d, want);
	return d;
}

static struct dev *probe(const char *extra)
{
	return probe_with(extra, F_BLK_FLUSH | F_INDIRECT);
}

static void set_desc(uint32_t table, unsigned i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct desc e = { addr, len, flags, next };

	memcpy(ram + table + 16 * i, &e, sizeof(e));
}

static uint16_t used_idx(void)
{
	uint16_t v;

	memcpy(&v, ram + USED + 2, 2);
	return v;
}

static void used_elem(uint16_t pos, uint32_t *id, uint32_t *len)
{
	memcpy(id, ram + USED + 4 + 8 * (pos % QN), 4);
	memcpy(len, ram + USED + 4 + 8 * (pos % QN) + 4, 4);
}

/* Make @head available without telling the device. */
static void offer(uint16_t head)
{
	memcpy(ram + AVAIL + 4 + 2 * (avail_idx % QN), &head, 2);
	avail_idx++;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
}

static void kick(struct dev *d, uint16_t head)
{
	offer(head);
	w32(d, 0x050, 0);
}

static void put_hdr(uint32_t type, uint64_t sector)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(ram + HDR, hdr, sizeof(hdr));
	ram[STATUS] = 0xff;
}

/* Header, @len data bytes at DATA, status: three descriptors at 0..2. */
static void build(uint32_t type, uint64_t sector, uint32_t len, int writable)
{
	put_hdr(type, sector);
	set_desc(DESC, 0, RAM_BASE + HDR, 16, 1, 1);
	set_desc(DESC, 1, RAM_BASE + DATA, len, 1 | (writable ? 2 : 0), 2);
	set_desc(DESC, 2, RAM_BASE + STATUS, 1, 2, 0);
}

/* One complete request; returns its status byte, checks the used ring. */
static uint8_t request(struct dev *d, uint32_t type, uint64_t sector,
		       uint32_t len, int writable)
{
	build(type, sector, len, writable);
	kick(d, 0);
	ck_assert_uint_eq(used_idx(), avail_idx);
	return ram[STATUS];
}

static void file_read(void *buf, size_t len, off_t at)
{
	int fd = open(img, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, at), (ssize_t)len);
	close(fd);
}

START_TEST(write_read_flush_get_id)
{
	struct dev *d = probe(",serial=disk-one");
	char buf[1024];
	uint32_t id, len;

	ck_assert_uint_eq(r32(d, 0x100), SECTORS);      /* capacity */
	ck_assert_uint_eq(r32(d, 0x104), 0);
	ck_assert_uint_eq(r32(d, 0x10c), 254);          /* seg_max */
	ck_assert_uint_eq(r32(d, 0x114), 512);          /* blk_size */
	for (int i = 0; i < 1024; i++)
		ram[DATA + i] = (uint8_t)(i * 7 + 1);
	ck_assert_uint_eq(request(d, 1, 3, 1024, 0), 0);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(r32(d, 0x060), 1);
	w32(d, 0x064, 1);
	ck_assert_int_eq(irq_level, 0);
	/* The write reached the file before the used ring said done. */
	file_read(buf, 1024, 3 * 512);
	ck_assert_mem_eq(buf, ram + DATA, 1024);
	memset(ram + DATA, 0, 1024);
	ck_assert_uint_eq(request(d, 0, 3, 1024, 1), 0);
	ck_assert_mem_eq(ram + DATA, buf, 1024);
	used_elem(1, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 1025);                   /* data + status */
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);   /* flush */
	ck_assert_uint_eq(request(d, 8, 0, 20, 1), 0);  /* GET_ID */
	ck_assert_int_eq(memcmp(ram + DATA, "disk-one", 9), 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(scattered_and_indirect)
{
	struct dev *d = probe("");
	uint8_t buf[1536];

	for (int i = 0; i < 1536; i++)
		ram[DATA + i] = (uint8_t)(i ^ 0x3c);
	/* Header and first data bytes in one descriptor, the rest in two. */
	put_hdr(1, 10);
	memcpy(ram + HDR + 16, ram + DATA, 100);
	set_desc(DESC, 4, RAM_BASE + HDR, 116, 1, 6);
	set_desc(DESC, 6, RAM_BASE + DATA + 100, 1000, 1, 5);
	set_desc(DESC, 5, RAM_BASE + DATA + 1100, 436, 1, 7);
	set_desc(DESC, 7, RAM_BASE + STATUS, 1, 2, 0);
	kick(d, 4);
	ck_assert_uint_eq(ram[STATUS], 0);
	file_read(buf, sizeof(buf), 10 * 512);
	ck_assert_mem_eq(buf, ram + DATA, sizeof(buf));
	/* The same sectors read back through an indirect table. */
	put_hdr(0, 10);
	memset(ram + DATA + 0x2000, 0, 1536);
	set_desc(INDIRECT, 0, RAM_BASE + HDR, 16, 1, 1);
	set_desc(INDIRECT, 1, RAM_BASE + DATA + 0x2000, 1536, 3, 2);
	set_desc(INDIRECT, 2, RAM_BASE + STATUS, 1, 2, 0);
	set_desc(DESC, 3, RAM_BASE + INDIRECT, 48, 4, 0);
	kick(d, 3);
	ck_assert_uint_eq(ram[STATUS], 0);
	ck_assert_mem_eq(ram + DATA + 0x2000, buf, sizeof(buf));
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(bad_requests_get_error_status)
{
	struct dev *d = probe(",ro");
	uint8_t before[512], after[512];

	ck_assert_uint_eq(r32(d, 0x010) & F_BLK_RO, F_BLK_RO);
	file_read(before, 512, 0);
	ck_assert_uint_eq(request(d, 0, SECTORS - 1, 1024, 1), 1); /* past end */
	ck_assert_uint_eq(request(d, 0, ~0ull, 512, 1), 1);         /* huge */
	ck_assert_uint_eq(request(d, 0, 0, 100, 1), 1);     /* not sectors */
	memset(ram + DATA, 0x77, 512);
	ck_assert_uint_eq(request(d, 1, 0, 512, 0), 1);     /* read-only */
	file_read(after, 512, 0);
	ck_assert_mem_eq(before, after, 512);
	ck_assert_uint_eq(request(d, 99, 0, 512, 0), 2);    /* unsupported */
	ck_assert_uint_eq(request(d, 8, 0, 8, 1), 1);       /* id too short */
	/* A header shorter than 16 bytes. */
	build(0, 0, 512, 1);
	set_desc(DESC, 0, RAM_BASE + HDR, 8, 1, 1);
	kick(d, 0);
	ck_assert_uint_eq(ram[STATUS], 1);
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, 0); /* still healthy */
	ck_assert_uint_eq(used_idx(), avail_idx);
	dev_destroy(&d);
}
END_TEST

static uint16_t chain_head;

/* Put a fresh probe through one malformed chain (normally at head 0);
 * returns the status register afterwards. */
static uint32_t after_bad_chain(void (*make)(void))
{
	struct dev *d;
	uint32_t status;

	memset(ram, 0, RAM_SIZE);
	avail_idx = 0;
	d = probe("");
	build(0, 0, 512, 1);
	chain_head = 0;
	make();
	kick(d, chain_head);
	status = r32(d, 0x070);
	if (status & S_NEEDS_RESET) {
		/* The driver is told by a configuration change interrupt,
		 * and nothing more is served until it resets the device. */
		ck_assert_uint_eq(r32(d, 0x060) & 2, 2);
		ck_assert_int_eq(irq_level, 1);
		build(0, 0, 512, 1);
		kick(d, 0);
		ck_assert_uint_eq(ram[STATUS], 0xff);
		w32(d, 0x070, 0);
		ck_assert_uint_eq(r32(d, 0x070), 0);
		ck_assert_uint_eq(r32(d, 0x060), 0);
		ck_assert_int_eq(irq_level, 0);
	}
	dev_destroy(&d);
	return status;
}

static void bad_outside_ram(void)
{
	set_desc(DESC, 1, RAM_BASE + RAM_SIZE - 8, 64, 3, 2);
}

static void bad_below_ram(void)
{
	set_desc(DESC, 1, RAM_BASE - 512, 512, 3, 2);
}

static void bad_len_overflow(void)
{
	set_desc(DESC, 1, ~0ull - 255, 512, 3, 2);
}

static void bad_len_huge(void)
{
	set_desc(DESC, 1, RAM_BASE + DATA, 0xffffffffu, 3, 2);
}

static void bad_loop(void)
{
	set_desc(DESC, 1, RAM_BASE + DATA, 512, 3, 0);   /* 0 -> 1 -> 0 */
}

static void bad_next_range(void)
{
	set_desc(DESC, 1, RAM_BASE + DATA, 512, 3, QN);
}

static void bad_no_status(void)
{
	set_desc(DESC, 0, RAM_BASE + HDR, 16, 0, 0);
}

static void bad_read_after_write(void)
{
	set_desc(DESC, 2, RAM_BASE + STATUS, 1, 1, 3);
	set_desc(DESC, 3, RAM_BASE + HDR, 16, 0, 0);
}

static void bad_head(void)
{
	chain_head = QN + 3;
}

static void bad_indirect_loop(void)
{
	set_desc(INDIRECT, 0, RAM_BASE + HDR, 16, 1, 1);
	set_desc(INDIRECT, 1, RAM_BASE + DATA, 512, 3, 0);
	set_desc(DESC, 0, RAM_BASE + INDIRECT, 32, 4, 0);
}

static void bad_indirect_nested(void)
{
	set_desc(INDIRECT, 0, RAM_BASE + INDIRECT, 16, 4, 0);
	set_desc(DESC, 0, RAM_BASE + INDIRECT, 16, 4, 0);
}

static void bad_indirect_size(void)
{
	set_desc(DESC, 0, RAM_BASE + INDIRECT, 20, 4, 0);
}

static void bad_indirect_outside(void)
{
	set_desc(DESC, 0, RAM_BASE + RAM_SIZE - 16, 32, 4, 0);
}

static void (*const bad_chains[])(void) = {
	bad_outside_ram, bad_below_ram, bad_len_overflow, bad_len_huge,
	bad_loop, bad_next_range, bad_no_status, bad_read_after_write,
	bad_head, bad_indirect_loop, bad_indirect_nested, bad_indirect_size,
	bad_indirect_outside,
};

START_TEST(hostile_chain_needs_reset)
{
	uint32_t status = after_bad_chain(bad_chains[_i]);

	ck_assert_uint_eq(status & S_NEEDS_RESET, S_NEEDS_RESET);
}
END_TEST

START_TEST(hostile_rings_need_reset)
{
	struct dev *d = probe("");

	/* An available index running ahead of the ring. */
	avail_idx = 100;
	memcpy(ram + AVAIL + 2, &avail_idx, 2);
	w32(d, 0x050, 0);
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, S_NEEDS_RESET);
	dev_destroy(&d);
	/* A descriptor table that ends outside RAM, then a misaligned one. */
	d = blk_new(NULL, 0);
	w32(d, 0x070, 0);
	memset(ram, 0, RAM_SIZE);
	avail_idx = 0;
	handshake(d, F_BLK_FLUSH);
	w32(d, 0x044, 0);
	w32(d, 0x080, (uint32_t)(RAM_BASE + RAM_SIZE - 64));
	w32(d, 0x044, 1);
	build(4, 0, 0, 0);
	kick(d, 0);
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, S_NEEDS_RESET);
	w32(d, 0x070, 0);
	handshake(d, F_BLK_FLUSH);
	w32(d, 0x044, 0);
	w32(d, 0x080, (uint32_t)(RAM_BASE + DESC + 8));
	w32(d, 0x044, 1);
	kick(d, 0);
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, S_NEEDS_RESET);
	/* Indirect descriptors the driver did not negotiate. */
	w32(d, 0x070, 0);
	memset(ram, 0, RAM_SIZE);
	avail_idx = 0;
	handshake(d, F_BLK_FLUSH);
	build(4, 0, 0, 0);
	set_desc(INDIRECT, 0, RAM_BASE + HDR, 16, 1, 1);
	set_desc(INDIRECT, 1, RAM_BASE + STATUS, 1, 2, 0);
	set_desc(DESC, 0, RAM_BASE + INDIRECT, 32, 4, 0);
	kick(d, 0);
	ck_assert_uint_eq(r32(d, 0x070) & S_NEEDS_RESET, S_NEEDS_RESET);
	dev_destroy(&d);
}
END_TEST

/* Random descriptor tables, rings and indices: whatever the device
 * decides, it stays inside guest RAM (ASan watches) and keeps answering. */
START_TEST(random_rings_survive)
{
	struct dev *d = probe("");
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		uint8_t *p = ram + DESC;

		for (unsigned i = 0; i < 16 * QN; i++)
			p[i] = (uint8_t)rand_r(&seed);
		for (unsigned i = 0; i < QN; i++) {
			struct desc e;

			memcpy(&e, p + 16 * i, sizeof(e));
			if (rand_r(&seed) % 4)      /* mostly inside RAM */
				e.addr = RAM_BASE + (e.addr % RAM_SIZE);
			if (rand_r(&seed) % 2)
				e.len %= 4096;
			if (rand_r(&seed) % 2)
				e.addr = RAM_BASE + INDIRECT + 16 * (rand_r(&seed) % 4);
			memcpy(p + 16 * i, &e, sizeof(e));
		}
		memcpy(ram + INDIRECT, p, 16 * QN);
		offer((uint16_t)(rand_r(&seed) % (QN + 2)));
		w32(d, 0x050, 0);
		if (r32(d, 0x070) & S_NEEDS_RESET) {
			w32(d, 0x070, 0);
			memset(ram + AVAIL, 0, 64);
			memset(ram + USED, 0, 128);
			avail_idx = 0;
			handshake(d, F_BLK_FLUSH | F_INDIRECT);
		}
	}
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(negotiation)
{
	struct dev *d;
	char args[96];

	snprintf(args, sizeof(args), "path=%s", img);
	d = blk_new(args, 1);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(r32(d, 0x010) & F_BLK_RO, 0);
	w32(d, 0x070, S_ACK | S_DRIVER);
	/* No VERSION_1: a legacy driver, refused. */
	w32(d, 0x024, 0);
	w32(d, 0x020, F_BLK_FLUSH);
	w32(d, 0x070, S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(r32(d, 0x070) & S_FEATURES_OK, 0);
	/* A feature the device never offered, refused too. */
	w32(d, 0x024, 1);
	w32(d, 0x020, 1 | 2);
	w32(d, 0x070, S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(r32(d, 0x070) & S_FEATURES_OK, 0);
	/* Queues do not run without DRIVER_OK and FEATURES_OK. */
	w32(d, 0x038, QN);
	w32(d, 0x080, (uint32_t)(RAM_BASE + DESC));
	w32(d, 0x090, (uint32_t)(RAM_BASE + AVAIL));
	w32(d, 0x0a0, (uint32_t)(RAM_BASE + USED));
	w32(d, 0x044, 1);
	w32(d, 0x070, S_ACK | S_DRIVER | S_DRIVER_OK);
	build(4, 0, 0, 0);
	kick(d, 0);
	ck_assert_uint_eq(used_idx(), 0);
	/* Registers are 32-bit only; a queue size must be a power of 2. */
	ck_assert_int_eq(d->ops->read(d, 0x001, 4, &(uint64_t){0}), -EINVAL);
	ck_assert_int_eq(d->ops->read(d, 0x000, 2, &(uint64_t){0}), -EINVAL);
	w32(d, 0x070, 0);
	w32(d, 0x038, 6);
	ck_assert_uint_eq(r32(d, 0x038), 0);
	w32(d, 0x044, 1);
	ck_assert_uint_eq(r32(d, 0x044), 0);
	w32(d, 0x030, 5);                                /* no such queue */
	ck_assert_uint_eq(r32(d, 0x034), 0);
	dev_destroy(&d);
	ck_assert_ptr_null(blk_new("path=/nonexistent/disk.img", 1));
	ck_assert_ptr_null(blk_new("bogus", 1));
	ck_assert_ptr_null(blk_new(NULL, 1));
}
END_TEST

START_TEST(event_idx_suppresses)
{
	struct dev *d = probe_with("", F_BLK_FLUSH | F_EVENT_IDX);
	uint16_t used_event = 1, avail_event;

	ck_assert_uint_eq((uint32_t)(r32(d, 0x010) & F_EVENT_IDX), F_EVENT_IDX);
	/* "Interrupt me once used idx passes 1": the first completion is
	 * quiet, the second is not. */
	memcpy(ram + AVAIL + 4 + 2 * QN, &used_event, 2);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_int_eq(irq_level, 1);
	/* The device asks to be notified of the next entry. */
	memcpy(&avail_event, ram + USED + 4 + 8 * QN, 2);
	ck_assert_uint_eq(avail_event, avail_idx);
	dev_destroy(&d);
}
END_TEST

START_TEST(no_interrupt_flag)
{
	struct dev *d = probe("");
	uint16_t flags = 1;

	memcpy(ram + AVAIL, &flags, 2);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_int_eq(irq_raises, 0);
	flags = 0;
	memcpy(ram + AVAIL, &flags, 2);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_int_eq(irq_raises, 1);
	dev_destroy(&d);
}
END_TEST

START_TEST(resume_keeps_positions)
{
	struct dev *d = probe("");
	uint8_t buf[512];

	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	w32(d, 0x064, 1);
	dev_destroy(&d);
	/* A new devmgr over the same state block carries on: no args. */
	d = blk_new(NULL, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(r32(d, 0x070), S_ACK | S_DRIVER | S_FEATURES_OK |
			  S_DRIVER_OK);
	ck_assert_uint_eq(r32(d, 0x038), QN);
	ck_assert_uint_eq(r32(d, 0x080), (uint32_t)(RAM_BASE + DESC));
	ck_assert_uint_eq(r32(d, 0x100), SECTORS);
	ck_assert_uint_eq(used_idx(), 5);
	memset(ram + DATA, 0xa5, 512);
	ck_assert_uint_eq(request(d, 1, 2, 512, 0), 0);
	ck_assert_uint_eq(used_idx(), 6);
	file_read(buf, 512, 2 * 512);
	ck_assert_uint_eq(buf[0], 0xa5);
	dev_destroy(&d);
}
END_TEST

START_TEST(resume_serves_what_was_queued_meanwhile)
{
	struct dev *d = probe("");

	dev_destroy(&d);
	build(4, 0, 0, 0);
	offer(0);                          /* notified while nobody listened */
	d = blk_new(NULL, 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(ram[STATUS], 0);
	ck_assert_int_eq(irq_level, 1);
	dev_destroy(&d);
}
END_TEST

static struct dev_virtio_queue *q0(void)
{
	return &((struct dev_virtio_state *)state)->q[0];
}

/* A write of 0x5a at sector 7 that the device took off the ring. */
static void taken_write(void)
{
	memset(ram + DATA, 0x5a, 512);
	build(1, 7, 512, 0);
	offer(0);
	q0()->inflight[0].state = DEV_VIRTIO_TAKEN;
	q0()->inflight[0].avail_pos = q0()->last_avail;
	q0()->ninflight = 1;
}

START_TEST(replay_taken_request)
{
	struct dev *d = probe("");
	uint8_t buf[512];

	/* Died during the I/O: taken, not completed. */
	taken_write();
	q0()->last_avail++;
	dev_destroy(&d);
	d = blk_new(NULL, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(used_idx(), 1);        /* completed exactly once */
	ck_assert_uint_eq(ram[STATUS], 0);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(q0()->inflight[0].state, DEV_VIRTIO_FREE);
	ck_assert_uint_eq(q0()->ninflight, 0);
	file_read(buf, 512, 7 * 512);
	ck_assert_uint_eq(buf[0], 0x5a);
	/* Resuming again finds nothing in flight and does nothing. */
	dev_destroy(&d);
	d = blk_new(NULL, 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_uint_eq(used_idx(), 2);
	dev_destroy(&d);
}
END_TEST

START_TEST(replay_marked_but_not_taken)
{
	struct dev *d = probe("");

	/* Died between marking the entry and moving last_avail. */
	taken_write();
	dev_destroy(&d);
	d = blk_new(NULL, 0);
	ck_assert_uint_eq(used_idx(), 1);        /* once, not twice */
	ck_assert_uint_eq(q0()->last_avail, 1);
	ck_assert_uint_eq(ram[STATUS], 0);
	dev_destroy(&d);
}
END_TEST

START_TEST(replay_done_published_not_recorded)
{
	struct dev *d = probe("");
	uint32_t elem[2] = { 0, 1 };
	uint16_t one = 1;
	uint8_t buf[512];

	/* Died after publishing used->idx, before recording it: the I/O is
	 * not repeated (the file keeps zeroes) and nothing is published
	 * twice. */
	taken_write();
	q0()->last_avail++;
	q0()->inflight[0].state = DEV_VIRTIO_DONE;
	q0()->inflight[0].used_pos = 0;
	q0()->inflight[0].len = 1;
	memcpy(ram + USED + 4, elem, 8);
	memcpy(ram + USED + 2, &one, 2);
	dev_destroy(&d);
	d = blk_new(NULL, 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(q0()->used_idx, 1);
	file_read(buf, 512, 7 * 512);
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	ck_assert_uint_eq(used_idx(), 2);
	dev_destroy(&d);
}
END_TEST

START_TEST(replay_done_not_published)
{
	struct dev *d = probe("");
	uint32_t id, len;

	/* Died after the I/O, before the used element: publish it now,
	 * with the recorded length, without repeating the I/O. */
	taken_write();
	q0()->last_avail++;
	q0()->inflight[0].state = DEV_VIRTIO_DONE;
	q0()->inflight[0].used_pos = 0;
	q0()->inflight[0].len = 1;
	dev_destroy(&d);
	d = blk_new(NULL, 0);
	ck_assert_uint_eq(used_idx(), 1);
	used_elem(0, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(ram[STATUS], 0xff);    /* not executed again */
	ck_assert_int_eq(irq_level, 1);
	dev_destroy(&d);
}
END_TEST

START_TEST(reset_clears_queues)
{
	struct dev *d = probe("");

	ck_assert_uint_eq(request(d, 4, 0, 0, 0), 0);
	d->ops->reset(d);
	ck_assert_uint_eq(r32(d, 0x070), 0);
	ck_assert_uint_eq(r32(d, 0x044), 0);
	ck_assert_uint_eq(r32(d, 0x038), 0);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(r32(d, 0x100), SECTORS);   /* the disk stays */
	dev_destroy(&d);
}
END_TEST

static Suite *virtio_suite(void)
{
	Suite *s = suite_create("virtio");
	TCase *t = tcase_create("blk");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, write_read_flush_get_id);
	tcase_add_test(t, scattered_and_indirect);
	tcase_add_test(t, bad_requests_get_error_status);
	tcase_add_loop_test(t, hostile_chain_needs_reset, 0,
			    sizeof(bad_chains) / sizeof(bad_chains[0]));
	tcase_add_test(t, hostile_rings_need_reset);
	tcase_add_test(t, random_rings_survive);
	tcase_add_test(t, negotiation);
	tcase_add_test(t, event_idx_suppresses);
	tcase_add_test(t, no_interrupt_flag);
	tcase_add_test(t, resume_keeps_positions);
	tcase_add_test(t, resume_serves_what_was_queued_meanwhile);
	tcase_add_test(t, replay_taken_request);
	tcase_add_test(t, replay_marked_but_not_taken);
	tcase_add_test(t, replay_done_published_not_recorded);
	tcase_add_test(t, replay_done_not_published);
	tcase_add_test(t, reset_clears_queues);
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
