/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmark of one hart's guest memory access (mmu/access.h): the
 * cost of a TLB hit for loads, stores and fetches against a plain host
 * load of the same bytes (the baseline, measured in the same run), of a
 * miss that walks three Sv39 levels (PTEs in the host cache, and random
 * pages over 63 MiB), of a U<->S context switch (mmu_sync_ctx) and of a
 * satp write with its flush. Prints one
 * "name ns/op ratio" line per case; the ratio is against the host load.
 *
 *   bench_mmu [iterations]     (default 20000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmu/access.h"
#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64ull << 20)
#define PT_OFF   (RAM_SIZE - (1ull << 20))
#define VA_BASE  0x40000000ull
#define HOT_SPAN (MMU_TLB_SIZE * MMU_PAGE_SIZE)   /* fits the TLB exactly */

static uint8_t *ram;
static uint64_t pt_next = RAM_BASE + PT_OFF;
static volatile uint64_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t *pte(uint64_t pa)
{
	return (uint64_t *)(ram + (pa - RAM_BASE));
}

static uint64_t pt_new(void)
{
	uint64_t pa = pt_next;

	pt_next += 4096;
	memset(pte(pa), 0, 4096);
	return pa;
}

/* Sv39: VA_BASE + x -> RAM_BASE + x in 4 KiB pages, all but the tables. */
static uint64_t build_tables(void)
{
	uint64_t root = pt_new(), l1 = pt_new(), l0 = 0;

	*pte(root + ((VA_BASE >> 30) & 511) * 8) = (l1 >> 12) << 10 | MMU_PTE_V;
	for (uint64_t off = 0; off < PT_OFF; off += MMU_PAGE_SIZE) {
		uint64_t va = VA_BASE + off;

		if ((off & ((2ull << 20) - 1)) == 0) {
			l0 = pt_new();
			*pte(l1 + ((va >> 21) & 511) * 8) =
				(l0 >> 12) << 10 | MMU_PTE_V;
		}
		*pte(l0 + ((va >> 12) & 511) * 8) =
			((RAM_BASE + off) >> 12) << 10 | MMU_PTE_V | MMU_PTE_R |
			MMU_PTE_W | MMU_PTE_X | MMU_PTE_A | MMU_PTE_D |
			MMU_PTE_U;
	}
	return root;
}

static void report(const char *name, double ns, double base)
{
	printf("%-24s %8.2f ns/op  %6.2fx\n", name, ns, base > 0 ? ns / base : 1);
}

static double bench_host(long n)
{
	uint64_t sum = 0, v;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		memcpy(&v, ram + (((uint64_t)i * 136) & (HOT_SPAN - 8)), 8);
		sum += v;
	}
	sink = sum;
	return (now_ns() - t0) / (double)n;
}

static double bench_load(struct mmu_hart *m, long n)
{
	uint64_t sum = 0, v = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (mmu_load(m, VA_BASE + (((uint64_t)i * 136) & (HOT_SPAN - 8)),
			     8, &v))
			abort();
		sum += v;
	}
	sink = sum;
	return (now_ns() - t0) / (double)n;
}

static double bench_store(struct mmu_hart *m, long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (mmu_store(m, VA_BASE +
			      (((uint64_t)i * 136) & (HOT_SPAN - 8)), 8,
			      (uint64_t)i))
			abort();
	return (now_ns() - t0) / (double)n;
}

static double bench_fetch(struct mmu_hart *m, long n)
{
	uint64_t sum = 0;
	uint32_t insn = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (mmu_fetch_insn(m, VA_BASE +
				   (((uint64_t)i * 132) & (HOT_SPAN - 8)),
				   &insn))
			abort();
		sum += insn;
	}
	sink = sum;
	return (now_ns() - t0) / (double)n;
}

/* 2x the TLB's pages in a cycle: every access misses, PTEs stay cached. */
static double bench_miss_warm(struct mmu_hart *m, long n)
{
	uint64_t sum = 0, v = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (mmu_load(m, VA_BASE + ((uint64_t)i % (2 * MMU_TLB_SIZE)) *
			     MMU_PAGE_SIZE, 8, &v))
			abort();
		sum += v;
	}
	sink = sum;
	return (now_ns() - t0) / (double)n;
}

/* Pages far apart in a pseudo-random order: nearly every access misses. */
static double bench_miss(struct mmu_hart *m, long n)
{
	uint64_t sum = 0, v = 0, pages = PT_OFF / MMU_PAGE_SIZE, p = 1;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		p = (p * 2862933555777941757ull + 3037000493ull);
		if (mmu_load(m, VA_BASE + ((p >> 33) % pages) * MMU_PAGE_SIZE,
			     8, &v))
			abort();
		sum += v;
	}
	sink = sum;
	return (now_ns() - t0) / (double)n;
}

static double bench_ctx_switch(struct mmu_hart *m, struct vcpu_state *st,
			       long n)
{
	uint64_t v = 0, sum = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		st->priv = (i & 1) ? VCPU_PRIV_U : VCPU_PRIV_S;
		mmu_sync_ctx(m);
		if (mmu_load(m, VA_BASE + 64, 8, &v))
			abort();
		sum += v;
	}
	sink = sum;
	st->priv = VCPU_PRIV_S;
	mmu_sync_ctx(m);
	return (now_ns() - t0) / (double)n;
}

/* A satp write after one load: one walk plus one table flush. */
static double bench_satp(struct mmu_hart *m, struct vcpu_state *st, long n)
{
	uint64_t v = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (mmu_load(m, VA_BASE + 64, 8, &v))
			abort();
		mmu_satp_write(m, st->satp);
	}
	sink = v;
	return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000;
	struct vcpu_state st = { 0 };
	struct mmu_hart_config cfg = { 0 };
	struct mmu_hart *m;
	double base;

	if (n <= 0 || posix_memalign((void **)&ram, 4096, RAM_SIZE))
		return 2;
	memset(ram, 0x13, PT_OFF);   /* 32-bit instructions, for fetches */
	st.pmpaddr[0] = ~0ull;
	st.pmpcfg[0] = 0x1f;         /* NAPOT, RWX over everything */
	cfg.state = &st;
	cfg.ram = ram;
	cfg.ram_base = RAM_BASE;
	cfg.ram_size = RAM_SIZE;
	st.satp = MMU_SATP_MODE_SV39 << MMU_SATP_MODE_SHIFT |
		  build_tables() >> 12;
	st.priv = VCPU_PRIV_S;
	st.mstatus = MMU_MSTATUS_SUM;   /* as Linux in copy_{to,from}_user */
	m = mmu_hart_new(&cfg);
	if (!m)
		return 2;
	base = bench_host(n);
	report("host load (baseline)", base, base);
	report("load hit", bench_load(m, n), base);
	report("store hit", bench_store(m, n), base);
	st.priv = VCPU_PRIV_U;   /* S never executes user pages */
	mmu_sync_ctx(m);
	report("fetch_insn hit (U)", bench_fetch(m, n), base);
	st.priv = VCPU_PRIV_S;
	mmu_sync_ctx(m);
	report("miss, warm (Sv39 walk)", bench_miss_warm(m, n / 10), base);
	report("miss, random 63 MiB", bench_miss(m, n / 20), base);
	report("U<->S switch + load", bench_ctx_switch(m, &st, n / 4), base);
	report("load miss + satp write", bench_satp(m, &st, n / 20), base);
	printf("walks %llu fills %llu\n", (unsigned long long)m->walks,
	       (unsigned long long)m->fills);
	mmu_hart_destroy(&m);
	free(ram);
	return 0;
}
