/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of one hart's guest memory access (mmu/access.h, walk.h,
 * pmp.h, tlb.h): page tables are built by hand in a RAM buffer, and every
 * expectation comes from the privileged spec (v1.12), not from running the
 * code under test.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/access.h"
#include "mmu/pmp.h"
#include "mmu/walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (8ull << 20)
#define PT_BASE  (RAM_BASE + (7ull << 20))   /* page tables in the last MiB */
#define IO_BASE  0x10000000ull
#define IO_SIZE  0x1000ull

#define SV39 MMU_SATP_MODE_SV39
#define SV48 MMU_SATP_MODE_SV48
#define V MMU_PTE_V
#define R MMU_PTE_R
#define W MMU_PTE_W
#define X MMU_PTE_X
#define U MMU_PTE_U
#define A MMU_PTE_A
#define D MMU_PTE_D
#define RW (R | W | A | D)

#define NAPOT(cfg) (MMU_PMP_A_NAPOT << MMU_PMP_A_SHIFT | (cfg))
#define TOR(cfg)   (MMU_PMP_A_TOR << MMU_PMP_A_SHIFT | (cfg))
#define NA4(cfg)   (MMU_PMP_A_NA4 << MMU_PMP_A_SHIFT | (cfg))

static struct vcpu_state st;
static uint8_t *ram;
static struct mmu_hart *m;
static uint64_t pt_next;
static int levels;
static uint64_t root;

static struct {
	int calls;
	uint64_t addr, pc;
	int access, cause;
} pf;

static struct {
	int calls;
	uint64_t pa, val, reg;
	unsigned size;
	int is_write;
} io;

static void on_pf(void *opaque, uint64_t addr, uint64_t pc, int access,
		  int cause)
{
	(void)opaque;
	pf.calls++;
	pf.addr = addr;
	pf.pc = pc;
	pf.access = access;
	pf.cause = cause;
}

/* One device register file at IO_BASE; nothing anywhere else. */
static int on_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
		   uint64_t *val)
{
	(void)opaque;
	if (pa < IO_BASE || pa - IO_BASE >= IO_SIZE)
		return -ENODEV;
	io.calls++;
	io.pa = pa;
	io.size = size;
	io.is_write = is_write;
	if (is_write)
		io.reg = io.val = *val;
	else
		*val = io.reg | 0xdead000000000000ull;  /* junk above size */
	return 0;
}

static void *host(uint64_t pa)
{
	return ram + (pa - RAM_BASE);
}

static uint64_t rd64(uint64_t pa)
{
	uint64_t v;

	memcpy(&v, host(pa), 8);
	return v;
}

static void wr64(uint64_t pa, uint64_t v)
{
	memcpy(host(pa), &v, 8);
}

static void set_priv(unsigned priv)
{
	st.priv = priv;
	mmu_sync_ctx(m);
}

static void set_mstatus(uint64_t bits, int on)
{
	if (on)
		st.mstatus |= bits;
	else
		st.mstatus &= ~bits;
	mmu_sync_ctx(m);
}

static void pmp_open_all(void)
{
	ck_assert_int_eq(mmu_pmp_write_addr(m, 0, ~0ull), 0);
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, NAPOT(7)), 0);
}

static void setup(void)
{
	struct mmu_hart_config cfg = { 0 };

	ck_assert_int_eq(posix_memalign((void **)&ram, 4096, RAM_SIZE), 0);
	for (uint64_t i = 0; i < RAM_SIZE; i += 8)
		wr64(RAM_BASE + i, RAM_BASE + i);   /* each word its address */
	memset(&st, 0, sizeof(st));
	st.priv = VCPU_PRIV_M;
	st.pc = 0x80001234;
	cfg.state = &st;
	cfg.ram = ram;
	cfg.ram_base = RAM_BASE;
	cfg.ram_size = RAM_SIZE;
	cfg.mmio = on_mmio;
	cfg.on_page_fault = on_pf;
	m = mmu_hart_new(&cfg);
	ck_assert_ptr_nonnull(m);
	memset(&pf, 0, sizeof(pf));
	memset(&io, 0, sizeof(io));
	pt_next = PT_BASE;
	pmp_open_all();
}

static void teardown(void)
{
	mmu_hart_destroy(&m);
	ck_assert_ptr_null(m);
	free(ram);
}

/* ---- page-table builder ---- */

static uint64_t pt_new(void)
{
	uint64_t pa = pt_next;

	pt_next += 4096;
	memset(host(pa), 0, 4096);
	return pa;
}

static void vm_on(uint64_t mode)
{
	levels = mode == SV39 ? 3 : 4;
	root = pt_new();
	ck_assert_int_eq(mmu_satp_write(m, mode << MMU_SATP_MODE_SHIFT |
					root >> 12), 0);
}

/* PA of the PTE for @va at @level, creating tables above it. */
static uint64_t pte_pa(uint64_t va, int level)
{
	uint64_t table = root;

	for (int l = levels - 1; l > level; l--) {
		uint64_t e = table + ((va >> (12 + 9 * l)) & 511) * 8;
		uint64_t pte = rd64(e);

		if (!(pte & V)) {
			pte = (pt_new() >> 12) << 10 | V;
			wr64(e, pte);
		}
		table = (pte >> 10) << 12;
	}
	return table + ((va >> (12 + 9 * level)) & 511) * 8;
}

static uint64_t map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	uint64_t e = pte_pa(va, level);

	wr64(e, (pa >> 12) << 10 | flags | V);
	return e;
}

#define LOAD_OK(va, size, expect) do { \
	uint64_t v_ = 0; \
	ck_assert_int_eq(mmu_load(m, (va), (size), &v_), 0); \
	ck_assert_uint_eq(v_, (expect)); \
} while (0)

#define FAULTS(call, c, tv) do { \
	ck_assert_int_eq((call), -EFAULT); \
	ck_assert_uint_eq(m->fault.cause, (c)); \
	ck_assert_uint_eq(m->fault.tval, (tv)); \
} while (0)

#define LOAD_FAULT(va, size, c) do { \
	uint64_t v_ = 0x5e5e; \
	FAULTS(mmu_load(m, (va), (size), &v_), (c), (va)); \
} while (0)

#define STORE_FAULT(va, size, c) \
	FAULTS(mmu_store(m, (va), (size), 0x77), (c), (va))

#define FETCH_FAULT(va, c) do { \
	uint32_t i_; \
	FAULTS(mmu_fetch_insn(m, (va), &i_), (c), (va)); \
} while (0)

/* ---- configuration ---- */

START_TEST(test_new_rejects_bad_config)
{
	struct mmu_hart_config cfg = { .state = &st, .ram = ram,
				       .ram_base = RAM_BASE + 8,
				       .ram_size = RAM_SIZE };
	struct mmu_hart *bad;

	errno = 0;
	ck_assert_ptr_null(mmu_hart_new(NULL));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(mmu_hart_new(&cfg));
	cfg.ram_base = 0xfffffffffff00000ull;
	cfg.ram_size = 2ull << 20;
	ck_assert_ptr_null(mmu_hart_new(&cfg));
	cfg.ram_base = RAM_BASE;
	cfg.ram = NULL;
	ck_assert_ptr_null(mmu_hart_new(&cfg));
	cfg.ram = ram;
	cfg.state = NULL;
	ck_assert_ptr_null(mmu_hart_new(&cfg));
	bad = NULL;
	mmu_hart_destroy(&bad);
	mmu_hart_destroy(NULL);
}
END_TEST

