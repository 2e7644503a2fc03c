/* SPDX-License-Identifier: MIT */
/*
 * The multi-process data plane, with real processes: an "mmu" process
 * creates a VM and hands out its regions on a UNIX socket, a "devmgr"
 * process attaches and serves the MMIO rings against a device bus, and
 * "vcpu" processes attach and reach the devices through shm_mmio_call.
 * Every child dies with the test process (PR_SET_PDEATHSIG) and is
 * reaped by it; files live in a temp dir that is removed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devmgr/bus.h"
#include "devmgr/server.h"
#include "mmu/memmap.h"
#include "mmu/vm.h"
#include "shm/fdpass.h"
#include "shm/mmio.h"
#include "vcpu/irqchip.h"
#include "vcpu/state.h"

#define NHARTS   2
#define RAM_SIZE (16ull << 20)
#define QN       8
#define DESC     0x1000u      /* offsets into RAM */
#define AVAIL    0x2000u
#define USED     0x3000u
#define HDR      0x4000u
#define DATA     0x5000u
#define STATUS   0x9000u

#define UART     (mmu_memmap[MMU_MEM_UART0].base)
#define VIRTIO0  (mmu_memmap[MMU_MEM_VIRTIO].base)
#define RAMBASE  (mmu_memmap[MMU_MEM_RAM].base)

/* In a vcpu child: fail with the line number as the exit status. */
#define VCHK(c) do { if (!(c)) return __LINE__; } while (0)

struct mp {
	char dir[64], sock[128], img[128];
	int lsock;
	int con[2];          /* console: devmgr writes, the test reads */
	pid_t mmu, devmgr;
};

static struct mp M;

