/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal runtime shared by every riscv64 guest test program.
 *
 * Programs run from 0x8000_0000 in M-mode on the "virt" board (Tessera's and
 * QEMU's agree on the addresses used here): crt.S sets up the stacks, the
 * FPU and a trap vector, calls main() and powers off through the sifive test
 * finisher with main's return value. This header gives console output, a
 * small printf, self-checking helpers that build a signature, a framework
 * for tests that expect traps, helpers that run code in S- or U-mode, and
 * Sv39/Sv48 page-table builders. There is no libc: the few string functions
 * the compiler may call are in string.c.
 *
 * The external symbols carry the prefix rt_ (the guest runtime's module
 * prefix); the parts shared with assembly sit outside __ASSEMBLER__.
 */
#ifndef TESSERA_GUEST_RT_H
#define TESSERA_GUEST_RT_H

/* Board addresses, identical under Tessera and qemu-system-riscv64 -M virt. */
#define RT_FINISHER_BASE 0x100000
#define RT_CLINT_BASE    0x2000000
#define RT_UART_BASE     0x10000000
#define RT_RAM_BASE      0x80000000

/* a7 value of the ecall that ends rt_run_at()'s lower-privilege call. */
#define RT_ECALL_EXIT_MODE 0x7e5e

/* Trap frame layout: x0..x31, then the trap CSRs of the level taking it. */
#define RT_FRAME_EPC    256
#define RT_FRAME_CAUSE  264
#define RT_FRAME_TVAL   272
#define RT_FRAME_STATUS 280
#define RT_FRAME_SIZE   288

/* Privilege levels as encoded in mstatus.MPP and in rt_run_at(). */
#define RT_PRIV_U 0
#define RT_PRIV_S 1
#define RT_PRIV_M 3

/* mstatus bits. */
#define MSTATUS_SIE  (1ul << 1)
#define MSTATUS_MIE  (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP  (1ul << 8)
#define MSTATUS_MPP  (3ul << 11)
#define MSTATUS_FS   (3ul << 13)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM  (1ul << 18)
#define MSTATUS_MXR  (1ul << 19)
#define MSTATUS_TVM  (1ul << 20)
#define MSTATUS_TW   (1ul << 21)
#define MSTATUS_TSR  (1ul << 22)
#define MSTATUS_SD   (1ul << 63)

/* Exception causes. */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15

/* Interrupt numbers (mcause with bit 63 set; bit positions in mip/mie). */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define CAUSE_INTR  (1ul << 63)

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RT_STR_(x) #x
#define RT_STR(x)  RT_STR_(x)

#define csr_read(csr) ({ unsigned long v_; \
	__asm__ volatile("csrr %0, " RT_STR(csr) : "=r"(v_)); v_; })
#define csr_write(csr, val) ({ unsigned long w_ = (unsigned long)(val); \
	__asm__ volatile("csrw " RT_STR(csr) ", %0" :: "rK"(w_) : "memory"); })
#define csr_set(csr, val) ({ unsigned long w_ = (unsigned long)(val); \
	__asm__ volatile("csrs " RT_STR(csr) ", %0" :: "rK"(w_) : "memory"); })
#define csr_clear(csr, val) ({ unsigned long w_ = (unsigned long)(val); \
	__asm__ volatile("csrc " RT_STR(csr) ", %0" :: "rK"(w_) : "memory"); })
#define csr_swap(csr, val) ({ unsigned long w_ = (unsigned long)(val), v_; \
	__asm__ volatile("csrrw %0, " RT_STR(csr) ", %1" \
			 : "=r"(v_) : "rK"(w_) : "memory"); v_; })

/* ---- console, exit (uart.c) ---- */

/* rt_putc - write one byte to UART0; '\n' is sent as is (no CR added). */
void rt_putc(int c);
/* rt_puts - write a NUL-terminated string, no newline appended. */
void rt_puts(const char *s);
/*
 * rt_exit - power off through the test finisher: 0 passes, any other value
 * fails with that code (capped to 255 so that it survives a host exit status).
 * Never returns.
 */
__attribute__((noreturn)) void rt_exit(int code);

/* ---- formatting (printf.c): %d %i %u %x %X %p %s %c %%, flags '-' '0',
 * a width, and the length modifiers l, ll, z. ---- */

/* rt_printf - format to the UART; returns the number of bytes written. */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * rt_snprintf - format into @buf of @size bytes, always NUL-terminated when
 * @size > 0; returns the length the full output would have had.
 */
int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* rt_vsnprintf - rt_snprintf with a va_list. */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/*
 * rt_fmt_fixed - write @v in decimal with @decimals digits after the point
 * (0..9), rounding half away from zero, into @buf of @size bytes. Values
 * beyond +-9e15 / 10^decimals, NaN and infinities print as "big", "nan",
 * "inf". Uses only integer arithmetic after one FP multiply and conversion,
 * so two implementations that compute @v identically print identically.
 */
int rt_fmt_fixed(char *buf, size_t size, double v, int decimals);

/* ---- self-checking (check.c) ---- */

/*
 * Every check folds the value it computed into a running FNV-1a hash (the
 * signature) and counts; a failing check prints its line, expression and
 * values. rt_done() prints "<name>: <n> checks ok sig=<hash>" or a FAILED
 * line and returns the exit code for main: 0, or the number of the first
 * failing check.
 */
void rt_check(int line, const char *expr, int ok);
void rt_check_eq(int line, const char *expr, uint64_t got, uint64_t want);
/* rt_sig_add - fold @v into the signature without counting a check. */
void rt_sig_add(uint64_t v);
uint64_t rt_sig(void);
int rt_done(const char *name);

