/* SPDX-License-Identifier: MIT */
/*
 * The C side of trap handling, shared by the M- and S-level entries of
 * crt.S: an optional hook, the end of an rt_run_at() call, expected
 * exceptions (recorded and skipped), and a loud failure for anything else.
 */
#include "rt.h"

volatile struct rt_trap rt_last_trap;
int (*volatile rt_trap_hook)(struct rt_frame *f, int level);
static volatile int armed;

void rt_trap_expect(void)
{
	rt_last_trap.cause = 0;
	rt_last_trap.epc = 0;
	rt_last_trap.tval = 0;
	rt_last_trap.from = -1;
	rt_last_trap.level = -1;
	rt_last_trap.count = 0;
	__asm__ volatile("" ::: "memory");
	armed = 1;
}

void rt_trap_disarm(void)
{
	armed = 0;
	__asm__ volatile("" ::: "memory");
}

long rt_run_in_mode(int priv, long (*fn)(long), long arg)
{
	return rt_run_at(priv, (uintptr_t)fn, arg, (uintptr_t)rt_lower_stack_top,
			 (uintptr_t)rt_lower_return);
}

/*
 * The first halfword of the instruction at @epc, read the way the trapped
 * code saw it: M reads a translated lower-mode pc through MPRV; S reads
 * user pages with SUM set.
 */
static uint16_t insn_at(uint64_t epc, const struct rt_frame *f, int level)
{
	unsigned long h;

	if (level == RT_PRIV_M && ((f->status >> 11) & 3) != RT_PRIV_M &&
	    (csr_read(satp) >> 60) != 0) {
		/* one block: with MPRV set, no other access may come between */
		__asm__ volatile("csrs mstatus, %1\nlhu %0, 0(%2)\n"
				 "csrc mstatus, %1"
				 : "=&r"(h) : "r"(MSTATUS_MPRV), "r"(epc)
				 : "memory");
		return (uint16_t)h;
	}
	if (level == RT_PRIV_S) {
		__asm__ volatile("csrs sstatus, %1\nlhu %0, 0(%2)\n"
				 "csrc sstatus, %1"
				 : "=&r"(h) : "r"(MSTATUS_SUM), "r"(epc)
				 : "memory");
		return (uint16_t)h;
	}
	return *(volatile uint16_t *)epc;
}

static int is_fetch_fault(uint64_t cause)
{
	return cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS ||
	       cause == CAUSE_FETCH_PAGE;
}

static void record_and_skip(struct rt_frame *f, int level)
{
	rt_last_trap.cause = f->cause;
	rt_last_trap.epc = f->epc;
	rt_last_trap.tval = f->tval;
	rt_last_trap.from = level == RT_PRIV_M ? (int)((f->status >> 11) & 3)
					       : (int)((f->status >> 8) & 1);
	rt_last_trap.level = level;
	rt_last_trap.count++;
	armed = 0;
	if (is_fetch_fault(f->cause))
		f->epc = f->x[1];
	else
		f->epc += (insn_at(f->epc, f, level) & 3) == 3 ? 4 : 2;
}

static __attribute__((noreturn)) void unexpected(const struct rt_frame *f,
						 int level)
{
	int from = level == RT_PRIV_M ? (int)((f->status >> 11) & 3)
				      : (int)((f->status >> 8) & 1);

	rt_printf("unexpected trap at level %c from %c: cause=0x%lx epc=0x%lx "
		  "tval=0x%lx ra=0x%lx sp=0x%lx\n", "US?M"[level], "US?M"[from],
		  f->cause, f->epc, f->tval, f->x[1], f->x[2]);
	rt_exit(255);
}

/*
 * rt_trap_dispatch - called by crt.S with the saved @f of a trap taken at
 * @level; returns 0 to resume (after xRET) or 1 to end rt_run_at().
 */
int rt_trap_dispatch(struct rt_frame *f, int level);

int rt_trap_dispatch(struct rt_frame *f, int level)
{
	int (*hook)(struct rt_frame *, int) = rt_trap_hook;

	if (hook && hook(f, level))
		return 0;
	if ((f->cause == CAUSE_ECALL_U || f->cause == CAUSE_ECALL_S) &&
	    f->x[17] == RT_ECALL_EXIT_MODE)
		return 1;
	if (armed && !(f->cause & CAUSE_INTR)) {
		record_and_skip(f, level);
		return 0;
	}
	unexpected(f, level);
}
