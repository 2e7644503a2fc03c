/* SPDX-License-Identifier: MIT */
/*
 * A miniature operating system, to exercise what Linux leans on all at
 * once: three user tasks under Sv39, each with its own address space (same
 * virtual addresses, different physical pages, satp switched with an
 * sfence.vma), an S-mode "kernel" living in the S trap hook that serves
 * system calls (ecall from U, delegated), fills demand-zero pages on page
 * faults (delegated), and preempts tasks on a timer tick that M forwards as
 * a supervisor software interrupt (the SBI way). Tasks run a sieve on their
 * demand-paged heap; what they compute does not depend on where they were
 * preempted, so the output is deterministic.
 */
#include "isa.h"

#define NTASK     3
#define U_ALIAS   0x180000000ul
#define U_OFF     (U_ALIAS - RT_RAM_BASE)
#define PRIV_VA   0x40000000ul           /* per-task data page */
#define STACK_VA  0x41000000ul           /* per-task stack, 2 pages */
#define HEAP_VA   0x50000000ul           /* demand-zero, 64 KiB */
#define HEAP_SIZE 0x10000ul
#define TICK      3000                   /* mtime units: 300 us */

enum { SYS_PUT = 1, SYS_YIELD, SYS_EXIT };

struct task {
	uint64_t x[32];
	uint64_t epc;
	uint64_t *root;
	uint64_t satp;
	uint64_t result, faults, puts;
	int done;
};

static struct task tasks[NTASK];
static int current, finished;
static uint8_t frames[NTASK * 24][4096] __attribute__((aligned(4096)));
static int next_frame;

static void *frame_alloc(void)
{
	void *p = next_frame < NTASK * 24 ? frames[next_frame++] : NULL;

	if (p)
		memset(p, 0, 4096);
	return p;
}

/* ---- user side: runs in U from the user alias of RAM ---- */

static long sys(long n, long a0)
{
	register long r0 __asm__("a0") = a0;
	register long r7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(r0) : "r"(r7) : "memory");
	return r0;
}

static void task_main(long id)
{
	volatile uint8_t *heap = (volatile uint8_t *)HEAP_VA;
	volatile uint64_t *priv = (volatile uint64_t *)PRIV_VA;
	long limit = 20000 + 15000 * id, count = 0;

	priv[0] = (uint64_t)id * 1000;
	for (long i = 2; i < limit; i++) {
		if (heap[i])
			continue;
		count++;
		for (long j = i * i; j < limit; j += i)
			heap[j] = 1;
		if (count % 500 == 0)
			sys(SYS_YIELD, 0);
	}
	sys(SYS_PUT, count);
	sys(SYS_PUT, (long)priv[0]);
	sys(SYS_EXIT, count * 7 + id);
}

/* ---- kernel side: S-mode, in the trap hook ---- */

static void save(struct task *t, const struct rt_frame *f)
{
	memcpy(t->x, f->x, sizeof(t->x));
	t->epc = f->epc;
}

