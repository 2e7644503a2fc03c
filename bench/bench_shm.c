/* SPDX-License-Identifier: MIT */
/*
 * MMIO-plane round trip: a request ring and a response ring between two
 * processes (the vcpu/devmgr shape), against a pipe ping-pong between two
 * processes as the baseline, measured in the same run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shm/ring.h"

#define ROUNDS 200000
#define ENTRY  32

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *lat, int n, double *median)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	*median = (double)lat[n / 2];
	printf("%-28s median %7.0f ns  p99 %7llu ns\n", what, *median,
	       (unsigned long long)lat[(size_t)n * 99 / 100]);
}

/* Echo server side: pop a request, push it back as the response. */
static int ring_server(void *mem, size_t half)
{
	struct shm_ring req, rsp;
	uint8_t e[ENTRY];

	if (shm_ring_attach(&req, mem, half) < 0 ||
	    shm_ring_attach(&rsp, (uint8_t *)mem + half, half) < 0)
		return 1;
	for (int i = 0; i < ROUNDS; i++) {
		while (shm_ring_pop(&req, e) == -EAGAIN)
			shm_ring_wait_data(&req, 4000, -1);
		shm_ring_push(&rsp, e);
	}
	return 0;
}

static double bench_ring(uint64_t *lat)
{
	size_t half = shm_ring_bytes(ENTRY, 64);
	void *mem = mmap(NULL, 2 * half, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct shm_ring req, rsp;
	uint8_t e[ENTRY] = { 0 };
	double median;
	pid_t pid;

	shm_ring_init(&req, mem, half, ENTRY);
	shm_ring_init(&rsp, (uint8_t *)mem + half, half, ENTRY);
	pid = fork();
	if (pid == 0)
		_exit(ring_server(mem, half));
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = now_ns();

		shm_ring_push(&req, e);
		while (shm_ring_pop(&rsp, e) == -EAGAIN)
			shm_ring_wait_data(&rsp, 4000, -1);
		lat[i] = now_ns() - t0;
	}
	waitpid(pid, NULL, 0);
	printf("  ring futex wake calls: %llu over %d round trips\n",
	       (unsigned long long)req.h->wakes + rsp.h->wakes, ROUNDS);
	report("shm ring round trip:", lat, ROUNDS, &median);
	munmap(mem, 2 * half);
	return median;
}

static double bench_pipe(uint64_t *lat)
{
	int a[2], b[2];
	char e[ENTRY] = { 0 };
	double median;
	pid_t pid;

	if (pipe(a) < 0 || pipe(b) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < ROUNDS; i++)
			if (read(a[0], e, ENTRY) != ENTRY ||
			    write(b[1], e, ENTRY) != ENTRY)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = now_ns();

		if (write(a[1], e, ENTRY) != ENTRY || read(b[0], e, ENTRY) != ENTRY)
			break;
		lat[i] = now_ns() - t0;
	}
	waitpid(pid, NULL, 0);
	report("pipe round trip (baseline):", lat, ROUNDS, &median);
	return median;
}

int main(void)
{
	uint64_t *lat = calloc(ROUNDS, sizeof(*lat));
	double ring, pipe_ns;

	if (!lat)
		return 1;
	ring = bench_ring(lat);
	pipe_ns = bench_pipe(lat);
	printf("ratio shm ring / pipe (median): %.3f\n", ring / pipe_ns);
	free(lat);
	return 0;
}