static void child_init(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void mmu_main(void)
{
	struct mmu_vm_config cfg = { RAM_SIZE, NHARTS, RAMBASE };
	struct mmu_vm *vm = mmu_vm_create(&cfg);

	if (!vm)
		_exit(2);
	for (;;)
		mmu_vm_serve_one(vm, M.lsock);
}

static void devmgr_main(int fresh, int ready)
{
	struct mmu_vm_attached a;
	struct dev_env env = { 0 };
	struct dev_bus *bus;
	struct dev_server *srv;
	char args[160];

	if (mmu_vm_attach(M.sock, "devmgr", 0, &a) < 0)
		_exit(3);
	env = (struct dev_env){ .ram = a.ram, .ram_base = RAMBASE,
				.ram_size = a.ram_size,
				.set_irq = dev_server_set_irq,
				.irq_opaque = a.irqchip,
				.console_out_fd = M.con[1], .console_in_fd = -1 };
	bus = dev_bus_new(a.devstate, a.devstate_size, &env, fresh);
	if (!bus)
		_exit(4);
	snprintf(args, sizeof(args), "path=%s", M.img);
	if (fresh && (dev_bus_add(bus, "uart", "uart0", UART, 0x100,
				  MMU_UART0_IRQ, NULL) < 0 ||
		      dev_bus_hotplug_blk(bus, args) != 0))
		_exit(5);
	if (!fresh && dev_bus_count(bus) != 2)
		_exit(6);
	srv = dev_server_new(bus, a.mmio, shm_mmio_region_bytes(), a.nharts);
	if (!srv || dev_server_start(srv) < 0)
		_exit(7);
	if (write(ready, "r", 1) != 1)
		_exit(8);
	for (;;)
		pause();
}

static pid_t start_devmgr(int fresh)
{
	struct pollfd p;
	int rd[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(rd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		child_init();
		close(rd[0]);
		devmgr_main(fresh, rd[1]);
	}
	close(rd[1]);
	p = (struct pollfd){ rd[0], POLLIN, 0 };
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
	ck_assert_int_eq(read(rd[0], &c, 1), 1);
	close(rd[0]);
	return pid;
}

static void reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static void setup(void)
{
	int fd;

	strcpy(M.dir, "/tmp/tessera-mp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(M.dir));
	snprintf(M.sock, sizeof(M.sock), "%s/mmu.sock", M.dir);
	snprintf(M.img, sizeof(M.img), "%s/disk.img", M.dir);
	fd = open(M.img, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 64 * 512), 0);
	close(fd);
	ck_assert_int_eq(pipe2(M.con, O_NONBLOCK), 0);
	M.lsock = shm_sock_listen(M.sock);
	ck_assert_int_ge(M.lsock, 0);
	M.mmu = fork();
	ck_assert_int_ge(M.mmu, 0);
	if (M.mmu == 0) {
		child_init();
		mmu_main();
	}
	M.devmgr = start_devmgr(1);
}

static void teardown(void)
{
	reap(&M.devmgr);
	reap(&M.mmu);
	close(M.lsock);
	close(M.con[0]);
	close(M.con[1]);
	unlink(M.sock);
	unlink(M.img);
	rmdir(M.dir);
}

typedef int (*vcpu_fn)(struct mmu_vm_attached *a, struct shm_mmio_client *c);

/* Run @fn in a vcpu process of hart @hart; its exit status (0: passed). */
static int run_vcpu(unsigned hart, vcpu_fn fn)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct mmu_vm_attached a;
		struct shm_mmio_client c;

		child_init();
		if (mmu_vm_attach(M.sock, "vcpu", hart, &a) < 0)
			_exit(1);
		if (!a.mmio[hart] ||
		    shm_mmio_client_attach(&c, a.mmio[hart],
					   shm_mmio_region_bytes()) < 0)
			_exit(1);
		_exit(fn(&a, &c));
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int rd(struct shm_mmio_client *c, uint64_t pa, unsigned size,
	      uint64_t *v)
{
	return shm_mmio_call(c, pa, size, 0, v, 2000000000ll);
}

static int wr(struct shm_mmio_client *c, uint64_t pa, unsigned size,
	      uint64_t v)
{
	return shm_mmio_call(c, pa, size, 1, &v, 2000000000ll);
}

static int vcpu_uart(struct mmu_vm_attached *a, struct shm_mmio_client *c)
{
	const char *msg = "hello from hart 0\n";
	static struct vcpu_state ref;
	uint64_t v = 0;

	/* The mmu process put the hart in its reset state. */
	vcpu_state_reset(&ref, 0, RAMBASE);
	VCHK(a->state && a->state->hartid == 0 && a->state->pc == ref.pc);
	VCHK(vcpu_irqchip_valid(a->irqchip) == 0);
	for (const char *p = msg; *p; p++)
		VCHK(wr(c, UART, 1, (uint8_t)*p) == 0);
	VCHK(rd(c, UART + 5, 1, &v) == 0);
	VCHK(v & 0x20);                       /* THR empty */
	VCHK(rd(c, UART + 0x1000 * 0x100, 4, &v) == -EFAULT);
	return 0;
}

START_TEST(uart_through_rings)
{
	char buf[64] = { 0 };
	ssize_t n;

	ck_assert_int_eq(run_vcpu(0, vcpu_uart), 0);
	n = read(M.con[0], buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(buf, "hello from hart 0\n");
}
END_TEST

/* The probe sequence of Linux's virtio_mmio + virtio_blk drivers. */
static int blk_probe(struct shm_mmio_client *c)
{
	uint64_t v = 0;
	static const struct { uint32_t off, val; } init[] = {
		{ 0x070, 0 }, { 0x070, 1 }, { 0x070, 3 }, { 0x024, 1 },
		{ 0x020, 1 }, { 0x024, 0 }, { 0x020, 0 }, { 0x070, 11 },
		{ 0x030, 0 }, { 0x038, QN },
	};

	VCHK(rd(c, VIRTIO0, 4, &v) == 0 && v == 0x74726976);
	VCHK(rd(c, VIRTIO0 + 8, 4, &v) == 0 && v == 2);
	for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++)
		VCHK(wr(c, VIRTIO0 + init[i].off, 4, init[i].val) == 0);
	VCHK(rd(c, VIRTIO0 + 0x070, 4, &v) == 0 && (v & 8));
	VCHK(wr(c, VIRTIO0 + 0x080, 4, RAMBASE + DESC) == 0);
	VCHK(wr(c, VIRTIO0 + 0x084, 4, 0) == 0);
	VCHK(wr(c, VIRTIO0 + 0x090, 4, RAMBASE + AVAIL) == 0);
	VCHK(wr(c, VIRTIO0 + 0x094, 4, 0) == 0);
	VCHK(wr(c, VIRTIO0 + 0x0a0, 4, RAMBASE + USED) == 0);
	VCHK(wr(c, VIRTIO0 + 0x0a4, 4, 0) == 0);
	VCHK(wr(c, VIRTIO0 + 0x044, 4, 1) == 0);
	VCHK(wr(c, VIRTIO0 + 0x070, 4, 15) == 0);
	return 0;
}

static void set_desc(uint8_t *ram, unsigned i, uint64_t off, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct { uint64_t a; uint32_t l; uint16_t f, n; } e =
		{ RAMBASE + off, len, flags, next };

	memcpy(ram + DESC + 16 * i, &e, sizeof(e));
}

/* One 512-byte write at sector 2, built in the vcpu's RAM mapping. */
static int vcpu_blk(struct mmu_vm_attached *a, struct shm_mmio_client *c)
{
	uint8_t *ram = a->ram;
	uint32_t hdr[4] = { 1, 0, 2, 0 };
	uint16_t head = 0, idx = 1, used = 0;
	uint64_t v = 0;
	uint32_t seen;
	int err = blk_probe(c);

	if (err)
		return err;
	seen = __atomic_load_n(&a->irqchip->hart[1].wake, __ATOMIC_ACQUIRE);
	for (int i = 0; i < 512; i++)
		ram[DATA + i] = (uint8_t)(i * 7 + 1);
	memcpy(ram + HDR, hdr, sizeof(hdr));
	ram[STATUS] = 0xff;
	set_desc(ram, 0, HDR, 16, 1, 1);
	set_desc(ram, 1, DATA, 512, 1, 2);
	set_desc(ram, 2, STATUS, 1, 2, 0);
	memcpy(ram + AVAIL + 4, &head, 2);
	__atomic_store_n((uint16_t *)(ram + AVAIL + 2), idx, __ATOMIC_RELEASE);
	VCHK(wr(c, VIRTIO0 + 0x050, 4, 0) == 0);
	memcpy(&used, ram + USED + 2, 2);
	VCHK(used == 1);
	VCHK(ram[STATUS] == 0);
	/* The devmgr process's interrupt bumped this hart's WFI wake word. */
	VCHK(__atomic_load_n(&a->irqchip->hart[1].wake, __ATOMIC_ACQUIRE) != seen);
	VCHK(vcpu_irqchip_wait(a->irqchip, 1, seen, 1000000000ull) == 0);
	/* The interrupt line of slot 0 is up in the shared irqchip page. */
	VCHK(__atomic_load_n(&a->irqchip->level, __ATOMIC_ACQUIRE) &
	     (1u << MMU_VIRTIO_IRQ_BASE));
	/* PLIC context 2 (hart 1, M-mode) sees it once the source is on. */
	a->irqchip->priority[MMU_VIRTIO_IRQ_BASE] = 1;
	__atomic_or_fetch(&a->irqchip->enable[2], 1u << MMU_VIRTIO_IRQ_BASE,
			  __ATOMIC_SEQ_CST);
	VCHK(vcpu_plic_ctx_pending(a->irqchip, 2));
	VCHK(rd(c, VIRTIO0 + 0x060, 4, &v) == 0 && (v & 1));
	VCHK(wr(c, VIRTIO0 + 0x064, 4, 1) == 0);
	VCHK(!(__atomic_load_n(&a->irqchip->level, __ATOMIC_ACQUIRE) &
	       (1u << MMU_VIRTIO_IRQ_BASE)));
	return 0;
}

START_TEST(virtio_blk_write_and_irq)
{
	uint8_t buf[512];
	int fd;

	ck_assert_int_eq(run_vcpu(1, vcpu_blk), 0);
	fd = open(M.img, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), 2 * 512), 512);
	close(fd);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(buf[i], (uint8_t)(i * 7 + 1));
}
END_TEST