/* ---- Bare mode, MMIO ---- */

START_TEST(test_bare_ram)
{
	LOAD_OK(RAM_BASE + 0x1000, 8, RAM_BASE + 0x1000);
	LOAD_OK(RAM_BASE + 0x1000, 4, (RAM_BASE + 0x1000) & 0xffffffff);
	LOAD_OK(RAM_BASE + 0x1001, 1, ((RAM_BASE + 0x1000) >> 8) & 0xff);
	ck_assert_int_eq(mmu_store(m, RAM_BASE + 0x2000, 2, 0xabcd1234), 0);
	ck_assert_uint_eq(ram[0x2000], 0x34);
	ck_assert_uint_eq(ram[0x2001], 0x12);
	ck_assert_uint_eq(ram[0x2002], (RAM_BASE + 0x2000) >> 16 & 0xff);
	LOAD_OK(RAM_BASE + 0x2000, 2, 0x1234);
	/* S-mode without translation still sees RAM (PMP open) */
	set_priv(VCPU_PRIV_S);
	LOAD_OK(RAM_BASE + 0x3008, 8, RAM_BASE + 0x3008);
	/* the last bytes of RAM, and one past it */
	LOAD_OK(RAM_BASE + RAM_SIZE - 8, 8, RAM_BASE + RAM_SIZE - 8);
	LOAD_FAULT(RAM_BASE + RAM_SIZE, 8, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_int_eq(pf.calls, 0);
}
END_TEST

START_TEST(test_bare_unmapped_is_access_fault)
{
	LOAD_FAULT(0x40000000, 4, MMU_CAUSE_LOAD_ACCESS);
	STORE_FAULT(0x40000000, 4, MMU_CAUSE_STORE_ACCESS);
	FETCH_FAULT(0x40000000, MMU_CAUSE_FETCH_ACCESS);
	LOAD_FAULT(0xffffffff00000000ull, 8, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_int_eq(pf.calls, 0);
	ck_assert_int_eq(io.calls, 0);
}
END_TEST

START_TEST(test_mmio_routing)
{
	uint64_t fills = m->fills;
	uint32_t insn;

	ck_assert_int_eq(mmu_store(m, IO_BASE + 8, 4, 0x11223344), 0);
	ck_assert_int_eq(io.calls, 1);
	ck_assert_uint_eq(io.pa, IO_BASE + 8);
	ck_assert_uint_eq(io.size, 4);
	ck_assert_int_eq(io.is_write, 1);
	ck_assert_uint_eq(io.val, 0x11223344);
	/* reads are zero-extended to the access size */
	LOAD_OK(IO_BASE + 8, 4, 0x11223344);
	ck_assert_int_eq(io.calls, 2);
	ck_assert_int_eq(io.is_write, 0);
	LOAD_OK(IO_BASE + 8, 1, 0x44);
	/* never cached: every access reaches the device */
	ck_assert_int_eq(io.calls, 3);
	ck_assert_uint_eq(m->fills, fills);
	/* the device refuses, misaligned device access */
	LOAD_FAULT(IO_BASE + IO_SIZE, 4, MMU_CAUSE_LOAD_ACCESS);
	LOAD_FAULT(IO_BASE + 2, 4, MMU_CAUSE_LOAD_ACCESS);
	STORE_FAULT(IO_BASE + 1, 2, MMU_CAUSE_STORE_ACCESS);
	ck_assert_int_eq(io.calls, 3);
	/* instruction fetch from a device (the boot ROM) */
	io.reg = 0x4505;   /* c.li a0, 1 */
	ck_assert_int_eq(mmu_fetch_insn(m, IO_BASE + 0x10, &insn), 0);
	ck_assert_uint_eq(insn, 0x4505);
	ck_assert_uint_eq(io.pa, IO_BASE + 0x10);
	ck_assert_uint_eq(io.size, 2);
}
END_TEST

START_TEST(test_mmio_absent_router)
{
	struct mmu_hart_config cfg = { .state = &st, .ram = ram,
				       .ram_base = RAM_BASE,
				       .ram_size = RAM_SIZE };
	struct mmu_hart *n = mmu_hart_new(&cfg);
	uint64_t v;

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(mmu_load(n, IO_BASE, 4, &v), -EFAULT);
	ck_assert_uint_eq(n->fault.cause, MMU_CAUSE_LOAD_ACCESS);
	mmu_hart_destroy(&n);
}
END_TEST

/* ---- translation: page sizes ---- */

START_TEST(test_sv39_4k)
{
	vm_on(SV39);
	map(0x10000, RAM_BASE + 0x5000, 0, RW);
	map(0x11000, RAM_BASE + 0x3000, 0, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x10008, 8, RAM_BASE + 0x5008);
	LOAD_OK(0x11ff8, 8, RAM_BASE + 0x3ff8);
	ck_assert_int_eq(mmu_store(m, 0x10010, 8, 0x600d), 0);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x5010), 0x600d);
	/* unmapped neighbour: page fault, reported to the hook */
	LOAD_FAULT(0x12000, 8, MMU_CAUSE_LOAD_PAGE);
	ck_assert_int_eq(pf.calls, 1);
	/* M-mode is not translated */
	set_priv(VCPU_PRIV_M);
	LOAD_OK(RAM_BASE + 0x10, 8, RAM_BASE + 0x10);
}
END_TEST

START_TEST(test_sv39_superpages)
{
	vm_on(SV39);
	map(0x40000000, RAM_BASE, 2, RW);                /* 1 GiB */
	map(0x200000, RAM_BASE + 0x200000, 1, RW);       /* 2 MiB */
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x40000000 + 0x123458, 8, RAM_BASE + 0x123458);
	LOAD_OK(0x40000000 + RAM_SIZE - 8, 8, RAM_BASE + RAM_SIZE - 8);
	/* inside the 1 GiB page but beyond RAM: access fault */
	LOAD_FAULT(0x40000000 + RAM_SIZE, 8, MMU_CAUSE_LOAD_ACCESS);
	LOAD_OK(0x200000 + 0x1ffff8, 8, RAM_BASE + 0x3ffff8);
	LOAD_OK(0x200000 + 0x10, 8, RAM_BASE + 0x200010);
}
END_TEST

