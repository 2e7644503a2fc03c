/* SPDX-License-Identifier: MIT */
/*
 * String work: substring search three ways (naive, KMP, Boyer-Moore-
 * Horspool) over generated text, reversal, integer formatting and parsing
 * round trips, the runtime's snprintf against expected strings, run-length
 * encoding, ROT13, word counts, edit distance and a sort of words. Known
 * answers are checked; the rest is printed for the comparison with QEMU.
 */
#include "rt.h"

static long naive_find(const char *h, long hn, const char *n, long nn)
{
	for (long i = 0; i + nn <= hn; i++)
		if (memcmp(h + i, n, (size_t)nn) == 0)
			return i;
	return -1;
}

static long kmp_find(const char *h, long hn, const char *n, long nn)
{
	long fail[64], k = 0;

	fail[0] = 0;
	for (long i = 1; i < nn; i++) {
		while (k && n[i] != n[k])
			k = fail[k - 1];
		if (n[i] == n[k])
			k++;
		fail[i] = k;
	}
	k = 0;
	for (long i = 0; i < hn; i++) {
		while (k && h[i] != n[k])
			k = fail[k - 1];
		if (h[i] == n[k])
			k++;
		if (k == nn)
			return i - nn + 1;
	}
	return -1;
}

static long bmh_find(const char *h, long hn, const char *n, long nn)
{
	long skip[256];

	for (int i = 0; i < 256; i++)
		skip[i] = nn;
	for (long i = 0; i < nn - 1; i++)
		skip[(unsigned char)n[i]] = nn - 1 - i;
	for (long i = 0; i + nn <= hn;
	     i += skip[(unsigned char)h[i + nn - 1]])
		if (memcmp(h + i, n, (size_t)nn) == 0)
			return i;
	return -1;
}

static char text[20000];

static void test_search(void)
{
	static const char *const needles[] = { "abcab", "bbbbbbb", "cabbac",
		"aaaaaaaaab", "acbacbacbd", "dddd", "babababa" };
	uint32_t x = 12345;
	long total = 0;

	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		x = x * 1103515245u + 12345u;
		text[i] = (char)('a' + (x >> 16) % 3);
	}
	for (int k = 0; k < 7; k++) {
		long nn = (long)strlen(needles[k]), hn = sizeof(text) - 1;
		long p1 = naive_find(text, hn, needles[k], nn);
		long p2 = kmp_find(text, hn, needles[k], nn);
		long p3 = bmh_find(text, hn, needles[k], nn);

		CHECK_EQ(p1, p2);
		CHECK_EQ(p1, p3);
		rt_printf("find %-10s at %ld\n", needles[k], p1);
		total += p1;
	}
	rt_sig_add((uint64_t)total);
}

static void reverse(char *s)
{
	for (size_t i = 0, j = strlen(s); j > i + 1; i++, j--) {
		char t = s[i];

		s[i] = s[j - 1];
		s[j - 1] = t;
	}
}

static void copy_str(char *d, const char *s)
{
	while ((*d++ = *s++))
		;
}

