/* SPDX-License-Identifier: MIT */
/*
 * Sorting pseudo-random data five ways (quicksort, merge sort, heap sort,
 * shell sort, insertion sort on small runs) over 32- and 64-bit keys, plus
 * a stable sort of records. Each result is checked (ordered, a permutation
 * of the input, equal across algorithms, stable where promised) and its
 * checksum printed, so the output can be compared byte for byte with QEMU.
 */
#include "rt.h"

#define N 6000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static int64_t a[N], b[N], c[N], d[N], e[N], tmp[N];

static void swap(int64_t *x, int64_t *y)
{
	int64_t t = *x;

	*x = *y;
	*y = t;
}

static void quicksort(int64_t *v, long lo, long hi)
{
	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j)
				swap(&v[i++], &v[j--]);
		}
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

static void mergesort(int64_t *v, long n)
{
	for (long w = 1; w < n; w *= 2) {
		for (long lo = 0; lo < n; lo += 2 * w) {
			long mid = lo + w < n ? lo + w : n;
			long hi = lo + 2 * w < n ? lo + 2 * w : n;
			long i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, (size_t)n * sizeof(*v));
	}
}

static void sift(int64_t *v, long root, long n)
{
	for (;;) {
		long child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && v[child] < v[child + 1])
			child++;
		if (v[root] >= v[child])
			return;
		swap(&v[root], &v[child]);
		root = child;
	}
}

static void heapsort(int64_t *v, long n)
{
	for (long i = n / 2 - 1; i >= 0; i--)
		sift(v, i, n);
	for (long i = n - 1; i > 0; i--) {
		swap(&v[0], &v[i]);
		sift(v, 0, i);
	}
}

static void shellsort(int64_t *v, long n)
{
	static const long gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

	for (int g = 0; g < 8; g++)
		for (long i = gaps[g]; i < n; i++) {
			int64_t x = v[i];
			long j = i;

			for (; j >= gaps[g] && v[j - gaps[g]] > x; j -= gaps[g])
				v[j] = v[j - gaps[g]];
			v[j] = x;
		}
}

static int sorted(const int64_t *v, long n)
{
	for (long i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

static uint64_t checksum(const int64_t *v, long n)
{
	uint64_t h = 0;

	for (long i = 0; i < n; i++)
		h = h * 31 + (uint64_t)v[i];
	return h;
}

static uint64_t multiset(const int64_t *v, long n)
{
	uint64_t s = 0, x = 0;

	for (long i = 0; i < n; i++) {
		s += (uint64_t)v[i];
		x ^= (uint64_t)v[i] * 0x9e3779b97f4a7c15ull;
	}
	return s ^ (x << 1);
}

static void run(const char *what, int shift)
{
	uint64_t in_set;

	for (long i = 0; i < N; i++)
		a[i] = (int64_t)rng() >> shift;
	in_set = multiset(a, N);
	memcpy(b, a, sizeof(a));
	memcpy(c, a, sizeof(a));
	memcpy(d, a, sizeof(a));
	memcpy(e, a, sizeof(a));
	quicksort(a, 0, N - 1);
	mergesort(b, N);
	heapsort(c, N);
	shellsort(d, N);
	CHECK(sorted(a, N));
	CHECK_EQ(multiset(a, N), in_set);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(memcmp(a, c, sizeof(a)) == 0);
	CHECK(memcmp(a, d, sizeof(a)) == 0);
	CHECK(memcmp(a, e, sizeof(a)) != 0);
	rt_printf("%s: min %ld median %ld max %ld checksum %016lx\n", what,
		  a[0], a[N / 2], a[N - 1], checksum(a, N));
	rt_sig_add(checksum(a, N));
}

struct rec {
	uint32_t key;
	uint32_t seq;
};

static struct rec recs[N], rtmp[N];

/* Stable merge sort on key only. */
static void rec_sort(struct rec *v, long n)
{
	for (long w = 1; w < n; w *= 2) {
		for (long lo = 0; lo < n; lo += 2 * w) {
			long mid = lo + w < n ? lo + w : n;
			long hi = lo + 2 * w < n ? lo + 2 * w : n;
			long i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				rtmp[k++] = v[j].key < v[i].key ? v[j++] : v[i++];
			while (i < mid)
				rtmp[k++] = v[i++];
			while (j < hi)
				rtmp[k++] = v[j++];
		}
		memcpy(v, rtmp, (size_t)n * sizeof(*v));
	}
}

static void run_stable(void)
{
	int ok = 1;
	uint64_t h = 0;

	for (long i = 0; i < N; i++) {
		recs[i].key = (uint32_t)(rng() % 97);
		recs[i].seq = (uint32_t)i;
	}
	rec_sort(recs, N);
	for (long i = 1; i < N; i++) {
		if (recs[i - 1].key > recs[i].key ||
		    (recs[i - 1].key == recs[i].key &&
		     recs[i - 1].seq > recs[i].seq))
			ok = 0;
		h = h * 131 + recs[i].seq;
	}
	CHECK(ok);
	rt_printf("stable: first seq %u last seq %u hash %016lx\n",
		  recs[0].seq, recs[N - 1].seq, h);
	rt_sig_add(h);
}

static void run_small(void)
{
	int64_t v[16];

	for (int r = 0; r < 200; r++) {
		int n = 1 + (int)(rng() % 16);

		for (int i = 0; i < n; i++)
			v[i] = (int64_t)(rng() % 10) - 5;
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && v[j - 1] > v[j]; j--)
				swap(&v[j - 1], &v[j]);
		CHECK(sorted(v, n));
	}
}

int main(void)
{
	run("keys64", 0);
	run("keys32", 32);
	run("keys8", 56);
	run_stable();
	run_small();
	return rt_done("prog_sort");
}