START_TEST(test_sv39_negative_canonical)
{
	uint64_t va = 0xffffffffc0001000ull;   /* VPN[2] = 511 */

	vm_on(SV39);
	map(va, RAM_BASE + 0x7000, 0, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(va + 8, 8, RAM_BASE + 0x7008);
	/* bits 63:39 differ from bit 38 */
	LOAD_FAULT(0x0000004000001000ull, 8, MMU_CAUSE_LOAD_PAGE);
	LOAD_FAULT(0x7fffffffc0001000ull, 8, MMU_CAUSE_LOAD_PAGE);
	STORE_FAULT(0x8000000000001000ull, 8, MMU_CAUSE_STORE_PAGE);
	FETCH_FAULT(0x0000008000000000ull, MMU_CAUSE_FETCH_PAGE);
}
END_TEST

START_TEST(test_sv48_all_sizes)
{
	uint64_t tera = 0x100000000000ull;   /* 512 GiB leaf onto PA 0 */

	vm_on(SV48);
	map(0x1000, RAM_BASE + 0x4000, 0, RW);
	map(0x400000, RAM_BASE + 0x400000, 1, RW);
	map(0x8000000000ull, RAM_BASE, 2, RW);
	map(tera, 0, 3, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1010, 8, RAM_BASE + 0x4010);
	LOAD_OK(0x400000 + 0x1000, 8, RAM_BASE + 0x401000);
	LOAD_OK(0x8000000000ull + 0x600000, 8, RAM_BASE + 0x600000);
	LOAD_OK(tera + RAM_BASE + 0x20, 8, RAM_BASE + 0x20);
	/* Sv48: a 39-bit address is canonical, bit 47 must be copied up */
	LOAD_FAULT(0x0000800000000000ull, 8, MMU_CAUSE_LOAD_PAGE);
	map(0xffff800000000000ull, RAM_BASE + 0x2000, 0, RW);
	LOAD_OK(0xffff800000000008ull, 8, RAM_BASE + 0x2008);
}
END_TEST

START_TEST(test_misaligned_superpage)
{
	vm_on(SV39);
	map(0x200000, RAM_BASE + 0x1000, 1, RW);
	map(0x40000000, RAM_BASE + 0x200000, 2, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(0x200000, 8, MMU_CAUSE_LOAD_PAGE);
	STORE_FAULT(0x200008, 8, MMU_CAUSE_STORE_PAGE);
	LOAD_FAULT(0x40000000, 8, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

/* ---- translation: encodings and permissions ---- */

START_TEST(test_reserved_encodings)
{
	uint64_t e;

	vm_on(SV39);
	set_priv(VCPU_PRIV_S);
	e = map(0x1000, RAM_BASE + 0x4000, 0, 0);   /* V=1 only at level 0 */
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | W | A | D | V);  /* W no R */
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	STORE_FAULT(0x1000, 8, MMU_CAUSE_STORE_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | W | X | A | D | V);
	FETCH_FAULT(0x1000, MMU_CAUSE_FETCH_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | RW);       /* V=0 */
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | RW | V | 1ull << 54);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | RW | V | 1ull << 63);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | RW | V);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x4000);
}
END_TEST

START_TEST(test_nonleaf_reserved_bits)
{
	uint64_t top, e;

	vm_on(SV39);
	top = root;
	map(0x1000, RAM_BASE + 0x4000, 0, RW);
	set_priv(VCPU_PRIV_S);
	e = top + 0;   /* VPN[2] = 0 */
	LOAD_OK(0x1000, 8, RAM_BASE + 0x4000);
	for (int i = 0; i < 3; i++) {
		uint64_t bit = i == 0 ? A : i == 1 ? D : U;

		wr64(e, rd64(e) | bit);
		mmu_sfence_vma(m, 0, 0, 0, 0);
		LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
		wr64(e, rd64(e) & ~bit);
	}
	/* a pointer at level 0 runs out of levels */
	wr64(pte_pa(0x1000, 0), (pt_new() >> 12) << 10 | V);
	mmu_sfence_vma(m, 0, 0, 0, 0);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

/* What a leaf PTE allows, by privilege, SUM and MXR (spec 4.3.1, 4.3.2). */
static const struct perm_case {
	uint64_t flags;
	unsigned priv;
	uint64_t mstatus;
	int r, w, x;   /* 1: allowed, 0: page fault */
} perm_cases[] = {
	{ R,             VCPU_PRIV_S, 0, 1, 0, 0 },
	{ R | W,         VCPU_PRIV_S, 0, 1, 1, 0 },
	{ X,             VCPU_PRIV_S, 0, 0, 0, 1 },
	{ R | X,         VCPU_PRIV_S, 0, 1, 0, 1 },
	{ R | W | X,     VCPU_PRIV_S, 0, 1, 1, 1 },
	{ X,             VCPU_PRIV_S, MMU_MSTATUS_MXR, 1, 0, 1 },
	{ R | W | X | U, VCPU_PRIV_S, 0, 0, 0, 0 },
	{ R | W | X | U, VCPU_PRIV_S, MMU_MSTATUS_SUM, 1, 1, 0 },
	{ X | U,         VCPU_PRIV_S, MMU_MSTATUS_SUM, 0, 0, 0 },
	{ X | U,         VCPU_PRIV_S, MMU_MSTATUS_SUM | MMU_MSTATUS_MXR,
	  1, 0, 0 },
	{ R | W,         VCPU_PRIV_S, MMU_MSTATUS_SUM, 1, 1, 0 },
	{ R | U,         VCPU_PRIV_U, 0, 1, 0, 0 },
	{ R | W | U,     VCPU_PRIV_U, 0, 1, 1, 0 },
	{ X | U,         VCPU_PRIV_U, 0, 0, 0, 1 },
	{ X | U,         VCPU_PRIV_U, MMU_MSTATUS_MXR, 1, 0, 1 },
	{ R | W | X | U, VCPU_PRIV_U, 0, 1, 1, 1 },
	{ R | W | X,     VCPU_PRIV_U, MMU_MSTATUS_SUM, 0, 0, 0 },
};

START_TEST(test_permission_matrix)
{
	const struct perm_case *c = &perm_cases[_i];
	uint64_t va = 0x10000 + (uint64_t)_i * 0x1000, v;
	uint32_t insn;

	vm_on(SV39);
	map(va, RAM_BASE + va, 0, c->flags | A | D);
	st.mstatus = c->mstatus;
	set_priv(c->priv);
	if (c->r)
		LOAD_OK(va + 8, 8, RAM_BASE + va + 8);
	else
		LOAD_FAULT(va + 8, 8, MMU_CAUSE_LOAD_PAGE);
	if (c->w)
		ck_assert_int_eq(mmu_store(m, va + 16, 8, 1), 0);
	else
		STORE_FAULT(va + 16, 8, MMU_CAUSE_STORE_PAGE);
	if (c->x)
		ck_assert_int_eq(mmu_fetch_insn(m, va, &insn), 0);
	else
		FETCH_FAULT(va, MMU_CAUSE_FETCH_PAGE);
	/* and again, now that whatever was allowed is cached */
	ck_assert_int_eq(mmu_load(m, va + 8, 8, &v), c->r ? 0 : -EFAULT);
	ck_assert_int_eq(mmu_store(m, va + 16, 8, 2), c->w ? 0 : -EFAULT);
	ck_assert_int_eq(mmu_fetch_insn(m, va, &insn), c->x ? 0 : -EFAULT);
	ck_assert_uint_eq(rd64(RAM_BASE + va + 16), c->w ? 2 : RAM_BASE + va + 16);
}
END_TEST

/* Entries cached under one SUM/MXR/privilege are not used under another. */
START_TEST(test_context_changes)
{
	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x1000, 0, RW | U);
	map(0x2000, RAM_BASE + 0x2000, 0, X | A);
	set_priv(VCPU_PRIV_S);
	set_mstatus(MMU_MSTATUS_SUM | MMU_MSTATUS_MXR, 1);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	ck_assert_int_eq(mmu_store(m, 0x1008, 8, 5), 0);
	LOAD_OK(0x2000, 8, RAM_BASE + 0x2000);
	set_mstatus(MMU_MSTATUS_MXR, 0);
	LOAD_FAULT(0x2000, 8, MMU_CAUSE_LOAD_PAGE);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	set_mstatus(MMU_MSTATUS_SUM, 0);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	STORE_FAULT(0x1008, 8, MMU_CAUSE_STORE_PAGE);
	set_priv(VCPU_PRIV_U);
	LOAD_OK(0x1008, 8, 5);
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(0x1008, 8, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

START_TEST(test_mprv)
{
	uint32_t insn;

	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x5000, 0, RW);
	map(0x2000, RAM_BASE + 0x6000, 0, RW | U);
	set_priv(VCPU_PRIV_M);
	/* MPRV=1, MPP=S: M's loads and stores are translated as S */
	st.mstatus = MMU_MSTATUS_MPRV | (uint64_t)VCPU_PRIV_S <<
		     MMU_MSTATUS_MPP_SHIFT;
	mmu_sync_ctx(m);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x5000);
	ck_assert_int_eq(mmu_store(m, 0x1008, 8, 9), 0);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x5008), 9);
	LOAD_FAULT(0x2000, 8, MMU_CAUSE_LOAD_PAGE);
	LOAD_FAULT(RAM_BASE, 8, MMU_CAUSE_LOAD_PAGE);
	/* fetches are not affected by MPRV */
	ck_assert_int_eq(mmu_fetch_insn(m, RAM_BASE + 0x100, &insn), 0);
	FETCH_FAULT(0x1000, MMU_CAUSE_FETCH_ACCESS);
	/* MPP=U */
	st.mstatus = MMU_MSTATUS_MPRV;
	mmu_sync_ctx(m);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	LOAD_OK(0x2000, 8, RAM_BASE + 0x6000);
	/* MPP=M: untranslated */
	st.mstatus = MMU_MSTATUS_MPRV | 3ull << MMU_MSTATUS_MPP_SHIFT;
	mmu_sync_ctx(m);
	LOAD_OK(RAM_BASE + 8, 8, RAM_BASE + 8);
	/* MPRV=0 */
	st.mstatus = (uint64_t)VCPU_PRIV_S << MMU_MSTATUS_MPP_SHIFT;
	mmu_sync_ctx(m);
	LOAD_OK(RAM_BASE + 16, 8, RAM_BASE + 16);
}
END_TEST