static int vcpu_other_hart(struct mmu_vm_attached *a,
			   struct shm_mmio_client *c)
{
	struct mmu_vm_attached b;

	(void)c;
	VCHK(a->state && a->state->hartid == 0);
	VCHK(!a->mmio[1] && !a->devstate);
	VCHK(mmu_vm_attach(M.sock, "vcpu", 1, &b) == -EACCES);
	VCHK(mmu_vm_attach(M.sock, "vcpu", 7, &b) == -EINVAL);
	return 0;
}

START_TEST(vcpu_refused_other_hart)
{
	ck_assert_int_eq(run_vcpu(0, vcpu_other_hart), 0);
	/* That vcpu is gone: a new process may take hart 0. */
	ck_assert_int_eq(run_vcpu(0, vcpu_uart), 0);
}
END_TEST

static void send_raw(const void *buf, size_t len)
{
	char back[512];
	int fd = shm_sock_connect(M.sock);

	ck_assert_int_ge(fd, 0);
	if (len)
		ck_assert_int_eq(send(fd, buf, len, 0), (ssize_t)len);
	/* Either an error answer or a closed connection; never regions. */
	(void)!recv(fd, back, sizeof(back), 0);
	close(fd);
}

START_TEST(garbage_survived)
{
	static const char junk[] = "\xff\x00garbage on the mmu socket";
	uint32_t role_junk[6] = { 0x51564d54u, 0, 0x6b6e756a, 0x6b6e756a,
				  0x6b6e756a, 0x6b6e756a };
	uint32_t bad_role[6] = { 0x51564d54u, 0, 0x6e6b6e75, 0x6e776f, 0, 0 };
	struct mmu_vm_attached a;

	send_raw(junk, sizeof(junk));
	send_raw(role_junk, sizeof(role_junk));   /* unterminated role */
	send_raw(bad_role, sizeof(bad_role));     /* "unknown" */
	send_raw(junk, 3);
	send_raw(NULL, 0);
	ck_assert_int_eq(mmu_vm_attach(M.sock, "nobody", 0, &a), -EINVAL);
	ck_assert_int_eq(mmu_vm_attach(M.sock, "supervisor", 0, &a), 0);
	ck_assert_ptr_nonnull(a.devstate);
	ck_assert_ptr_nonnull(a.mmio[NHARTS - 1]);
	ck_assert_int_eq(a.nharts, NHARTS);
	mmu_vm_detach(&a);
	ck_assert_int_eq(run_vcpu(0, vcpu_uart), 0);
}
END_TEST

