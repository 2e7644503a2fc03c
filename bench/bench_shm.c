/* SPDX-License-Identifier: MIT */
/*
 * MMIO-plane costs between two processes, against kernel baselines run in
 * the same invocation.
 *
 * Round trip: the vcpu/devmgr shape, a request ring and a response ring
 * in one memfd region; the client pushes {addr, size, write, data} and
 * waits for the reply, the server (a fork()ed child) pops, answers and
 * waits for the next request. Three wait policies: both sides spin
 * (adaptively) before sleeping on the futex; both sleep at once; a
 * devmgr-style server sleeping in epoll on an eventfd. Baselines: the
 * same 32-byte ping-pong over a pipe pair and over a SOCK_SEQPACKET
 * socketpair. One-way throughput: messages/s through the ring, and
 * through a pipe. Each measurement stops after ROUNDS or ~0.8 s, so the
 * whole run takes a few seconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shm/region.h"
#include "shm/ring.h"

#define ROUNDS     200000
#define BUDGET_NS  800000000ll
#define THRU_N     4000000u
#define PIPE_THRU  300000u
#define SPIN       4000u        /* polls of ~10-40 ns; adaptive below */
#define RING_CAP   64u

/* One MMIO access or its reply: the entry the vcpu and devmgr trade. */
struct mmio_msg {
	uint64_t addr;
	uint32_t size;
	uint32_t op;        /* 0 read, 1 write, 2 stop the server */
	uint64_t data;
	uint64_t seq;
};

enum policy { SPIN_SLEEP, SLEEP_ONLY, EPOLL_SERVER };

struct result {
	double median, p99;
	int n;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct result summarize(int64_t *lat, int n)
{
	struct result r = { 0, 0, n };

	if (n <= 0)
		return r;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_i64);
	r.median = (double)lat[n / 2];
	r.p99 = (double)lat[(size_t)n * 99 / 100];
	return r;
}

static void print_rt(const char *what, struct result r)
{
	printf("  %-44s median %7.0f ns  p99 %7.0f ns  (%d round trips)\n",
	       what, r.median, r.p99, r.n);
}

/* Both rings live in one region, as tessera-mmu would hand them out. */
struct rings {
	struct shm_region *mem;
	size_t one;
	struct shm_ring req, rsp;
};

static int rings_new(struct rings *rg)
{
	rg->one = shm_ring_bytes(sizeof(struct mmio_msg), RING_CAP);
	rg->mem = shm_region_create("bench-mmio", 2 * rg->one, 0);
	if (!rg->mem || shm_region_map(rg->mem) < 0)
		return -1;
	if (shm_ring_init(&rg->req, rg->mem->addr, rg->one,
			  sizeof(struct mmio_msg), RING_CAP) < 0 ||
	    shm_ring_init(&rg->rsp, (uint8_t *)rg->mem->addr + rg->one,
			  rg->one, sizeof(struct mmio_msg), RING_CAP) < 0)
		return -1;
	return 0;
}

/* Server: wait for a request by futex or in epoll on @efd. */
static int server_wait(struct shm_ring *req, enum policy pol, int ep, int efd)
{
	struct epoll_event ev;
	int rc;

	if (pol != EPOLL_SERVER)
		return shm_ring_wait_data(req, -1);
	rc = shm_ring_arm(req, SHM_RING_DATA);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (epoll_wait(ep, &ev, 1, -1) < 0)
		return -errno;
	shm_eventfd_drain(efd);
	shm_ring_disarm(req, SHM_RING_DATA);
	return 0;
}

/* The devmgr side: answer every request until told to stop. */
static int server(struct rings *rg, enum policy pol, int efd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct shm_ring req, rsp;
	struct mmio_msg m;
	int ep = -1;

	if (shm_ring_attach(&req, rg->mem->addr, rg->one) < 0 ||
	    shm_ring_attach(&rsp, (uint8_t *)rg->mem->addr + rg->one,
			    rg->one) < 0)
		return 1;
	shm_ring_set_spin(&req, pol == SPIN_SLEEP ? SPIN : 0);
	if (pol == EPOLL_SERVER) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
			return 2;
	}
	for (;;) {
		while (shm_ring_pop(&req, &m) == -EAGAIN)
			if (server_wait(&req, pol, ep, efd) < 0)
				return 3;
		if (m.op == 2)
			return 0;
		m.data = m.op ? 0 : m.addr ^ 0x5a5a;
		while (shm_ring_push(&rsp, &m) == -EAGAIN)
			if (shm_ring_wait_space(&rsp, -1) < 0)
				return 4;
	}
}

static int client_call(struct rings *rg, struct mmio_msg *m)
{
	while (shm_ring_push(&rg->req, m) == -EAGAIN)
		if (shm_ring_wait_space(&rg->req, -1) < 0)
			return -1;
	while (shm_ring_pop(&rg->rsp, m) == -EAGAIN)
		if (shm_ring_wait_data(&rg->rsp, -1) < 0)
			return -1;
	return 0;
}