START_TEST(test_page_table_outside_ram)
{
	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x1000, 0, RW);
	/* root in MMIO space: the walk does not go through the router */
	ck_assert_int_eq(mmu_satp_write(m, SV39 << MMU_SATP_MODE_SHIFT |
					IO_BASE >> 12), 0);
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_ACCESS);
	STORE_FAULT(0x1000, 8, MMU_CAUSE_STORE_ACCESS);
	FETCH_FAULT(0x1000, MMU_CAUSE_FETCH_ACCESS);
	ck_assert_int_eq(io.calls, 0);
	/* a non-leaf PTE pointing outside RAM */
	ck_assert_int_eq(mmu_satp_write(m, SV39 << MMU_SATP_MODE_SHIFT |
					root >> 12), 0);
	wr64(root + 8, (0x40000000ull >> 12) << 10 | V);   /* VPN[2] = 1 */
	LOAD_FAULT(0x40000000, 8, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_int_eq(pf.calls, 0);
}
END_TEST

START_TEST(test_satp_warl)
{
	vm_on(SV39);
	ck_assert_int_eq(mmu_satp_write(m, 10ull << 60 | 5), 1);
	ck_assert_uint_eq(st.satp, SV39 << MMU_SATP_MODE_SHIFT | root >> 12);
	ck_assert_int_eq(mmu_satp_write(m, 0), 0);
	ck_assert_uint_eq(st.satp, 0);
	/* a corrupt satp in the shared state: every access page faults */
	st.satp = 5ull << 60;
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(RAM_BASE, 8, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

/* ---- A/D ---- */

START_TEST(test_accessed_dirty)
{
	uint64_t e;
	uint16_t h;

	vm_on(SV39);
	e = map(0x1000, RAM_BASE + 0x1000, 0, R | W);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	ck_assert_uint_eq(rd64(e) & (A | D), A);
	/* the read entry is cached; the store still walks and sets D */
	ck_assert_int_eq(mmu_store(m, 0x1000, 8, 3), 0);
	ck_assert_uint_eq(rd64(e) & (A | D), A | D);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x1000), 3);
	/* a store as the first access sets both */
	e = map(0x2000, RAM_BASE + 0x2000, 0, R | W);
	ck_assert_int_eq(mmu_store(m, 0x2000, 1, 3), 0);
	ck_assert_uint_eq(rd64(e) & (A | D), A | D);
	/* a fetch sets A only */
	e = map(0x3000, RAM_BASE + 0x3000, 0, R | W | X);
	ck_assert_int_eq(mmu_fetch_u16(m, 0x3000, &h), 0);
	ck_assert_uint_eq(rd64(e) & (A | D), A);
	/* a faulting store sets neither */
	e = map(0x4000, RAM_BASE + 0x4000, 0, R);
	STORE_FAULT(0x4000, 8, MMU_CAUSE_STORE_PAGE);
	ck_assert_uint_eq(rd64(e) & (A | D), 0);
	/* the other PTE bits are left alone */
	ck_assert_uint_eq(rd64(pte_pa(0x1000, 0)),
			  (RAM_BASE + 0x1000) >> 12 << 10 | R | W | A | D | V);
}
END_TEST

START_TEST(test_dirty_clear_write_entry_not_cached)
{
	uint64_t e, walks;

	vm_on(SV39);
	e = map(0x1000, RAM_BASE + 0x1000, 0, RW);
	set_priv(VCPU_PRIV_S);
	ck_assert_int_eq(mmu_store(m, 0x1000, 8, 1), 0);
	walks = m->walks;
	ck_assert_int_eq(mmu_store(m, 0x1008, 8, 2), 0);
	ck_assert_uint_eq(m->walks, walks);     /* a hit */
	/* the OS cleans the page (D=0) and fences: the next store walks */
	wr64(e, rd64(e) & ~D);
	mmu_sfence_vma(m, 1, 0x1000, 0, 0);
	LOAD_OK(0x1000, 8, 1);
	ck_assert_uint_eq(rd64(e) & D, 0);
	ck_assert_int_eq(mmu_store(m, 0x1010, 8, 2), 0);
	ck_assert_uint_eq(rd64(e) & D, D);
}
END_TEST

/*
 * Flips a software (RSW) bit of a PTE as fast as it can, atomically. It is
 * the only writer of that bit, so every flip must find the value it left;
 * @lost counts the flips undone by someone else's stale write.
 */
struct toggler {
	uint64_t *pte;
	int stop;
	long toggles;
	long lost;
};

