/* SPDX-License-Identifier: MIT */
/*
 * CPU benchmark, branchy code: a small stack-machine interpreter (switch
 * dispatch, data-dependent jumps) running a prime sieve and a Collatz
 * search, a binary search tree with random keys, and quicksort of random
 * data. Prints one checksum line.
 */
#include "rt.h"

#define ROUNDS 8

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, DIV2, JZ, JMP, LT, DUP, POP,
	  HALT };

struct insn {
	uint8_t op;
	int32_t arg;
};

/* vars: 0 = n, 1 = steps, 2 = total, 3 = i */
static const struct insn collatz[] = {
	/* 0 */ { PUSH, 1 }, { STORE, 3 }, { PUSH, 0 }, { STORE, 2 },
	/* 4: loop over i */ { LOAD, 3 }, { PUSH, 3000 }, { LT, 0 }, { JZ, 33 },
	/* 8 */ { LOAD, 3 }, { STORE, 0 }, { PUSH, 0 }, { STORE, 1 },
	/* 12: while n != 1 */ { LOAD, 0 }, { PUSH, 1 }, { SUB, 0 }, { JZ, 28 },
	/* 16 */ { LOAD, 0 }, { PUSH, 2 }, { MOD, 0 }, { JZ, 24 },
	/* 20: odd */ { LOAD, 0 }, { PUSH, 3 }, { MUL, 0 }, { JMP, 40 },
	/* 24: even */ { LOAD, 0 }, { DIV2, 0 }, { STORE, 0 }, { JMP, 43 },
	/* 28: done */ { LOAD, 2 }, { LOAD, 1 }, { ADD, 0 }, { JMP, 36 },
	/* 32 */ { HALT, 0 },
	/* 33 */ { LOAD, 2 }, { HALT, 0 }, { HALT, 0 },
	/* 36 */ { STORE, 2 }, { LOAD, 3 }, { PUSH, 1 }, { JMP, 46 },
	/* 40: n = 3n + 1 */ { PUSH, 1 }, { ADD, 0 }, { STORE, 0 },
	/* 43: steps++ */ { LOAD, 1 }, { PUSH, 1 }, { JMP, 49 },
	/* 46: i++ */ { ADD, 0 }, { STORE, 3 }, { JMP, 4 },
	/* 49 */ { ADD, 0 }, { STORE, 1 }, { JMP, 12 },
};

static int64_t run_vm(const struct insn *code)
{
	int64_t stack[32], vars[8] = { 0 };
	int sp = 0, pc = 0;

	for (;;) {
		const struct insn *i = &code[pc++];

		switch (i->op) {
		case PUSH: stack[sp++] = i->arg; break;
		case LOAD: stack[sp++] = vars[i->arg]; break;
		case STORE: vars[i->arg] = stack[--sp]; break;
		case ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
		case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
		case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
		case DIV2: stack[sp - 1] /= 2; break;
		case JZ: if (stack[--sp] == 0) pc = i->arg; break;
		case JMP: pc = i->arg; break;
		case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
		case DUP: stack[sp] = stack[sp - 1]; sp++; break;
		case POP: sp--; break;
		default: return sp ? stack[sp - 1] : -1;
		}
	}
}

struct tnode {
	uint32_t key, left, right;
};

#define TREE 4096
static struct tnode tree[TREE];

static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint64_t bench_tree(void)
{
	uint32_t used = 1;
	uint64_t found = 0;

	tree[0] = (struct tnode){ 0x80000000u, 0, 0 };
	for (int i = 0; i < TREE - 1; i++) {
		uint32_t k = rng(), n = 0;

		for (;;) {
			uint32_t *child = k < tree[n].key ? &tree[n].left
							  : &tree[n].right;
			if (!*child) {
				tree[used] = (struct tnode){ k, 0, 0 };
				*child = used++;
				break;
			}
			n = *child;
		}
	}
	for (int i = 0; i < 20000; i++) {
		uint32_t k = rng(), n = 0, depth = 0;

		while (n || depth == 0) {
			depth++;
			if (k == tree[n].key)
				break;
			n = k < tree[n].key ? tree[n].left : tree[n].right;
		}
		found += depth;
	}
	return found;
}

static int32_t arr[8192];

static void qsort_i32(int32_t *v, int lo, int hi)
{
	while (lo < hi) {
		int32_t p = v[(lo + hi) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i <= j) {
				int32_t t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			qsort_i32(v, lo, j);
			lo = i;
		} else {
			qsort_i32(v, i, hi);
			hi = j;
		}
	}
}

static uint64_t bench_sort(void)
{
	uint64_t h = 0;

	for (int i = 0; i < 8192; i++)
		arr[i] = (int32_t)rng();
	qsort_i32(arr, 0, 8191);
	for (int i = 0; i < 8192; i += 64)
		h = h * 33 + (uint32_t)arr[i];
	return h;
}

int main(void)
{
	uint64_t sum = 0;

	for (int r = 0; r < ROUNDS; r++) {
		sum = sum * 3 + (uint64_t)run_vm(collatz);
		sum = sum * 3 + bench_tree();
		sum = sum * 3 + bench_sort();
	}
	rt_printf("bench_branch: checksum %016lx\n", sum);
	return 0;
}