static long parse_long(const char *s)
{
	long v = 0, sign = 1;

	if (*s == '-') {
		sign = -1;
		s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v * sign;
}

static void test_format(void)
{
	char b[64];
	int ok = 1;

	rt_snprintf(b, sizeof(b), "[%5d|%-5d|%05d|%x|%X|%s|%c]", 42, -7, -42,
		    0xbeef, 0xbeef, "str", 'q');
	CHECK(strcmp(b, "[   42|-7   |-0042|beef|BEEF|str|q]") == 0);
	rt_snprintf(b, sizeof(b), "%ld %lu %lx", -9223372036854775807L - 1,
		    18446744073709551615UL, 0xfedcba9876543210UL);
	CHECK(strcmp(b, "-9223372036854775808 18446744073709551615 "
			"fedcba9876543210") == 0);
	CHECK_EQ(rt_snprintf(b, 4, "%s", "truncated"), 9);
	CHECK(strcmp(b, "tru") == 0);
	rt_fmt_fixed(b, sizeof(b), -1.0 / 3, 5);
	CHECK(strcmp(b, "-0.33333") == 0);
	for (long v = -100000; v <= 100000; v += 777) {
		rt_snprintf(b, sizeof(b), "%ld", v * 1234567);
		ok &= parse_long(b) == v * 1234567;
	}
	CHECK(ok);
	copy_str(b, "Hello, RISC-V world");
	reverse(b);
	CHECK(strcmp(b, "dlrow V-CSIR ,olleH") == 0);
	rt_printf("reversed: %s\n", b);
}

static size_t rle(const char *in, char *out)
{
	size_t o = 0;

	while (*in) {
		char c = *in;
		int n = 0;

		while (*in == c && n < 9) {
			in++;
			n++;
		}
		out[o++] = (char)('0' + n);
		out[o++] = c;
	}
	out[o] = 0;
	return o;
}

static void unrle(const char *in, char *out)
{
	for (; *in; in += 2)
		for (int n = in[0] - '0'; n > 0; n--)
			*out++ = in[1];
	*out = 0;
}

static void test_transforms(void)
{
	char enc[128], dec[128], rot[64];
	const char *src = "aaabccddddddddddddeffffg";
	const char *msg = "The Quick Brown Fox Jumps";

	rle(src, enc);
	CHECK(strcmp(enc, "3a1b2c9d3d1e4f1g") == 0);
	unrle(enc, dec);
	CHECK(strcmp(dec, src) == 0);
	for (size_t i = 0; i <= strlen(msg); i++) {
		char c = msg[i];

		if (c >= 'a' && c <= 'z')
			c = (char)('a' + (c - 'a' + 13) % 26);
		else if (c >= 'A' && c <= 'Z')
			c = (char)('A' + (c - 'A' + 13) % 26);
		rot[i] = c;
	}
	CHECK(strcmp(rot, "Gur Dhvpx Oebja Sbk Whzcf") == 0);
	rt_printf("rle: %s rot13: %s\n", enc, rot);
}

static int edit_distance(const char *a, const char *b)
{
	int prev[32], cur[32];
	int n = (int)strlen(b);

	for (int j = 0; j <= n; j++)
		prev[j] = j;
	for (int i = 1; a[i - 1]; i++) {
		cur[0] = i;
		for (int j = 1; j <= n; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins)
					   : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(int) * (size_t)(n + 1));
	}
	return prev[n];
}

static const char *words[] = { "pear", "apple", "fig", "banana", "kiwi",
	"cherry", "date", "grape", "apricot", "lemon", "lime", "mango" };

static void test_words(void)
{
	const char *sorted[12];
	const char *sentence = "  the rain in  spain falls mainly\ton the plain ";
	int count = 0, in_word = 0;

	CHECK_EQ(edit_distance("kitten", "sitting"), 3);
	CHECK_EQ(edit_distance("flaw", "lawn"), 2);
	CHECK_EQ(edit_distance("", "abc"), 3);
	for (const char *p = sentence; *p; p++) {
		int sp = *p == ' ' || *p == '\t';

		count += !sp && !in_word;
		in_word = !sp;
	}
	CHECK_EQ(count, 9);
	memcpy(sorted, words, sizeof(words));
	for (int i = 1; i < 12; i++)
		for (int j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
			const char *t = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	CHECK(strcmp(sorted[0], "apple") == 0);
	CHECK(strcmp(sorted[11], "pear") == 0);
	rt_printf("sorted:");
	for (int i = 0; i < 12; i++)
		rt_printf(" %s", sorted[i]);
	rt_printf("\n");
}

int main(void)
{
	test_search();
	test_format();
	test_transforms();
	test_words();
	return rt_done("prog_string");
}
