/* SPDX-License-Identifier: MIT */
/*
 * The cost of reaching a device through the multi-process data plane.
 *
 * The bench process plays tessera-mmu (it creates the VM's regions) and
 * the vcpu; a fork()ed child plays tessera-devmgr: a device bus with a
 * UART (console to /dev/null) served on hart 0's ring pair by the devmgr
 * server. Measured in the same run:
 *  - round trip of a UART LSR read through the rings (shm_mmio_call),
 *    median and p99, against the same read dispatched in-process
 *    (dev_bus_mmio on a bus of our own);
 *  - guest UART throughput: THR byte writes per second through the rings
 *    against in-process.
 * Each loop is bounded in count and time, so the run takes seconds.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devmgr/bus.h"
#include "devmgr/server.h"
#include "mmu/memmap.h"
#include "mmu/vm.h"
#include "shm/mmio.h"

#define RT_N      200000
#define THRU_N    400000
#define BUDGET_NS 1500000000ll
#define UART      (mmu_memmap[MMU_MEM_UART0].base)

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static struct dev_bus *make_bus(struct mmu_devstate *ds, uint64_t bytes,
				struct dev_env *env, int out_fd)
{
	struct dev_bus *b;

	*env = (struct dev_env){ .console_out_fd = out_fd, .console_in_fd = -1 };
	b = dev_bus_new(ds, bytes, env, 1);
	if (b && dev_bus_add(b, "uart", "uart0", UART, 0x100, 0, NULL) < 0)
		dev_bus_destroy(&b);
	return b;
}

static void devmgr_child(struct mmu_vm *vm, int ready, int out_fd)
{
	struct shm_region *ds = mmu_vm_find(vm, "devstate");
	void *mmio[1] = { mmu_vm_find(vm, "mmio-0")->addr };
	struct dev_env env;
	struct dev_bus *b = make_bus(ds->addr, ds->size, &env, out_fd);
	struct dev_server *s = b ? dev_server_new(b, mmio,
						  shm_mmio_region_bytes(), 1) : NULL;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!s || dev_server_start(s) < 0 || write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

typedef int (*access_fn)(void *o, uint64_t pa, unsigned size, int w,
			 uint64_t *v);

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Median and p99 of LSR reads through @fn, in ns. */
static int round_trip(access_fn fn, void *o, double *med, double *p99)
{
	static int64_t lat[RT_N];
	int64_t stop = now_ns() + BUDGET_NS;
	int n = 0;
	uint64_t v;

	for (; n < RT_N && now_ns() < stop; n++) {
		int64_t t0 = now_ns();

		if (fn(o, UART + 5, 1, 0, &v) < 0)
			return -1;
		lat[n] = now_ns() - t0;
	}
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp64);
	*med = (double)lat[n / 2];
	*p99 = (double)lat[(n * 99) / 100];
	return n;
}

/* THR byte writes per second through @fn. */
static double throughput(access_fn fn, void *o)
{
	int64_t t0 = now_ns(), stop = t0 + BUDGET_NS;
	uint64_t v = 'x';
	int n = 0;

	for (; n < THRU_N && (n & 1023 || now_ns() < stop); n++)
		if (fn(o, UART, 1, 1, &v) < 0)
			return -1;
	return n / ((double)(now_ns() - t0) / 1e9);
}

static int measure(struct shm_mmio_client *c, struct dev_bus *local)
{
	double rm, rp, lm, lp, rt, lt;
	int rn, ln;

	rn = round_trip(shm_mmio_fn, c, &rm, &rp);
	ln = round_trip(dev_bus_mmio, local, &lm, &lp);
	if (rn <= 0 || ln <= 0)
		return -1;
	printf("mmio round trip via rings : median %8.0f ns  p99 %8.0f ns  (n=%d)\n",
	       rm, rp, rn);
	printf("mmio in-process dispatch  : median %8.0f ns  p99 %8.0f ns  (n=%d)\n",
	       lm, lp, ln);
	printf("ratio rings/in-process    : median %.1fx  p99 %.1fx\n",
	       rm / (lm > 0 ? lm : 1), rp / (lp > 0 ? lp : 1));
	rt = throughput(shm_mmio_fn, c);
	lt = throughput(dev_bus_mmio, local);
	if (rt < 0 || lt < 0)
		return -1;
	printf("uart THR via rings        : %12.0f bytes/s\n", rt);
	printf("uart THR in-process       : %12.0f bytes/s\n", lt);
	printf("ratio in-process/rings    : %.1fx\n", lt / rt);
	return 0;
}

int main(void)
{
	struct mmu_vm_config cfg = { 16ull << 20, 1, 0 };
	struct mmu_vm *vm = mmu_vm_create(&cfg);
	struct shm_mmio_client c;
	struct mmu_devstate *lds;
	struct dev_env lenv;
	struct dev_bus *local;
	int ready[2], out = open("/dev/null", O_WRONLY), rc = 1;
	char ch;
	pid_t pid;

	if (!vm || out < 0 || pipe(ready) < 0)
		return 1;
	pid = fork();
	if (pid == 0)
		devmgr_child(vm, ready[1], out);
	if (pid < 0 || read(ready[0], &ch, 1) != 1)
		goto out_kill;
	lds = aligned_alloc(4096, mmu_vm_find(vm, "devstate")->size);
	if (!lds || mmu_devstate_format(lds, mmu_vm_find(vm, "devstate")->size) < 0)
		goto out_kill;
	local = make_bus(lds, mmu_vm_find(vm, "devstate")->size, &lenv, out);
	if (local && shm_mmio_client_attach(&c, mmu_vm_find(vm, "mmio-0")->addr,
					    shm_mmio_region_bytes()) == 0)
		rc = measure(&c, local) < 0;
	dev_bus_destroy(&local);
	free(lds);
out_kill:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	mmu_vm_destroy(&vm);
	return rc;
}
