/* SPDX-License-Identifier: MIT */
/*
 * The memory and string functions a freestanding program still needs. The
 * compiler emits calls to memcpy/memset/memmove/memcmp by these exact names
 * (for struct copies and zeroing), which is why they carry no rt_ prefix.
 * Also the bump allocator rt_sbrk().
 */
#include "rt.h"

extern char rt_heap_start[], rt_heap_end[];
static char *brk;

void *rt_sbrk(size_t n)
{
	char *p;

	if (!brk)
		brk = rt_heap_start;
	n = (n + 15) & ~(size_t)15;
	if (n > (size_t)(rt_heap_end - brk))
		return NULL;
	p = brk;
	brk += n;
	return p;
}

void *memcpy(void *d, const void *s, size_t n)
{
	char *dc = d;
	const char *sc = s;

	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		uint64_t *dw = d;
		const uint64_t *sw = s;

		for (size_t i = 0; i < n / 8; i++)
			dw[i] = sw[i];
		return d;
	}
	for (size_t i = 0; i < n; i++)
		dc[i] = sc[i];
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	char *dc = d;
	const char *sc = s;

	if (dc <= sc || dc >= sc + n)
		return memcpy(d, s, n);
	while (n--)
		dc[n] = sc[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dc = d;

	if ((((uintptr_t)d | n) & 7) == 0) {
		uint64_t w = 0x0101010101010101ull * (unsigned char)c;
		uint64_t *dw = d;

		for (size_t i = 0; i < n / 8; i++)
			dw[i] = w;
		return d;
	}
	for (size_t i = 0; i < n; i++)
		dc[i] = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