static int vcpu_set_lcr(struct mmu_vm_attached *a, struct shm_mmio_client *c)
{
	uint64_t v = 0;

	(void)a;
	VCHK(wr(c, UART + 3, 1, 0x1b) == 0);
	VCHK(rd(c, UART + 3, 1, &v) == 0 && v == 0x1b);
	return 0;
}

static int vcpu_no_server(struct mmu_vm_attached *a,
			  struct shm_mmio_client *c)
{
	uint64_t v = 0;

	(void)a;
	VCHK(shm_mmio_call(c, UART + 5, 1, 0, &v, 100000000ll) == -ETIMEDOUT);
	return 0;
}

static int vcpu_get_lcr(struct mmu_vm_attached *a, struct shm_mmio_client *c)
{
	uint64_t v = 0;

	(void)a;
	VCHK(rd(c, UART + 3, 1, &v) == 0);
	VCHK(v == 0x1b);
	VCHK(wr(c, UART + 3, 1, 0x03) == 0);
	VCHK(wr(c, UART, 1, '!') == 0);
	return 0;
}

START_TEST(devmgr_killed_and_rebuilt)
{
	char buf[8] = { 0 };

	ck_assert_int_eq(run_vcpu(0, vcpu_set_lcr), 0);
	reap(&M.devmgr);
	ck_assert_int_eq(run_vcpu(0, vcpu_no_server), 0);
	M.devmgr = start_devmgr(0);
	ck_assert_int_eq(run_vcpu(0, vcpu_get_lcr), 0);
	ck_assert_int_eq(read(M.con[0], buf, sizeof(buf) - 1), 1);
	ck_assert_str_eq(buf, "!");
}
END_TEST