static void *toggle_rsw(void *arg)
{
	struct toggler *t = arg;
	uint64_t mine = *t->pte & (1ull << 8);

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		uint64_t old = __atomic_fetch_xor(t->pte, 1ull << 8,
						  __ATOMIC_ACQ_REL);

		if ((old & (1ull << 8)) != mine)
			t->lost++;
		mine = (old & (1ull << 8)) ^ (1ull << 8);
		__atomic_store_n(&t->toggles, t->toggles + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

START_TEST(test_ad_update_is_atomic)
{
	struct toggler t = { 0 };
	pthread_t th;
	uint64_t e;
	int bad = 0;

	vm_on(SV39);
	e = map(0x1000, RAM_BASE + 0x1000, 0, R | W);
	t.pte = host(e);
	set_priv(VCPU_PRIV_S);
	ck_assert_int_eq(pthread_create(&th, NULL, toggle_rsw, &t), 0);
	while (!__atomic_load_n(&t.toggles, __ATOMIC_ACQUIRE))
		sched_yield();
	/* another hart keeps changing the PTE while ours sets A and D: a
	 * plain read-modify-write would lose some of its flips. Bounded:
	 * at least 100000 updates, more until the other side flipped as
	 * often (a loaded host may run it slowly), at most 2 million. */
	for (int i = 0; i < 2000000 && (i < 100000 ||
	     __atomic_load_n(&t.toggles, __ATOMIC_ACQUIRE) < 100000); i++) {
		__atomic_fetch_and(t.pte, ~(A | D), __ATOMIC_ACQ_REL);
		mmu_sfence_vma(m, 1, 0x1000, 0, 0);
		if (mmu_store(m, 0x1000 + (unsigned)(i & 0x1ff) * 8, 8, 1))
			bad++;
		if ((__atomic_load_n(t.pte, __ATOMIC_ACQUIRE) & (A | D)) !=
		    (A | D))
			bad++;
	}
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(t.lost, 0);
	ck_assert_uint_eq((rd64(e) >> 8) & 1, (uint64_t)(t.toggles & 1));
}
END_TEST

/* ---- TLB ---- */

START_TEST(test_tlb_hit_and_sfence)
{
	uint64_t e, walks;

	vm_on(SV39);
	e = map(0x1000, RAM_BASE + 0x1000, 0, RW);
	map(0x2000, RAM_BASE + 0x2000, 0, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	LOAD_OK(0x2000, 8, RAM_BASE + 0x2000);
	walks = m->walks;
	LOAD_OK(0x1ff0, 8, RAM_BASE + 0x1ff0);
	ck_assert_uint_eq(m->walks, walks);
	/* retarget without a fence: the cached translation is still used */
	wr64(e, (RAM_BASE + 0x3000) >> 12 << 10 | RW | V);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	/* fence another page: no effect on this one */
	mmu_sfence_vma(m, 1, 0x2000, 0, 0);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	mmu_sfence_vma(m, 1, 0x1abc, 0, 0);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x3000);
	/* global fence */
	wr64(e, (RAM_BASE + 0x4000) >> 12 << 10 | RW | V);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x3000);
	mmu_sfence_vma(m, 0, 0, 1, 7);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x4000);
	/* a satp write flushes */
	wr64(e, (RAM_BASE + 0x5000) >> 12 << 10 | RW | V);
	ck_assert_int_eq(mmu_satp_write(m, st.satp), 0);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x5000);
	/* unmapping + fence: page fault */
	wr64(e, 0);
	mmu_sfence_vma(m, 0, 0, 0, 0);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

START_TEST(test_sfence_superpage)
{
	uint64_t e;

	vm_on(SV39);
	e = map(0x200000, RAM_BASE + 0x200000, 1, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x200000, 8, RAM_BASE + 0x200000);
	LOAD_OK(0x201000, 8, RAM_BASE + 0x201000);
	wr64(e, (RAM_BASE + 0x400000) >> 12 << 10 | RW | V);
	/* a fence on any address of the superpage drops all its pieces */
	mmu_sfence_vma(m, 1, 0x3ff000, 0, 0);
	LOAD_OK(0x200000, 8, RAM_BASE + 0x400000);
	LOAD_OK(0x201000, 8, RAM_BASE + 0x401000);
}
END_TEST

START_TEST(test_context_tables_separate)
{
	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x1000, 0, RW);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	/* U must not hit S's entry for a supervisor page */
	set_priv(VCPU_PRIV_U);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	/* M (bare) must not hit S's entry for the virtual page */
	set_priv(VCPU_PRIV_M);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_ACCESS);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
}
END_TEST

START_TEST(test_fill_uses_current_state)
{
	/* even when the interpreter forgot mmu_sync_ctx, a miss fills the
	 * tables of the privilege the state says */
	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x1000, 0, RW);
	st.priv = VCPU_PRIV_U;
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_PAGE);
	st.priv = VCPU_PRIV_S;
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
}
END_TEST

/* ---- misaligned ---- */

START_TEST(test_misaligned_in_page)
{
	/* bytes 3-7 of the word 0x80001000, then 0-2 of 0x80001008 */
	LOAD_OK(RAM_BASE + 0x1003, 8, 0x0010080000000080ull);
	ck_assert_int_eq(mmu_store(m, RAM_BASE + 0x2001, 4, 0xa1b2c3d4), 0);
	ck_assert_uint_eq(ram[0x2001], 0xd4);
	ck_assert_uint_eq(ram[0x2004], 0xa1);
	LOAD_OK(RAM_BASE + 0x2001, 4, 0xa1b2c3d4);
	LOAD_OK(RAM_BASE + 0x2003, 2, 0xa1b2);
}
END_TEST

START_TEST(test_misaligned_across_pages)
{
	uint64_t v;

	vm_on(SV39);
	/* two virtual pages onto non-adjacent physical pages */
	map(0x1000, RAM_BASE + 0x5000, 0, RW);
	map(0x2000, RAM_BASE + 0x3000, 0, RW);
	set_priv(VCPU_PRIV_S);
	wr64(RAM_BASE + 0x5ff8, 0x8877665544332211ull);
	wr64(RAM_BASE + 0x3000, 0xffeeddccbbaa9900ull);
	ck_assert_int_eq(mmu_load(m, 0x1ffc, 8, &v), 0);
	ck_assert_uint_eq(v, 0xbbaa990088776655ull);
	ck_assert_int_eq(mmu_load(m, 0x1fff, 2, &v), 0);
	ck_assert_uint_eq(v, 0x0088);
	ck_assert_int_eq(mmu_store(m, 0x1ffd, 8, 0x0102030405060708ull), 0);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x5ff8), 0x0607085544332211ull);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x3000) & 0xffffffffffull,
			  0x0102030405ull);
}
END_TEST

START_TEST(test_cross_page_store_fault_writes_nothing)
{
	uint64_t e1, e2, before1, before2;

	vm_on(SV39);
	e1 = map(0x1000, RAM_BASE + 0x5000, 0, R | W);   /* clean */
	e2 = map(0x2000, RAM_BASE + 0x3000, 0, R | A);   /* read-only */
	set_priv(VCPU_PRIV_S);
	before1 = rd64(RAM_BASE + 0x5ff8);
	before2 = rd64(RAM_BASE + 0x3000);
	FAULTS(mmu_store(m, 0x1ffc, 8, 0), MMU_CAUSE_STORE_PAGE, 0x2000);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x5ff8), before1);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x3000), before2);
	ck_assert_uint_eq(rd64(e1) & (A | D), 0);    /* nor dirtied page 1 */
	ck_assert_int_eq(pf.calls, 1);
	ck_assert_uint_eq(pf.addr, 0x2000);
	ck_assert_int_eq(pf.access, 'w');
	/* the same with the second page unmapped, and with page 1 cached */
	ck_assert_int_eq(mmu_store(m, 0x1000, 8, 0), 0);
	wr64(e2, 0);
	mmu_sfence_vma(m, 1, 0x2000, 0, 0);
	FAULTS(mmu_store(m, 0x1ffe, 4, 0), MMU_CAUSE_STORE_PAGE, 0x2000);
	ck_assert_uint_eq(rd64(RAM_BASE + 0x5ff8), before1);
	/* loads: fault in the first page reports the access address */
	FAULTS(mmu_load(m, 0xffc, 8, &before1), MMU_CAUSE_LOAD_PAGE, 0xffc);
	FAULTS(mmu_load(m, 0x1ffc, 8, &before1), MMU_CAUSE_LOAD_PAGE, 0x2000);
}
END_TEST