static struct result bench_ring(enum policy pol, int64_t *lat,
				double *wakes_per_rt)
{
	struct rings rg;
	struct shm_ring_stats a, b;
	struct mmio_msg m = { .addr = 0x10000000, .size = 1 };
	int64_t start, t0;
	int efd = -1, n = 0;
	pid_t pid;

	if (rings_new(&rg) < 0 || (pol == EPOLL_SERVER &&
				   (efd = shm_eventfd_new()) < 0))
		return (struct result){ 0, 0, 0 };
	shm_ring_set_wake_fd(&rg.req, SHM_RING_DATA, efd);
	shm_ring_set_spin(&rg.rsp, pol == SLEEP_ONLY ? 0 : SPIN);
	pid = fork();
	if (pid == 0)
		_exit(server(&rg, pol, efd));
	for (start = now_ns(); n < ROUNDS && now_ns() - start < BUDGET_NS; n++) {
		m.seq = (uint64_t)n;
		m.op = 0;
		t0 = now_ns();
		if (client_call(&rg, &m) < 0)
			break;
		lat[n] = now_ns() - t0;
	}
	m.op = 2;
	shm_ring_push(&rg.req, &m);
	waitpid(pid, NULL, 0);
	shm_ring_stats(&rg.req, &a);
	shm_ring_stats(&rg.rsp, &b);
	*wakes_per_rt = n ? (double)(a.data_wakes + b.data_wakes) / n : 0;
	if (efd >= 0)
		close(efd);
	shm_region_destroy(&rg.mem);
	return summarize(lat, n);
}

/* Echo server over a pair of fds (pipes or one socket). */
static int fd_server(int rfd, int wfd)
{
	struct mmio_msg m;

	for (;;) {
		if (read(rfd, &m, sizeof(m)) != sizeof(m))
			return 1;
		if (m.op == 2)
			return 0;
		m.data = m.addr ^ 0x5a5a;
		if (write(wfd, &m, sizeof(m)) != sizeof(m))
			return 2;
	}
}

/* Ping-pong over fds: @c2s_w/@s2c_r are the client's ends, @c2s_r/@s2c_w
 * the server's (the same socket for a socketpair). */
static struct result bench_fds(int c2s_w, int s2c_r, int c2s_r, int s2c_w,
			       int64_t *lat)
{
	struct mmio_msg m = { .addr = 0x10000000, .size = 1 };
	int64_t start, t0;
	int n = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fd_server(c2s_r, s2c_w));
	for (start = now_ns(); n < ROUNDS && now_ns() - start < BUDGET_NS; n++) {
		t0 = now_ns();
		if (write(c2s_w, &m, sizeof(m)) != sizeof(m) ||
		    read(s2c_r, &m, sizeof(m)) != sizeof(m))
			break;
		lat[n] = now_ns() - t0;
	}
	m.op = 2;
	if (write(c2s_w, &m, sizeof(m)) != sizeof(m))
		kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return summarize(lat, n);
}

static struct result bench_pipe(int64_t *lat)
{
	int a[2], b[2];
	struct result r;

	if (pipe(a) < 0 || pipe(b) < 0)
		return (struct result){ 0, 0, 0 };
	r = bench_fds(a[1], b[0], a[0], b[1], lat);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	return r;
}

static struct result bench_socket(int64_t *lat)
{
	int sv[2];
	struct result r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return (struct result){ 0, 0, 0 };
	r = bench_fds(sv[0], sv[0], sv[1], sv[1], lat);
	close(sv[0]);
	close(sv[1]);
	return r;
}

/* Producer child: push until THRU_N or the time budget, then a stop. */
static int thru_producer(struct rings *rg)
{
	struct shm_ring p;
	struct mmio_msg m = { .size = 4, .op = 1 };
	int64_t start = now_ns();

	if (shm_ring_attach(&p, rg->mem->addr, rg->one) < 0)
		return 1;
	shm_ring_set_spin(&p, SPIN);
	for (uint64_t i = 0; i <= THRU_N; i++) {
		m.seq = i;
		if (i == THRU_N || ((i & 4095) == 0 && now_ns() - start > BUDGET_NS))
			m.op = 2;
		while (shm_ring_push(&p, &m) == -EAGAIN)
			if (shm_ring_wait_space(&p, -1) < 0)
				return 2;
		if (m.op == 2)
			break;
	}
	return 0;
}

/* One-way messages/s through the request ring, timed by the consumer
 * from the first message to the stop message. */
static double ring_throughput(void)
{
	struct rings rg;
	struct mmio_msg m = { .op = 1 };
	int64_t t0 = 0;
	uint64_t n = 0;
	pid_t pid;

	if (rings_new(&rg) < 0)
		return 0;
	shm_ring_set_spin(&rg.req, SPIN);
	pid = fork();
	if (pid == 0)
		_exit(thru_producer(&rg));
	for (; m.op != 2; n++) {
		while (shm_ring_pop(&rg.req, &m) == -EAGAIN)
			shm_ring_wait_data(&rg.req, -1);
		if (n == 0)
			t0 = now_ns();
	}
	t0 = now_ns() - t0;
	waitpid(pid, NULL, 0);
	shm_region_destroy(&rg.mem);
	return t0 > 0 ? (double)(n - 1) * 1e9 / (double)t0 : 0;
}

