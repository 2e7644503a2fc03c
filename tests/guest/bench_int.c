/* SPDX-License-Identifier: MIT */
/*
 * CPU benchmark, integer: a CoreMark-like mix written for Tessera (linked
 * list search/reverse/sort, small integer matrix kernels, a number-parsing
 * state machine) repeated ITERS times, all results folded into a CRC. Only
 * the checksum line is printed; bench/cpu.sh times the whole run.
 */
#include "rt.h"

#define ITERS 2400
#define NODES 800
#define MAT 24

struct node {
	struct node *next;
	int32_t data;
	int32_t idx;
};

static struct node pool[NODES];
static uint16_t crc;

static void crc_word(uint32_t v)
{
	for (int i = 0; i < 32; i++) {
		int bit = ((v >> i) ^ crc) & 1;

		crc >>= 1;
		if (bit)
			crc ^= 0xa001;
	}
}

static struct node *list_build(uint32_t seed)
{
	for (int i = 0; i < NODES; i++) {
		seed = seed * 1664525u + 1013904223u;
		pool[i].data = (int32_t)(seed >> 16) & 0x7fff;
		pool[i].idx = i;
		pool[i].next = i + 1 < NODES ? &pool[i + 1] : NULL;
	}
	return &pool[0];
}

static struct node *list_reverse(struct node *l)
{
	struct node *prev = NULL;

	while (l) {
		struct node *n = l->next;

		l->next = prev;
		prev = l;
		l = n;
	}
	return prev;
}

static struct node *list_merge(struct node *a, struct node *b)
{
	struct node head, *t = &head;

	while (a && b) {
		if (a->data <= b->data) {
			t->next = a;
			a = a->next;
		} else {
			t->next = b;
			b = b->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

static struct node *list_sort(struct node *l)
{
	struct node *slow = l, *fast, *b;

	if (!l || !l->next)
		return l;
	for (fast = l->next; fast && fast->next; fast = fast->next->next)
		slow = slow->next;
	b = slow->next;
	slow->next = NULL;
	return list_merge(list_sort(l), list_sort(b));
}

static int32_t list_find(struct node *l, int32_t v)
{
	for (int32_t pos = 0; l; l = l->next, pos++)
		if (l->data == v)
			return pos;
	return -1;
}

static void bench_list(uint32_t seed)
{
	struct node *l = list_build(seed);

	for (int k = 0; k < 8; k++)
		crc_word((uint32_t)list_find(l, (int32_t)(k * 4099) & 0x7fff));
	l = list_reverse(l);
	crc_word((uint32_t)l->idx);
	l = list_sort(l);
	for (int i = 0; l && i < NODES; i += 97, l = l->next)
		crc_word((uint32_t)l->data);
}

static int16_t ma[MAT][MAT], mb[MAT][MAT];
static int32_t mc[MAT][MAT];

static void bench_matrix(uint32_t seed)
{
	for (int i = 0; i < MAT; i++)
		for (int j = 0; j < MAT; j++) {
			seed = seed * 1103515245u + 12345u;
			ma[i][j] = (int16_t)((seed >> 8) & 0xff) - 128;
			mb[i][j] = (int16_t)((seed >> 20) & 0xff) - 128;
		}
	for (int i = 0; i < MAT; i++)
		for (int j = 0; j < MAT; j++) {
			int32_t s = 0;

			for (int k = 0; k < MAT; k++)
				s += ma[i][k] * mb[k][j];
			mc[i][j] = s;
		}
	for (int i = 0; i < MAT; i++) {
		int32_t acc = 0;

		for (int j = 0; j < MAT; j++)
			acc += (mc[i][j] >> 3) & 0x7f ? mc[i][j] : -mc[i][j];
		crc_word((uint32_t)acc);
	}
}

enum state { START, INT, FRAC, EXP_SIGN, EXP, BAD };

static enum state step(enum state s, char c)
{
	int digit = c >= '0' && c <= '9';

	switch (s) {
	case START:
		return digit || c == '-' ? INT : BAD;
	case INT:
		return digit ? INT : c == '.' ? FRAC : c == 'e' ? EXP_SIGN : BAD;
	case FRAC:
		return digit ? FRAC : c == 'e' ? EXP_SIGN : BAD;
	case EXP_SIGN:
		return digit || c == '-' ? EXP : BAD;
	case EXP:
		return digit ? EXP : BAD;
	default:
		return BAD;
	}
}

static void bench_state(uint32_t seed)
{
	static const char alphabet[] = "0123456789.e-0123456789";
	uint32_t counts[6] = { 0 };
	char tok[12];

	for (int t = 0; t < 400; t++) {
		enum state s = START;
		int n = 1 + t % 11;

		for (int i = 0; i < n; i++) {
			seed = seed * 69069u + 1u;
			tok[i] = alphabet[(seed >> 24) % (sizeof(alphabet) - 1)];
		}
		for (int i = 0; i < n && s != BAD; i++)
			s = step(s, tok[i]);
		counts[s]++;
	}
	for (int i = 0; i < 6; i++)
		crc_word(counts[i]);
}

int main(void)
{
	for (uint32_t it = 0; it < ITERS; it++) {
		bench_list(it * 7 + 1);
		bench_matrix(it * 13 + 5);
		bench_state(it * 17 + 3);
	}
	rt_printf("bench_int: checksum %04x\n", crc);
	return 0;
}
