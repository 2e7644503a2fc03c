/* SPDX-License-Identifier: MIT */
/*
 * Self-checking support: counts checks, remembers the first failure and
 * folds every computed value into an FNV-1a signature, so that a program's
 * last line says both "all passed" and "computed these values" in a form
 * two implementations can compare.
 */
#include "rt.h"

static uint64_t sig = 0xcbf29ce484222325ull;
static int checks, failures, first_failure;

void rt_sig_add(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		sig ^= (v >> (8 * i)) & 0xff;
		sig *= 0x100000001b3ull;
	}
}

uint64_t rt_sig(void)
{
	return sig;
}

static void fail(int line, const char *expr)
{
	failures++;
	if (!first_failure)
		first_failure = checks;
	rt_printf("FAIL check #%d (line %d): %s", checks, line, expr);
}

void rt_check(int line, const char *expr, int ok)
{
	checks++;
	rt_sig_add((uint64_t)ok);
	if (!ok) {
		fail(line, expr);
		rt_putc('\n');
	}
}

void rt_check_eq(int line, const char *expr, uint64_t got, uint64_t want)
{
	checks++;
	rt_sig_add(got);
	if (got != want) {
		fail(line, expr);
		rt_printf(" = 0x%lx, expected 0x%lx\n", got, want);
	}
}

void rt_check_trap(int line, uint64_t cause, uint64_t tval, int level)
{
	const volatile struct rt_trap *t = &rt_last_trap;
	int ok = t->count == 1 && t->cause == cause && t->level == level &&
		 (tval == RT_ANY || t->tval == tval);

	checks++;
	rt_sig_add(t->cause);
	rt_sig_add(tval == RT_ANY ? 0 : t->tval);
	if (!ok) {
		fail(line, "trap");
		rt_printf(": got %d trap(s), cause 0x%lx tval 0x%lx level %d; "
			  "expected cause 0x%lx tval 0x%lx level %d\n",
			  t->count, t->cause, t->tval, t->level, cause,
			  tval, level);
	}
	rt_trap_disarm();
}

int rt_done(const char *name)
{
	if (failures) {
		rt_printf("%s: FAILED %d of %d checks, first #%d\n", name,
			  failures, checks, first_failure);
		return first_failure;
	}
	rt_printf("%s: %d checks ok sig=%016lx\n", name, checks, sig);
	return 0;
}
