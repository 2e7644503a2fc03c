/* SPDX-License-Identifier: MIT */
/*
 * Hashing: FNV-1a (32 and 64 bit), CRC-32 (table-driven, IEEE polynomial),
 * Adler-32 and SHA-256, each checked against published test vectors and
 * then run over a pseudo-random buffer whose digests are printed for the
 * byte-for-byte comparison with QEMU.
 */
#include "rt.h"

static uint32_t fnv32(const uint8_t *p, size_t n)
{
	uint32_t h = 0x811c9dc5u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

static uint64_t fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;

	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* ---- SHA-256 (FIPS 180-4) ---- */

struct sha256 {
	uint32_t h[8];
	uint8_t block[64];
	size_t fill;
	uint64_t bytes;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], s[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(s, h, sizeof(s));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = s[7] + (ror(s[4], 6) ^ ror(s[4], 11) ^ ror(s[4], 25)) +
			      ((s[4] & s[5]) ^ (~s[4] & s[6])) + K[i] + w[i];
		uint32_t t2 = (ror(s[0], 2) ^ ror(s[0], 13) ^ ror(s[0], 22)) +
			      ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));

		memmove(&s[1], &s[0], 7 * sizeof(uint32_t));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += s[i];
}

static void sha_init(struct sha256 *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
		0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->fill = 0;
	c->bytes = 0;
}

static void sha_update(struct sha256 *c, const uint8_t *p, size_t n)
{
	c->bytes += n;
	while (n--) {
		c->block[c->fill++] = *p++;
		if (c->fill == 64) {
			sha_block(c->h, c->block);
			c->fill = 0;
		}
	}
}

static void sha_final(struct sha256 *c, uint8_t out[32])
{
	uint64_t bits = c->bytes * 8;
	uint8_t pad = 0x80;

	sha_update(c, &pad, 1);
	pad = 0;
	while (c->fill != 56)
		sha_update(c, &pad, 1);
	for (int i = 7; i >= 0; i--) {
		uint8_t b = (uint8_t)(bits >> (8 * i));

		sha_update(c, &b, 1);
	}
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void sha_hex(const void *p, size_t n, char hex[65])
{
	struct sha256 c;
	uint8_t d[32];

	sha_init(&c);
	sha_update(&c, p, n);
	sha_final(&c, d);
	for (int i = 0; i < 32; i++)
		rt_snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

#define S(str) (const uint8_t *)(str), sizeof(str) - 1

static void test_vectors(void)
{
	char hex[65];

	CHECK_EQ(fnv32(S("")), 0x811c9dc5u);
	CHECK_EQ(fnv32(S("a")), 0xe40c292cu);
	CHECK_EQ(fnv64(S("a")), 0xaf63dc4c8601ec8cull);
	CHECK_EQ(crc32(S("123456789")), 0xcbf43926u);
	CHECK_EQ(crc32(S("")), 0);
	CHECK_EQ(adler32(S("Wikipedia")), 0x11e60398u);
	sha_hex(S(""), hex);
	CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			  "27ae41e4649b934ca495991b7852b855") == 0);
	sha_hex(S("abc"), hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
			  "b00361a396177a9cb410ff61f20015ad") == 0);
	sha_hex(S("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
		hex);
	CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
			  "a33ce45964ff2167f6ecedd419db06c1") == 0);
}

static uint8_t buf[65536];

static void test_buffer(void)
{
	uint64_t x = 0x243f6a8885a308d3ull;
	char hex[65];

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(x >> 56);
	}
	for (size_t n = 1; n <= sizeof(buf); n *= 4) {
		sha_hex(buf, n, hex);
		rt_printf("len %6lu fnv32 %08x fnv64 %016lx crc32 %08x "
			  "adler32 %08x\n  sha256 %s\n", n, fnv32(buf, n),
			  fnv64(buf, n), crc32(buf, n), adler32(buf, n), hex);
		rt_sig_add(crc32(buf, n));
	}
}

int main(void)
{
	crc_init();
	test_vectors();
	test_buffer();
	return rt_done("prog_hash");
}
