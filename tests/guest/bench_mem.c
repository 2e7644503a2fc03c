/* SPDX-License-Identifier: MIT */
/*
 * CPU benchmark, memory: strided sweeps over a 16 MiB array (cache-line and
 * page strides, so a software TLB and the host caches both matter), pointer
 * chasing through a random single-cycle permutation of 4 MiB, and block
 * copies. Arrays come from rt_sbrk (above the image, not cleared). Prints
 * one checksum line.
 */
#include "rt.h"

#define BIG_WORDS  (2u << 20)          /* 16 MiB of uint64_t */
#define CHASE      (512u << 10)        /* 4 MiB of uint64_t indices */
#define COPY_BYTES (1u << 20)
#define ROUNDS     6

static uint64_t seed = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return seed >> 17;
}

static uint64_t sweep(uint64_t *a, uint32_t stride, uint32_t round)
{
	uint64_t s = 0;

	for (uint32_t start = 0; start < stride; start += stride / 4 + 1)
		for (uint32_t i = start; i < BIG_WORDS; i += stride) {
			s += a[i] ^ round;
			a[i] = s;
		}
	return s;
}

static uint64_t chase(const uint64_t *next, uint32_t steps)
{
	uint64_t p = 0, s = 0;

	for (uint32_t i = 0; i < steps; i++) {
		p = next[p];
		s += p;
	}
	return s;
}

static void copy_words(uint64_t *d, const uint64_t *s, size_t n)
{
	for (size_t i = 0; i < n; i += 4) {
		d[i] = s[i];
		d[i + 1] = s[i + 1];
		d[i + 2] = s[i + 2];
		d[i + 3] = s[i + 3];
	}
}

int main(void)
{
	uint64_t *big = rt_sbrk(BIG_WORDS * 8);
	uint64_t *next = rt_sbrk(CHASE * 8);
	uint64_t *dst = rt_sbrk(COPY_BYTES);
	uint64_t sum = 0;

	if (!big || !next || !dst) {
		rt_printf("bench_mem: out of memory\n");
		return 1;
	}
	for (uint32_t i = 0; i < BIG_WORDS; i++)
		big[i] = i * 0x9e3779b97f4a7c15ull;
	/* Sattolo: one cycle through every slot */
	for (uint32_t i = 0; i < CHASE; i++)
		next[i] = i;
	for (uint32_t i = CHASE - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd() % i);
		uint64_t t = next[i];

		next[i] = next[j];
		next[j] = t;
	}
	for (uint32_t r = 0; r < ROUNDS; r++) {
		sum += sweep(big, 8, r);              /* one word per 64 B line */
		sum += sweep(big, 512, r);            /* one word per 4 KiB page */
		sum += chase(next, CHASE);
		copy_words(dst, big + r * 4096, COPY_BYTES / 8);
		sum += dst[r * 31];
	}
	rt_printf("bench_mem: checksum %016lx\n", sum);
	return 0;
}