static double pipe_throughput(void)
{
	struct mmio_msg m = { .size = 4, .op = 1 };
	int p[2];
	int64_t t0 = 0;
	pid_t pid;

	if (pipe(p) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (uint64_t i = 0; i < PIPE_THRU; i++)
			if (write(p[1], &m, sizeof(m)) != sizeof(m))
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	for (uint64_t i = 0; i < PIPE_THRU; i++) {
		if (read(p[0], &m, sizeof(m)) != sizeof(m))
			break;
		if (i == 0)
			t0 = now_ns();
	}
	t0 = now_ns() - t0;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return (PIPE_THRU - 1) * 1e9 / (double)t0;
}

/* The floor for any shared-memory round trip: one cache line carried to
 * the other core and one carried back, nothing else. */
static double cacheline_floor(void)
{
	struct shm_region *m = shm_region_create("bench-floor", 4096, 0);
	volatile uint64_t *a, *b;
	int64_t start;
	uint64_t i;
	pid_t pid;

	if (!m || shm_region_map(m) < 0)
		return 0;
	a = m->addr;
	b = a + 16;       /* another cache line */
	pid = fork();
	if (pid == 0) {
		for (uint64_t v; (v = *a) != UINT64_MAX;)
			if (v != *b)
				*b = v;
		_exit(0);
	}
	start = now_ns();
	for (i = 1; i <= ROUNDS && now_ns() - start < BUDGET_NS; i++) {
		*a = i;
		while (*b != i)
			cpu_pause();
	}
	start = now_ns() - start;
	*a = UINT64_MAX;
	waitpid(pid, NULL, 0);
	shm_region_destroy(&m);
	return (double)start / (double)(i - 1);
}

/* Spinning needs the two sides on two idle cores: say how busy the
 * machine was, so that a reader can tell a slow run from a slow ring. */
static void print_load(void)
{
	double l1 = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l1) != 1)
			l1 = -1;
		fclose(f);
	}
	printf("  machine: %ld CPUs online, load average %.2f\n",
	       sysconf(_SC_NPROCESSORS_ONLN), l1);
}

static double timer_cost(void)
{
	int64_t t0 = now_ns(), t1 = t0;

	for (int i = 0; i < 100000; i++)
		t1 = now_ns();
	return (double)(t1 - t0) / 100000;
}

int main(void)
{
	int64_t *lat = calloc(ROUNDS, sizeof(*lat));
	struct result spin, nap, ep, pip, sock;
	double w_spin, w_sleep, w_ep, rthru, pthru, floor_ns;

	if (!lat)
		return 1;
	printf("shm: MMIO ring between two processes (%zu-byte entries), "
	       "clock_gettime costs %.0f ns per call\n",
	       sizeof(struct mmio_msg), timer_cost());
	print_load();
	floor_ns = cacheline_floor();
	printf("  %-44s mean   %7.0f ns\n",
	       "floor: bare cache line there and back:", floor_ns);
	spin = bench_ring(SPIN_SLEEP, lat, &w_spin);
	print_rt("shm ring, spin then futex:", spin);
	nap = bench_ring(SLEEP_ONLY, lat, &w_sleep);
	print_rt("shm ring, futex sleep at once:", nap);
	ep = bench_ring(EPOLL_SERVER, lat, &w_ep);
	print_rt("shm ring, epoll/eventfd server:", ep);
	printf("  wake-up syscalls per round trip: spin %.3f, futex %.3f, "
	       "epoll %.3f\n", w_spin, w_sleep, w_ep);
	pip = bench_pipe(lat);
	print_rt("pipe ping-pong (baseline):", pip);
	sock = bench_socket(lat);
	print_rt("unix seqpacket ping-pong (baseline):", sock);
	rthru = ring_throughput();
	pthru = pipe_throughput();
	printf("  one-way: shm ring %.2f M msgs/s, pipe %.2f M msgs/s\n",
	       rthru / 1e6, pthru / 1e6);
	printf("shm ring round trip: median %.0f ns, p99 %.0f ns; pipe: %.0f ns;"
	       " ratio %.3f\n", spin.median, spin.p99, pip.median,
	       pip.median > 0 ? spin.median / pip.median : 0);
	printf("ratios (median round trip, lower is better): ring/pipe %.3f, "
	       "ring/socket %.3f, futex-sleep ring/pipe %.3f, "
	       "epoll ring/pipe %.3f\n",
	       spin.median / pip.median, spin.median / sock.median,
	       nap.median / pip.median, ep.median / pip.median);
	printf("ratio ring round trip / cache-line floor: %.2f\n",
	       floor_ns > 0 ? spin.median / floor_ns : 0);
	printf("ratio one-way throughput ring/pipe: %.1fx\n",
	       pthru > 0 ? rthru / pthru : 0);
	free(lat);
	return 0;
}