/* In one process: bad requests are answered -EINVAL, a late answer is
 * dropped by its sequence number, no server means a timeout. */
static int echo(void *opaque, uint64_t pa, unsigned size, int is_write,
		uint64_t *val)
{
	(void)opaque; (void)size;
	if (!is_write)
		*val = pa ^ 0x5a;
	return 0;
}

static void *serve_thread(void *arg)
{
	shm_mmio_serve_one(arg, echo, NULL, 2000000000ll);
	return NULL;
}

START_TEST(protocol_in_process)
{
	size_t bytes = shm_mmio_region_bytes();
	void *mem = aligned_alloc(4096, bytes);
	struct shm_mmio_client c;
	struct shm_mmio_server s;
	struct shm_mmio_req bad = { 7, 0x1000, 3, 0, 0 };
	struct shm_mmio_resp r;
	uint64_t v = 0, stale;
	pthread_t t;

	ck_assert_int_eq(shm_mmio_format(mem, bytes), 0);
	ck_assert_int_eq(shm_mmio_client_attach(&c, mem, bytes), 0);
	ck_assert_int_eq(shm_mmio_server_attach(&s, mem, bytes), 0);
	/* No server: a timeout, not a hang. */
	ck_assert_int_eq(shm_mmio_call(&c, 0x100, 4, 0, &v, 1000000), -ETIMEDOUT);
	/* A malformed request is answered -EINVAL, not run. */
	ck_assert_int_eq(shm_mmio_serve_one(&s, echo, NULL, 0), 1);
	ck_assert_int_eq(shm_ring_push(&c.req, &bad), 0);
	ck_assert_int_eq(shm_mmio_serve_one(&s, echo, NULL, 0), 1);
	ck_assert_int_eq(shm_ring_pop(&c.resp, &r), 0);
	ck_assert_uint_eq(r.seq, c.seq);
	ck_assert_int_eq(shm_ring_pop(&c.resp, &r), 0);
	ck_assert_uint_eq(r.seq, 7);
	ck_assert_int_eq(r.status, -EINVAL);
	/* A late answer to a timed-out call is skipped by the next call. */
	ck_assert_int_eq(shm_mmio_call(&c, 0x200, 4, 0, &v, 1000000), -ETIMEDOUT);
	ck_assert_int_eq(shm_mmio_serve_one(&s, echo, NULL, 0), 1);
	stale = c.stale;
	ck_assert_int_eq(pthread_create(&t, NULL, serve_thread, &s), 0);
	ck_assert_int_eq(shm_mmio_call(&c, 0x300, 4, 0, &v, 2000000000ll), 0);
	pthread_join(t, NULL);
	ck_assert_uint_eq(v, 0x300 ^ 0x5a);
	ck_assert_uint_eq(c.stale, stale + 1);
	ck_assert_int_eq(shm_mmio_call(&c, 0, 3, 0, &v, 1000), -EINVAL);
	ck_assert_int_eq(shm_mmio_serve_one(&s, echo, NULL, 1000000), 0);
	free(mem);
}
END_TEST