START_TEST(test_cross_page_ram_end)
{
	uint64_t v;

	FAULTS(mmu_load(m, RAM_BASE + RAM_SIZE - 4, 8, &v),
	       MMU_CAUSE_LOAD_ACCESS, RAM_BASE + RAM_SIZE);
	FAULTS(mmu_store(m, RAM_BASE + RAM_SIZE - 2, 4, 0),
	       MMU_CAUSE_STORE_ACCESS, RAM_BASE + RAM_SIZE);
	ck_assert_uint_eq(rd64(RAM_BASE + RAM_SIZE - 8), RAM_BASE + RAM_SIZE - 8);
	ck_assert_int_eq(pf.calls, 0);
}
END_TEST

/* ---- fetch ---- */

START_TEST(test_fetch_across_pages)
{
	uint32_t insn;

	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x5000, 0, R | X | A);
	map(0x2000, RAM_BASE + 0x3000, 0, R | X | A);
	set_priv(VCPU_PRIV_S);
	/* a 32-bit instruction split over the two pages */
	wr64(RAM_BASE + 0x5ff8, 0x0513ull << 48);        /* low half 0x0513 */
	wr64(RAM_BASE + 0x3000, 0x02a0);                 /* high half 0x02a0 */
	ck_assert_int_eq(mmu_fetch_insn(m, 0x1ffe, &insn), 0);
	ck_assert_uint_eq(insn, 0x02a00513);
	ck_assert_int_eq(mmu_fetch_u32(m, 0x1ffe, &insn), 0);
	ck_assert_uint_eq(insn, 0x02a00513);
	/* again, now both pages are cached */
	ck_assert_int_eq(mmu_fetch_insn(m, 0x1ffe, &insn), 0);
	ck_assert_uint_eq(insn, 0x02a00513);
	/* a compressed instruction at the page end never touches the next */
	wr64(RAM_BASE + 0x5ff8, 0x4505ull << 48);        /* c.li a0, 1 */
	map(0x2000, 0, 0, 0);
	mmu_sfence_vma(m, 0, 0, 0, 0);
	ck_assert_int_eq(mmu_fetch_insn(m, 0x1ffe, &insn), 0);
	ck_assert_uint_eq(insn, 0x4505);
	/* a 32-bit one faults on its second half, tval = that half */
	wr64(RAM_BASE + 0x5ff8, 0x0513ull << 48);
	FAULTS(mmu_fetch_insn(m, 0x1ffe, &insn), MMU_CAUSE_FETCH_PAGE, 0x2000);
	ck_assert_int_eq(pf.access, 'x');
	ck_assert_uint_eq(pf.addr, 0x2000);
	ck_assert_uint_eq(pf.pc, 0x1ffe);
	FAULTS(mmu_fetch_u32(m, 0x1ffe, &insn), MMU_CAUSE_FETCH_PAGE, 0x2000);
	/* an odd pc (checked on a miss; RVC never produces one) */
	FAULTS(mmu_fetch_u32(m, 0x4001, &insn), MMU_CAUSE_FETCH_MISALIGNED,
	       0x4001);
}
END_TEST

START_TEST(test_fetch_pmp_no_exec)
{
	uint32_t insn;

	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, NAPOT(MMU_PMP_R |
							  MMU_PMP_W)), 0);
	set_priv(VCPU_PRIV_S);
	FETCH_FAULT(RAM_BASE, MMU_CAUSE_FETCH_ACCESS);
	set_priv(VCPU_PRIV_M);
	ck_assert_int_eq(mmu_fetch_insn(m, RAM_BASE, &insn), 0);
}
END_TEST

/* ---- host pointers for atomics ---- */

START_TEST(test_host_ptr)
{
	void *p;

	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x5000, 0, R | W);
	map(0x2000, RAM_BASE + 0x6000, 0, R | A);
	set_priv(VCPU_PRIV_S);
	p = mmu_host_ptr(m, 0x1008, 8, MMU_ACC_WRITE);
	ck_assert_ptr_eq(p, ram + 0x5008);
	ck_assert_uint_eq(mmu_host_to_pa(m, p), RAM_BASE + 0x5008);
	ck_assert_uint_eq(rd64(pte_pa(0x1000, 0)) & D, D);
	ck_assert_ptr_eq(mmu_host_ptr(m, 0x1008, 4, MMU_ACC_WRITE), p);
	ck_assert_ptr_null(mmu_host_ptr(m, 0x1004, 8, MMU_ACC_WRITE));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_STORE_MISALIGNED);
	ck_assert_uint_eq(m->fault.tval, 0x1004);
	ck_assert_ptr_null(mmu_host_ptr(m, 0x1002, 4, MMU_ACC_READ));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_LOAD_MISALIGNED);
	/* LR on a read-only page works, an AMO does not */
	ck_assert_ptr_eq(mmu_host_ptr(m, 0x2000, 8, MMU_ACC_READ), ram + 0x6000);
	ck_assert_ptr_null(mmu_host_ptr(m, 0x2000, 8, MMU_ACC_WRITE));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_STORE_PAGE);
	ck_assert_int_eq(pf.calls, 1);
	ck_assert_ptr_null(mmu_host_ptr(m, 0x3000, 4, MMU_ACC_READ));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_LOAD_PAGE);
	/* device memory has no host address */
	set_priv(VCPU_PRIV_M);
	ck_assert_ptr_null(mmu_host_ptr(m, IO_BASE, 4, MMU_ACC_WRITE));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_STORE_ACCESS);
	ck_assert_ptr_null(mmu_host_ptr(m, IO_BASE, 4, MMU_ACC_READ));
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_int_eq(io.calls, 0);
}
END_TEST

START_TEST(test_translate)
{
	uint64_t pa;

	vm_on(SV39);
	map(0x1000, RAM_BASE + 0x5000, 0, R | W);
	set_priv(VCPU_PRIV_S);
	ck_assert_int_eq(mmu_translate(m, 0x1234, MMU_ACC_READ, 4, &pa), 0);
	ck_assert_uint_eq(pa, RAM_BASE + 0x5234);
	ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_ACC_READ, 4, &pa),
			 -EFAULT);
	ck_assert_uint_eq(m->fault.cause, MMU_CAUSE_LOAD_PAGE);
}
END_TEST

/* ---- PMP ---- */

#define P0 (RAM_BASE + 0x10000)
#define P1 (RAM_BASE + 0x20000)
#define P3 (RAM_BASE + 0x30000)

static uint64_t napot4k(uint64_t pa)
{
	return pa >> 2 | 0x1ff;
}

/*
 * 0: NA4 at P0+0x10, no access; 1: NAPOT P0, RWX; 2: (OFF) base P1;
 * 3: TOR [P1, P1 + 8K) read-only; 4: NAPOT P3 execute-only.
 */