static void load(const struct task *t, struct rt_frame *f)
{
	memcpy(f->x, t->x, sizeof(t->x));
	f->epc = t->epc;
	f->status &= ~MSTATUS_SPP;              /* back to U */
	f->status |= MSTATUS_SPIE;
	csr_write(satp, t->satp);
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Switch to the next live task, or leave for M when all are done. */
static void schedule(struct rt_frame *f)
{
	for (int k = 1; k <= NTASK; k++) {
		int n = (current + k) % NTASK;

		if (!tasks[n].done) {
			current = n;
			load(&tasks[n], f);
			return;
		}
	}
	/* all done: U jumps to rt_lower_return, whose ecall ends rt_run_at */
	f->epc = (uintptr_t)rt_lower_return + U_OFF;
	f->x[10] = finished;
}

static void do_syscall(struct rt_frame *f)
{
	struct task *t = &tasks[current];

	f->epc += 4;
	switch (f->x[17]) {
	case SYS_PUT:
		t->puts = t->puts * 1000003 + f->x[10];
		break;
	case SYS_YIELD:
		save(t, f);
		schedule(f);
		break;
	case SYS_EXIT:
		t->result = f->x[10];
		t->done = 1;
		finished++;
		schedule(f);
		break;
	default:
		f->x[10] = (uint64_t)-1;
	}
}

static int do_fault(struct rt_frame *f)
{
	struct task *t = &tasks[current];
	uint64_t va = f->tval & ~0xffful;
	void *page;

	if (va < HEAP_VA || va >= HEAP_VA + HEAP_SIZE || !(page = frame_alloc()))
		return 0;
	rt_pt_map(t->root, RT_SATP_SV39, va, (uintptr_t)page, 0,
		  PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	__asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
	t->faults++;
	return 1;
}

static int kernel(struct rt_frame *f, int level)
{
	if (level == RT_PRIV_M) {
		if (f->cause != (CAUSE_INTR | IRQ_M_TIMER))
			return 0;
		*RT_MTIMECMP = *RT_MTIME + TICK;    /* forward as SSIP */
		csr_set(mip, 1ul << IRQ_S_SOFT);
		return 1;
	}
	if (f->cause == (CAUSE_INTR | IRQ_S_SOFT)) {
		csr_clear(sip, 1ul << IRQ_S_SOFT);
		save(&tasks[current], f);
		schedule(f);
		return 1;
	}
	if (f->cause == CAUSE_ECALL_U && f->x[17] != RT_ECALL_EXIT_MODE) {
		do_syscall(f);
		return 1;
	}
	if (f->cause == CAUSE_LOAD_PAGE || f->cause == CAUSE_STORE_PAGE)
		return do_fault(f);
	return 0;
}

/* ---- setup, in M ---- */

static void make_task(int id)
{
	struct task *t = &tasks[id];
	uint8_t *priv = frame_alloc(), *stack = frame_alloc();

	t->root = rt_pt_alloc();
	rt_pt_identity(t->root, RT_SATP_SV39);
	rt_pt_map(t->root, RT_SATP_SV39, U_ALIAS, RT_RAM_BASE, 2,
		  PTE_R | PTE_X | PTE_U | PTE_A | PTE_D);
	rt_pt_map(t->root, RT_SATP_SV39, PRIV_VA, (uintptr_t)priv, 0,
		  PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	rt_pt_map(t->root, RT_SATP_SV39, STACK_VA, (uintptr_t)stack, 0,
		  PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	rt_pt_map(t->root, RT_SATP_SV39, STACK_VA + 0x1000,
		  (uintptr_t)frame_alloc(), 0,
		  PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	t->satp = rt_satp(RT_SATP_SV39, t->root) | (uint64_t)(id + 1) << 44;
	t->epc = (uintptr_t)task_main + U_OFF;
	t->x[2] = STACK_VA + 0x2000;               /* sp */
	t->x[1] = (uintptr_t)rt_lower_return + U_OFF;
	t->x[10] = (uint64_t)id;
}

int main(void)
{
	long done;

	rt_pt_reset();
	for (int i = 0; i < NTASK; i++)
		make_task(i);
	rt_trap_hook = kernel;
	csr_write(medeleg, 1ul << CAUSE_ECALL_U | 1ul << CAUSE_LOAD_PAGE |
			   1ul << CAUSE_STORE_PAGE);
	csr_write(mideleg, 1ul << IRQ_S_SOFT);
	csr_write(mie, 1ul << IRQ_M_TIMER | 1ul << IRQ_S_SOFT);
	csr_write(satp, tasks[0].satp);
	__asm__ volatile("sfence.vma" ::: "memory");
	*RT_MTIMECMP = *RT_MTIME + TICK;
	done = rt_run_at(RT_PRIV_U, tasks[0].epc, 0, tasks[0].x[2],
			 tasks[0].x[1]);
	*RT_MTIMECMP = ~0ul;
	csr_write(mie, 0);
	csr_write(satp, 0);
	csr_write(medeleg, 0);
	csr_write(mideleg, 0);
	rt_trap_hook = NULL;
	CHECK_EQ(done, NTASK);
	for (int i = 0; i < NTASK; i++) {
		rt_printf("task %d: result %lu faults %lu puts %016lx\n", i,
			  tasks[i].result, tasks[i].faults, tasks[i].puts);
		rt_sig_add(tasks[i].result);
	}
	CHECK_EQ(tasks[0].result, 2262 * 7 + 0);   /* primes below 20000 */
	CHECK_EQ(tasks[1].result, 3732 * 7 + 1);   /* below 35000 */
	CHECK_EQ(tasks[2].result, 5133 * 7 + 2);   /* below 50000 */
	return rt_done("prog_minios");
}