#define CHECK(cond)          rt_check(__LINE__, #cond, (cond) != 0)
#define CHECK_EQ(got, want)  rt_check_eq(__LINE__, #got, \
					 (uint64_t)(got), (uint64_t)(want))

/* ---- traps (trap.c, crt.S) ---- */

/* The registers of the interrupted context, as saved by crt.S. */
struct rt_frame {
	uint64_t x[32];
	uint64_t epc, cause, tval, status;
};

/* What the last expected trap looked like. */
struct rt_trap {
	uint64_t cause, epc, tval;
	int from;   /* privilege the trap came from (MPP or SPP) */
	int level;  /* RT_PRIV_M or RT_PRIV_S: who took it */
	int count;  /* expected traps taken since rt_trap_expect() */
};

extern volatile struct rt_trap rt_last_trap;

/*
 * rt_trap_hook - if set, called first for every trap at either level; it
 * returns nonzero when it handled the trap (and may edit @f, including
 * f->epc and f->status, which are written back before xRET).
 */
extern int (*volatile rt_trap_hook)(struct rt_frame *f, int level);

/*
 * rt_trap_expect - arm the default handler for exactly one synchronous
 * exception: it is recorded in rt_last_trap and the faulting instruction is
 * skipped; an instruction-fetch fault resumes at the return address (ra), so
 * provoke those by calling the bad address. A second trap is unexpected.
 */
void rt_trap_expect(void);
/* rt_trap_disarm - cancel rt_trap_expect() if no trap came. */
void rt_trap_disarm(void);

/*
 * rt_check_trap - a check that exactly one expected trap with @cause was
 * taken at privilege @level; @tval is compared unless it is RT_ANY.
 */
#define RT_ANY (~0ul)
void rt_check_trap(int line, uint64_t cause, uint64_t tval, int level);
#define CHECK_TRAP(cause, tval) \
	rt_check_trap(__LINE__, (cause), (tval), RT_PRIV_M)
#define CHECK_TRAP_S(cause, tval) \
	rt_check_trap(__LINE__, (cause), (tval), RT_PRIV_S)
#define CHECK_NO_TRAP() rt_check(__LINE__, "no trap", rt_last_trap.count == 0)

/*
 * mscratch and sscratch hold the top of the M and S trap stacks: a test that
 * writes them must restore them before the next trap.
 */

/* Entry points in crt.S, for code that installs its own vectors. */
void rt_mtrap_entry(void);
void rt_strap_entry(void);
void rt_lower_return(void);
extern char rt_lower_stack_top[];

/*
 * rt_run_at - run @pc at privilege @priv (U or S) with a0 = @arg, sp = @sp
 * and ra = @ret, by MRET from M-mode; returns, in M-mode, the a0 that the
 * lower code passes to an "ecall" with a7 = RT_ECALL_EXIT_MODE (what
 * rt_lower_return does). M-mode only, not reentrant. mstatus.MIE is put
 * back as it was; the rest of mstatus is left as the lower code left it.
 */
long rt_run_at(int priv, uintptr_t pc, long arg, uintptr_t sp, uintptr_t ret);
/* rt_run_in_mode - rt_run_at with the runtime's lower stack and return. */
long rt_run_in_mode(int priv, long (*fn)(long), long arg);

/* ---- page tables (pt.c) ---- */

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)

#define RT_SATP_SV39 8ul
#define RT_SATP_SV48 9ul

/* rt_pt_reset - forget every page table; allocation restarts the pool. */
void rt_pt_reset(void);
/* rt_pt_alloc - a zeroed 4 KiB page-table page from a static pool, or NULL. */
uint64_t *rt_pt_alloc(void);
/*
 * rt_pt_map - map @va to @pa in the tree under @root for @mode (Sv39/Sv48)
 * with a leaf at @level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB) and the
 * PTE bits @flags (PTE_V is added). Intermediate tables come from the pool.
 * @pa is not checked for alignment, so tests can build misaligned
 * superpages. Returns 0, or -1 when the pool is empty or the walk meets a
 * leaf above @level.
 */
int rt_pt_map(uint64_t *root, unsigned long mode, uint64_t va, uint64_t pa,
	      int level, uint64_t flags);
/*
 * rt_pt_entry - the address of the PTE that maps @va at @level, or NULL if
 * the walk stops before reaching it.
 */
uint64_t *rt_pt_entry(uint64_t *root, unsigned long mode, uint64_t va,
		      int level);
/* rt_satp - the satp value for @mode, @root and ASID 0. */
uint64_t rt_satp(unsigned long mode, uint64_t *root);
/*
 * rt_pt_identity - map the MMIO gigapage (0..1 GiB) and the RAM gigapage
 * (1..2 GiB from 0x8000_0000) one to one, supervisor-only, RWX, A and D set.
 */
int rt_pt_identity(uint64_t *root, unsigned long mode);

/* ---- memory (string.c) ---- */

/* rt_sbrk - @n bytes (16-byte aligned) above the program image, never freed,
 * not cleared; NULL when RAM (128 MiB, QEMU's default) would be exceeded. */
void *rt_sbrk(size_t n);

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);

/* ---- CLINT ---- */

#define RT_MTIME    ((volatile uint64_t *)(RT_CLINT_BASE + 0xbff8))
#define RT_MTIMECMP ((volatile uint64_t *)(RT_CLINT_BASE + 0x4000))
#define RT_MSIP     ((volatile uint32_t *)(RT_CLINT_BASE + 0x0))

#endif /* __ASSEMBLER__ */
#endif