static void pmp_layout(void)
{
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, 0), 0);
	mmu_pmp_write_addr(m, 0, (P0 + 0x10) >> 2);
	mmu_pmp_write_addr(m, 1, napot4k(P0));
	mmu_pmp_write_addr(m, 2, P1 >> 2);
	mmu_pmp_write_addr(m, 3, (P1 + 0x2000) >> 2);
	mmu_pmp_write_addr(m, 4, napot4k(P3));
	mmu_pmp_write_cfg(m, 0, NA4(0) | (uint64_t)NAPOT(7) << 8 |
			  (uint64_t)TOR(MMU_PMP_R) << 24 |
			  (uint64_t)NAPOT(MMU_PMP_X) << 32);
}

START_TEST(test_pmp_regions_s_mode)
{
	uint64_t fills;
	uint32_t insn;

	pmp_layout();
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(P0 + 0x10, 4, MMU_CAUSE_LOAD_ACCESS);
	LOAD_OK(P0 + 0x14, 4, (P0 + 0x10) >> 32);
	/* an access straddling entry 0's edge: entry 0 decides, fails */
	LOAD_FAULT(P0 + 0x0c, 8, MMU_CAUSE_LOAD_ACCESS);
	/* P0 is not uniform: served, but never cached */
	fills = m->fills;
	LOAD_OK(P0 + 0x100, 8, P0 + 0x100);
	ck_assert_int_eq(mmu_store(m, P0 + 0x108, 8, 1), 0);
	ck_assert_uint_eq(m->fills, fills);
	STORE_FAULT(P0 + 0x10, 1, MMU_CAUSE_STORE_ACCESS);
	/* TOR read-only over two pages */
	LOAD_OK(P1 + 0x1ff8, 8, P1 + 0x1ff8);
	STORE_FAULT(P1, 8, MMU_CAUSE_STORE_ACCESS);
	FETCH_FAULT(P1, MMU_CAUSE_FETCH_ACCESS);
	/* just past the TOR top and the TOR bottom: nothing matches */
	LOAD_FAULT(P1 + 0x2000, 8, MMU_CAUSE_LOAD_ACCESS);
	LOAD_FAULT(P1 - 8, 8, MMU_CAUSE_LOAD_ACCESS);
	/* execute-only */
	ck_assert_int_eq(mmu_fetch_insn(m, P3, &insn), 0);
	LOAD_FAULT(P3, 8, MMU_CAUSE_LOAD_ACCESS);
	/* U obeys the same entries */
	set_priv(VCPU_PRIV_U);
	LOAD_OK(P1, 8, P1);
	STORE_FAULT(P1, 8, MMU_CAUSE_STORE_ACCESS);
	LOAD_FAULT(RAM_BASE, 8, MMU_CAUSE_LOAD_ACCESS);
}
END_TEST

START_TEST(test_pmp_m_mode_and_lock)
{
	pmp_layout();
	/* M ignores unlocked entries and passes when nothing matches */
	LOAD_OK(P0 + 0x10, 4, (P0 + 0x10) & 0xffffffff);
	ck_assert_int_eq(mmu_store(m, P1, 8, 42), 0);
	LOAD_OK(RAM_BASE, 8, RAM_BASE);
	/* lock entry 3 (TOR, read-only): binds M; cached M entry dropped */
	LOAD_OK(P1, 8, 42);
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, st.pmpcfg[0] |
					   (uint64_t)MMU_PMP_L << 24), 0);
	STORE_FAULT(P1 + 8, 8, MMU_CAUSE_STORE_ACCESS);
	LOAD_OK(P1, 8, 42);
	ck_assert_uint_eq(rd64(P1 + 8), P1 + 8);
	/* writes to the locked entry and to its TOR base are ignored */
	mmu_pmp_write_cfg(m, 0, st.pmpcfg[0] | (uint64_t)MMU_PMP_W << 24);
	ck_assert_uint_eq(mmu_pmp_cfg_byte(&st, 3), MMU_PMP_L | TOR(MMU_PMP_R));
	mmu_pmp_write_addr(m, 3, 0);
	mmu_pmp_write_addr(m, 2, 0);
	ck_assert_uint_eq(st.pmpaddr[3], (P1 + 0x2000) >> 2);
	ck_assert_uint_eq(st.pmpaddr[2], P1 >> 2);
	STORE_FAULT(P1, 8, MMU_CAUSE_STORE_ACCESS);
	/* the unlocked entries around it still change */
	mmu_pmp_write_addr(m, 4, napot4k(P0));
	ck_assert_uint_eq(st.pmpaddr[4], napot4k(P0));
}
END_TEST

START_TEST(test_pmp_locked_na4_and_napot)
{
	/* NA4 locked no-access inside an open page: M blocked on 4 bytes */
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, 0), 0);
	mmu_pmp_write_addr(m, 0, (P0 + 0x20) >> 2);
	mmu_pmp_write_addr(m, 1, (P0 >> 2) | 0x3ff);     /* NAPOT 8 KiB */
	mmu_pmp_write_addr(m, 2, ~0ull);
	mmu_pmp_write_cfg(m, 0, (NA4(0) | MMU_PMP_L) |
			  (uint64_t)(NAPOT(MMU_PMP_R) | MMU_PMP_L) << 8 |
			  (uint64_t)NAPOT(7) << 16);
	LOAD_FAULT(P0 + 0x20, 4, MMU_CAUSE_LOAD_ACCESS);
	LOAD_FAULT(P0 + 0x22, 2, MMU_CAUSE_LOAD_ACCESS);
	LOAD_OK(P0 + 0x24, 4, (P0 + 0x20) >> 32);
	STORE_FAULT(P0 + 0x1008, 8, MMU_CAUSE_STORE_ACCESS);
	LOAD_OK(P0 + 0x1008, 8, P0 + 0x1008);
	ck_assert_int_eq(mmu_store(m, P0 + 0x2000, 8, 5), 0);
	set_priv(VCPU_PRIV_S);
	ck_assert_int_eq(mmu_store(m, P0 + 0x2008, 8, 5), 0);
	STORE_FAULT(P0 + 0x1000, 8, MMU_CAUSE_STORE_ACCESS);
}
END_TEST

START_TEST(test_pmp_warl_and_no_entries)
{
	/* R=0 W=1 is reserved: both cleared; bits 5-6 read 0 */
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 0, NAPOT(MMU_PMP_W | MMU_PMP_X)
					   | 0x60), 0);
	ck_assert_uint_eq(mmu_pmp_cfg_byte(&st, 0), NAPOT(MMU_PMP_X));
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 1, 0), -EINVAL);
	ck_assert_int_eq(mmu_pmp_write_addr(m, 16, 0), -EINVAL);
	ck_assert_int_eq(mmu_pmp_write_addr(m, 5, ~0ull), 0);
	ck_assert_uint_eq(st.pmpaddr[5], MMU_PMP_ADDR_MASK);
	/* pmpcfg2 holds entries 8-15 */
	ck_assert_int_eq(mmu_pmp_write_cfg(m, 2, NAPOT(7) << 8), 0);
	ck_assert_uint_eq(mmu_pmp_cfg_byte(&st, 9), NAPOT(7));
	/* all entries off: S and U fail everywhere, M passes */
	mmu_pmp_write_cfg(m, 0, 0);
	mmu_pmp_write_cfg(m, 2, 0);
	set_priv(VCPU_PRIV_S);
	LOAD_FAULT(RAM_BASE, 8, MMU_CAUSE_LOAD_ACCESS);
	set_priv(VCPU_PRIV_M);
	LOAD_OK(RAM_BASE, 8, RAM_BASE);
}
END_TEST