/* The bus alone: slots, overlap, hot-plug and a rebuild over a slot
 * table that another process scribbled on. */
START_TEST(bus_slots_and_rebuild)
{
	uint64_t bytes = mmu_devstate_bytes();
	struct mmu_devstate *ds = aligned_alloc(4096, bytes);
	struct dev_env env = { .console_out_fd = -1, .console_in_fd = -1 };
	struct dev_bus *b;
	char args[160];
	int fd, n;
	uint64_t v = 0;

	ck_assert_int_eq(mmu_devstate_format(ds, bytes), 0);
	strcpy(M.img, "/tmp/tessera-mp-img-XXXXXX");
	fd = mkstemp(M.img);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8 * 512), 0);
	close(fd);
	snprintf(args, sizeof(args), "path=%s", M.img);
	b = dev_bus_new(ds, bytes, &env, 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_ge(dev_bus_add(b, "uart", "uart0", UART, 0x100, 10, NULL), 0);
	ck_assert_int_eq(dev_bus_add(b, "uart", "uart0", UART + 0x100, 0x100, 10, NULL), -EEXIST);
	ck_assert_int_eq(dev_bus_add(b, "uart", "u2", UART + 0x80, 0x100, 10, NULL), -EBUSY);
	ck_assert_int_eq(dev_bus_add(b, "no-such", "x", 0, 0x100, 0, NULL), -EINVAL);
	for (n = 0; n < MMU_VIRTIO_SLOTS; n++)
		ck_assert_int_eq(dev_bus_hotplug_blk(b, args), n);
	ck_assert_int_eq(dev_bus_hotplug_blk(b, args), -ENOSPC);
	ck_assert_int_eq(dev_bus_remove(b, "vblk3"), 0);
	ck_assert_int_eq(dev_bus_remove(b, "vblk3"), -ENOENT);
	ck_assert_ptr_null(dev_bus_lookup(b, VIRTIO0 + 3 * MMU_VIRTIO_SLOT_SIZE));
	ck_assert_int_eq(dev_bus_hotplug_blk(b, args), 3);
	ck_assert_int_eq(dev_bus_mmio(b, UART + 3, 1, 1, &(uint64_t){ 0x1b }), 0);
	ck_assert_int_eq(dev_bus_mmio(b, 0x5000, 4, 0, &v), -EFAULT);
	ck_assert_int_eq(dev_bus_mmio(b, UART + 0xff, 4, 0, &v), -EFAULT);
	dev_bus_destroy(&b);
	/* Damage two slots: an unknown kind, an unterminated id. */
	strcpy(ds->slot[1].kind, "bogus");
	memset(ds->slot[2].id, 'a', sizeof(ds->slot[2].id));
	b = dev_bus_new(ds, bytes, &env, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(dev_bus_lost(b), 2);
	ck_assert_uint_eq(dev_bus_count(b), 1 + MMU_VIRTIO_SLOTS - 2);
	ck_assert_int_eq(dev_bus_mmio(b, UART + 3, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0x1b);
	dev_bus_destroy(&b);
	ds->magic = 0;
	ck_assert_ptr_null(dev_bus_new(ds, bytes, &env, 0));
	unlink(M.img);
	free(ds);
}
END_TEST

static Suite *mp_suite(void)
{
	Suite *s = suite_create("mp");
	TCase *tc = tcase_create("processes");
	TCase *tp = tcase_create("protocol");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, uart_through_rings);
	tcase_add_test(tc, virtio_blk_write_and_irq);
	tcase_add_test(tc, vcpu_refused_other_hart);
	tcase_add_test(tc, garbage_survived);
	tcase_add_test(tc, devmgr_killed_and_rebuilt);
	tcase_add_test(tp, protocol_in_process);
	tcase_add_test(tp, bus_slots_and_rebuild);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