START_TEST(test_pmp_guards_page_tables)
{
	uint64_t e;

	vm_on(SV39);
	e = map(0x1000, RAM_BASE + 0x1000, 0, R | W);
	/* entry 0: the page-table area read-only; entry 1: all RWX */
	mmu_pmp_write_cfg(m, 0, 0);
	mmu_pmp_write_addr(m, 0, (PT_BASE >> 2) | 0x7fff);   /* 256 KiB */
	mmu_pmp_write_addr(m, 1, ~0ull);
	mmu_pmp_write_cfg(m, 0, NAPOT(MMU_PMP_R) | (uint64_t)NAPOT(7) << 8);
	set_priv(VCPU_PRIV_S);
	/* walking is fine, but A cannot be written back: access fault */
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_uint_eq(rd64(e) & A, 0);
	wr64(e, rd64(e) | A | D);
	LOAD_OK(0x1000, 8, RAM_BASE + 0x1000);
	/* no read access to the tables at all */
	mmu_pmp_write_cfg(m, 0, NAPOT(0) | (uint64_t)NAPOT(7) << 8);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_ACCESS);
	STORE_FAULT(0x1000, 8, MMU_CAUSE_STORE_ACCESS);
	FETCH_FAULT(0x1000, MMU_CAUSE_FETCH_ACCESS);
	/* the walker is S-mode even for M with MPRV */
	set_priv(VCPU_PRIV_M);
	st.mstatus = MMU_MSTATUS_MPRV | (uint64_t)VCPU_PRIV_S <<
		     MMU_MSTATUS_MPP_SHIFT;
	mmu_sync_ctx(m);
	LOAD_FAULT(0x1000, 8, MMU_CAUSE_LOAD_ACCESS);
	ck_assert_int_eq(pf.calls, 0);
}
END_TEST

START_TEST(test_pmp_on_translated_pa)
{
	vm_on(SV39);
	map(0x1000, P1, 0, RW);
	/* entry 0: P1 read-only; entry 1: everything */
	mmu_pmp_write_cfg(m, 0, 0);
	mmu_pmp_write_addr(m, 0, napot4k(P1));
	mmu_pmp_write_addr(m, 1, ~0ull);
	mmu_pmp_write_cfg(m, 0, NAPOT(MMU_PMP_R) | (uint64_t)NAPOT(7) << 8);
	set_priv(VCPU_PRIV_S);
	LOAD_OK(0x1000, 8, P1);
	/* the page allows it, PMP on its physical address does not */
	STORE_FAULT(0x1000, 8, MMU_CAUSE_STORE_ACCESS);
	ck_assert_int_eq(pf.calls, 0);
}
END_TEST

/* ---- the page-fault hook ---- */

START_TEST(test_page_fault_hook)
{
	uint64_t v;
	uint32_t insn;

	vm_on(SV48);
	map(0x1000, RAM_BASE + 0x1000, 0, R | A);
	set_priv(VCPU_PRIV_S);
	st.pc = 0xffffffff80001000ull;
	ck_assert_int_eq(mmu_load(m, 0x7008, 4, &v), -EFAULT);
	ck_assert_int_eq(pf.calls, 1);
	ck_assert_uint_eq(pf.addr, 0x7008);
	ck_assert_uint_eq(pf.pc, 0xffffffff80001000ull);
	ck_assert_int_eq(pf.access, 'r');
	ck_assert_int_eq(pf.cause, MMU_CAUSE_LOAD_PAGE);
	st.pc = 0x1234;
	ck_assert_int_eq(mmu_store(m, 0x1010, 8, 0), -EFAULT);
	ck_assert_int_eq(pf.calls, 2);
	ck_assert_uint_eq(pf.addr, 0x1010);
	ck_assert_uint_eq(pf.pc, 0x1234);
	ck_assert_int_eq(pf.access, 'w');
	ck_assert_int_eq(pf.cause, MMU_CAUSE_STORE_PAGE);
	/* a fetch knows its own pc, whatever state->pc still says */
	ck_assert_int_eq(mmu_fetch_insn(m, 0x1000, &insn), -EFAULT);
	ck_assert_int_eq(pf.calls, 3);
	ck_assert_uint_eq(pf.addr, 0x1000);
	ck_assert_uint_eq(pf.pc, 0x1000);
	ck_assert_int_eq(pf.access, 'x');
	ck_assert_int_eq(pf.cause, MMU_CAUSE_FETCH_PAGE);
	/* access faults are not page faults */
	set_priv(VCPU_PRIV_M);
	ck_assert_int_eq(mmu_load(m, 0x1000, 4, &v), -EFAULT);
	ck_assert_int_eq(pf.calls, 3);
	/* unhooked */
	mmu_set_page_fault_hook(m, NULL, NULL);
	set_priv(VCPU_PRIV_S);
	ck_assert_int_eq(mmu_load(m, 0x7008, 4, &v), -EFAULT);
	ck_assert_int_eq(pf.calls, 3);
}
END_TEST

static TCase *add_case(Suite *s, const char *name, const TTest **tests,
		       size_t n)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return tc;
}

#define ADD_CASE(s, name, ...) do { \
	const TTest *t_[] = { __VA_ARGS__ }; \
	tc = add_case((s), (name), t_, sizeof(t_) / sizeof(t_[0])); \
} while (0)

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *tc;

	ADD_CASE(s, "bare", test_new_rejects_bad_config, test_bare_ram,
		 test_bare_unmapped_is_access_fault, test_mmio_routing,
		 test_mmio_absent_router);
	ADD_CASE(s, "translation", test_sv39_4k, test_sv39_superpages,
		 test_sv39_negative_canonical, test_sv48_all_sizes,
		 test_misaligned_superpage, test_reserved_encodings,
		 test_nonleaf_reserved_bits, test_context_changes, test_mprv,
		 test_page_table_outside_ram, test_satp_warl,
		 test_accessed_dirty, test_dirty_clear_write_entry_not_cached,
		 test_ad_update_is_atomic, test_page_fault_hook);
	tcase_add_loop_test(tc, test_permission_matrix, 0,
			    (int)(sizeof(perm_cases) / sizeof(perm_cases[0])));
	ADD_CASE(s, "tlb", test_tlb_hit_and_sfence, test_sfence_superpage,
		 test_context_tables_separate, test_fill_uses_current_state);
	ADD_CASE(s, "access", test_misaligned_in_page,
		 test_misaligned_across_pages,
		 test_cross_page_store_fault_writes_nothing,
		 test_cross_page_ram_end, test_fetch_across_pages,
		 test_fetch_pmp_no_exec, test_host_ptr, test_translate);
	ADD_CASE(s, "pmp", test_pmp_regions_s_mode, test_pmp_m_mode_and_lock,
		 test_pmp_locked_na4_and_napot, test_pmp_warl_and_no_entries,
		 test_pmp_guards_page_tables, test_pmp_on_translated_pa);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mmu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
