/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the vcpu: the interpreter, CSR file, traps, interrupts,
 * WFI, atomics, counters, CLINT/PLIC, boot ROM and HTIF (the decoders of
 * untrusted input, instructions and ELF images, are in test_decode.c).
 * Small programs are assembled by the helpers below into a RAM buffer and
 * run with vcpu_run(); every expected value comes from the ISA and
 * privileged specifications (v1.12), worked out by hand in the comments.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmu/memmap.h"
#include "vcpu/internal.h"
#include "vcpu/priv.h"
#include "vcpu/vcpu.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define TVEC     (RAM_BASE + 0x800)   /* trap vector: a run of nops */
#define DATA     (RAM_BASE + 0x10000)

/* ---- a small assembler ---- */

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3,
		       unsigned rd, unsigned opc)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t i_type(int32_t imm, unsigned rs1, unsigned f3, unsigned rd,
		       unsigned opc)
{
	return (uint32_t)imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (u & 0x1f) << 7 | 0x23;
}

#define ADDI(rd, rs1, imm)  i_type(imm, rs1, 0, rd, 0x13)
#define NOP                 ADDI(0, 0, 0)
#define LD(rd, rs1, imm)    i_type(imm, rs1, 3, rd, 0x03)
#define SD(rs2, rs1, imm)   s_type(imm, rs2, rs1, 3)
#define OP(f7, f3, rd, rs1, rs2)  r_type(f7, rs2, rs1, f3, rd, 0x33)
#define OPW(f7, f3, rd, rs1, rs2) r_type(f7, rs2, rs1, f3, rd, 0x3b)
#define CSRRW(rd, csr, rs1) i_type(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) i_type(csr, rs1, 2, rd, 0x73)
#define CSRR(rd, csr)       CSRRS(rd, csr, 0)
#define ECALL   0x00000073u
#define EBREAK  0x00100073u
#define MRET    0x30200073u
#define SRET    0x10200073u
#define WFI     0x10500073u
#define AMO(f5, f3, rd, rs1, rs2) r_type((f5) << 2, rs2, rs1, f3, rd, 0x2f)

/* ---- the fixture: one hart over 1 MiB of RAM ---- */

static uint8_t *ram;
static struct vcpu_state st;
static struct vcpu_irqchip chip;
static struct vcpu *v;
static struct { int writes; uint64_t pa, val; } io;
static struct { int calls; uint64_t addr, pc; int access, cause; } pf;

static void on_page_fault(void *opaque, uint64_t addr, uint64_t pc,
			  int access, int cause)
{
	(void)opaque;
	pf.calls++;
	pf.addr = addr;
	pf.pc = pc;
	pf.access = access;
	pf.cause = cause;
}

static int test_io(void *opaque, uint64_t pa, unsigned size, int is_write,
		   uint64_t *val)
{
	(void)opaque;
	(void)size;
	if (is_write) {
		io.writes++;
		io.pa = pa;
		io.val = *val;
	} else {
		*val = 0;
	}
	return 0;
}

static void setup(void)
{
	ck_assert_int_eq(posix_memalign((void **)&ram, 4096, RAM_SIZE), 0);
	memset(ram, 0, RAM_SIZE);
	for (unsigned i = 0; i < 64; i++)
		memcpy(ram + (TVEC - RAM_BASE) + 4 * i, &(uint32_t){ NOP }, 4);
	vcpu_irqchip_init(&chip, 1);
	vcpu_state_reset(&st, 0, RAM_BASE);
	st.mtvec = TVEC;
	/* One NAPOT entry over everything, so S and U may access memory. */
	st.pmpaddr[0] = ~0ull >> 10;
	st.pmpcfg[0] = 0x1f;
	memset(&io, 0, sizeof(io));
	memset(&pf, 0, sizeof(pf));
	v = vcpu_new(&(struct vcpu_config){
		.state = &st, .chip = &chip, .ram = ram, .ram_base = RAM_BASE,
		.ram_size = RAM_SIZE, .dev_mmio = test_io,
		.on_page_fault = on_page_fault,
	});
	ck_assert_ptr_nonnull(v);
}

static void teardown(void)
{
	vcpu_destroy(&v);
	ck_assert_ptr_null(v);
	vcpu_destroy(&v);
	free(ram);
}

/* Place @n words at RAM_BASE and point pc at them. */
static void load(const uint32_t *w, size_t n)
{
	memcpy(ram, w, n * 4);
	st.pc = RAM_BASE;
}

static uint64_t *data64(uint64_t off)
{
	return (uint64_t *)(ram + (DATA - RAM_BASE) + off);
}

#define LOAD(...) do { const uint32_t p_[] = { __VA_ARGS__ }; \
	load(p_, sizeof(p_) / sizeof(p_[0])); } while (0)

/* Run exactly @n instructions (trapping ones count). */
static void run(uint64_t n)
{
	ck_assert_int_eq(vcpu_run(v, n), VCPU_EXIT_LIMIT);
}

/* Run the one instruction @insn at RAM_BASE in privilege @priv; returns
 * whether it trapped (to M: mcause holds the cause). */
static int exec1(uint32_t insn, unsigned priv)
{
	LOAD(insn);
	st.priv = priv;
	mmu_sync_ctx(v->mmu);
	st.mcause = 0xdead;
	run(1);
	return st.pc == TVEC;
}

/* ---- tests ---- */

START_TEST(test_reset_state)
{
	ck_assert_uint_eq(st.priv, VCPU_PRIV_M);
	ck_assert_uint_eq(st.misa, VCPU_MISA_RV64GC);
	ck_assert_uint_eq(st.reservation, ~0ull);
	ck_assert_ptr_null(vcpu_new(NULL));
	ck_assert_ptr_null(vcpu_new(&(struct vcpu_config){ .state = &st }));
}
END_TEST

START_TEST(test_arith_edges)
{
	const uint64_t min64 = 1ull << 63;

	st.x[1] = min64;
	st.x[2] = ~0ull;                  /* -1 */
	st.x[3] = 0;
	st.x[4] = 7;
	st.x[12] = 0xffffffff80000000ull; /* INT32_MIN, sign-extended */
	st.x[18] = 0x7fffffff;
	st.x[19] = 1;
	st.x[21] = 33;
	st.x[23] = 65;
	st.x[25] = 4;
	LOAD(OP(1, 4, 5, 1, 2),       /* div   x5 = MIN / -1 -> MIN       */
	     OP(1, 6, 6, 1, 2),       /* rem   x6 = MIN % -1 -> 0         */
	     OP(1, 4, 7, 4, 3),       /* div   x7 = 7 / 0 -> -1           */
	     OP(1, 5, 8, 4, 3),       /* divu  x8 = 7 / 0 -> 2^64-1       */
	     OP(1, 6, 9, 4, 3),       /* rem   x9 = 7 % 0 -> 7            */
	     OP(1, 7, 10, 4, 3),      /* remu  x10 = 7 % 0 -> 7           */
	     OPW(1, 4, 13, 12, 2),    /* divw  x13 = INT32_MIN / -1       */
	     OPW(1, 6, 14, 12, 2),    /* remw  x14 -> 0                   */
	     OPW(1, 5, 15, 4, 3),     /* divuw x15 = 7 / 0 -> -1          */
	     OPW(1, 7, 16, 12, 3),    /* remuw x16 = 0x80000000 % 0 -> sext */
	     OPW(0, 0, 17, 18, 19),   /* addw  x17 = 0x7fffffff + 1       */
	     OPW(0, 1, 20, 19, 21),   /* sllw  x20 = 1 << (33 & 31) = 2   */
	     OP(0, 1, 22, 19, 23),    /* sll   x22 = 1 << (65 & 63) = 2   */
	     OPW(0x20, 5, 24, 12, 25),/* sraw  x24 = INT32_MIN >> 4       */
	     OPW(0, 5, 26, 12, 25),   /* srlw  x26 = 0x80000000 >> 4      */
	     OP(1, 1, 27, 1, 1),      /* mulh  x27 = (2^63)^2 >> 64 = 2^62 */
	     OP(1, 3, 28, 2, 2),      /* mulhu x28 = (2^64-1)^2 >> 64      */
	     OP(1, 2, 29, 2, 2),      /* mulhsu x29 = -1 * (2^64-1) >> 64  */
	     OPW(1, 0, 30, 18, 18),   /* mulw  x30 = low32(0x7fffffff^2) = 1 */
	     i_type(1, 18, 0, 31, 0x1b), /* addiw x31 = 0x7fffffff + 1     */
	     ADDI(0, 4, 5),           /* addi  x0 = 12: discarded          */
	     OP(0x20, 5, 11, 1, 25)); /* sra   x11 = MIN >> 4              */
	run(22);
	ck_assert_uint_eq(st.x[5], min64);
	ck_assert_uint_eq(st.x[6], 0);
	ck_assert_uint_eq(st.x[7], ~0ull);
	ck_assert_uint_eq(st.x[8], ~0ull);
	ck_assert_uint_eq(st.x[9], 7);
	ck_assert_uint_eq(st.x[10], 7);
	ck_assert_uint_eq(st.x[13], 0xffffffff80000000ull);
	ck_assert_uint_eq(st.x[14], 0);
	ck_assert_uint_eq(st.x[15], ~0ull);
	ck_assert_uint_eq(st.x[16], 0xffffffff80000000ull);
	ck_assert_uint_eq(st.x[17], 0xffffffff80000000ull);
	ck_assert_uint_eq(st.x[20], 2);
	ck_assert_uint_eq(st.x[22], 2);
	ck_assert_uint_eq(st.x[24], 0xfffffffff8000000ull);
	ck_assert_uint_eq(st.x[26], 0x08000000ull);
	ck_assert_uint_eq(st.x[27], 1ull << 62);
	ck_assert_uint_eq(st.x[28], 0xfffffffffffffffeull);
	ck_assert_uint_eq(st.x[29], ~0ull);
	ck_assert_uint_eq(st.x[30], 1);
	ck_assert_uint_eq(st.x[31], 0xffffffff80000000ull);
	ck_assert_uint_eq(st.x[0], 0);
	ck_assert_uint_eq(st.x[11], 0xf800000000000000ull);
	ck_assert_uint_eq(st.pc, RAM_BASE + 22 * 4);
	ck_assert_uint_eq(st.minstret, 22);
}
END_TEST

START_TEST(test_jumps_and_compressed)
{
	/* 0: jal x1, +8 ; 4: (skipped) addi x5, x0, 1 ; 8: c.li x6, -3 ;
	 * 10: c.addi x6, 5 ; 12: auipc x7, 0 ; 16: jalr x8, 8(x7) -> 24 ;
	 * 20: (skipped) ; 24: c.mv x9, x8 ; 26: bltu x0(0) < x6(2) -> +6 ;
	 * 30: (skipped) c.nop ; 32: blt x6 < x0? no -> 36 */
	uint16_t c[32];

	memset(c, 0, sizeof(c));
	memcpy(&c[0], &(uint32_t){ (0x008u << 20 | 1u << 7 | 0x6f) }, 4);
	memcpy(&c[2], &(uint32_t){ ADDI(5, 0, 1) }, 4);
	c[4] = 0x5375;                       /* c.li x6, -3 */
	c[5] = 0x0315;                       /* c.addi x6, 5 */
	memcpy(&c[6], &(uint32_t){ 0x00000397 }, 4);          /* auipc x7, 0 */
	memcpy(&c[8], &(uint32_t){ i_type(12, 7, 0, 8, 0x67) }, 4); /* jalr x8, 12(x7) */
	c[12] = 0x84a2;                      /* c.mv x9, x8 */
	memcpy(&c[13], &(uint32_t){ 0x00606363 }, 4); /* bltu x0, x6, +6 */
	c[15] = 0x0001;
	memcpy(&c[16], &(uint32_t){ 0x00034463 }, 4); /* blt x6, x0, +8 */
	memcpy(ram, c, sizeof(c));
	st.pc = RAM_BASE;
	run(8);
	ck_assert_uint_eq(st.x[1], RAM_BASE + 4);
	ck_assert_uint_eq(st.x[5], 0);
	ck_assert_uint_eq(st.x[6], 2);
	ck_assert_uint_eq(st.x[7], RAM_BASE + 12);
	ck_assert_uint_eq(st.x[8], RAM_BASE + 20);
	ck_assert_uint_eq(st.x[9], RAM_BASE + 20);
	ck_assert_uint_eq(st.pc, RAM_BASE + 36);
}
END_TEST

START_TEST(test_self_modifying_code)
{
	/* A store rewrites a later instruction of the same block: the new
	 * instruction runs, even without FENCE.I. */
	st.x[2] = RAM_BASE;
	st.x[3] = ADDI(1, 0, 2);
	LOAD(s_type(8, 3, 2, 2),              /* sw x3, 8(x2)     */
	     NOP,
	     ADDI(1, 0, 1));                  /* becomes addi x1, x0, 2 */
	run(3);
	ck_assert_uint_eq(st.x[1], 2);
	/* ...and a block that already ran is re-read when it changes. */
	st.x[3] = ADDI(1, 0, 3);
	LOAD(ADDI(1, 0, 1), s_type(0, 3, 2, 2), 0xff9ff06f); /* ...; j -8 */
	run(4);
	ck_assert_uint_eq(st.x[1], 3);
}
END_TEST

START_TEST(test_insn_across_pages)
{
	uint8_t *p = ram + 0xffc;

	memcpy(p, &(uint16_t){ 0x0001 }, 2);                /* c.nop */
	memcpy(p + 2, &(uint32_t){ ADDI(1, 0, 5) }, 4);     /* at 0xffe */
	memcpy(p + 6, &(uint16_t){ 0x0001 }, 2);
	st.pc = RAM_BASE + 0xffc;
	run(3);
	ck_assert_uint_eq(st.x[1], 5);
	ck_assert_uint_eq(st.pc, RAM_BASE + 0x1004);
}
END_TEST

START_TEST(test_load_store_and_faults)
{
	st.x[2] = DATA;
	st.x[3] = 0x1122334455667788ull;
	st.x[9] = 0x77;
	LOAD(SD(3, 2, 8),                     /* sd x3, 8(x2)            */
	     i_type(8, 2, 0, 4, 0x03),        /* lb x4, 8(x2) = 0xff..88 */
	     i_type(12, 2, 6, 5, 0x03),       /* lwu x5, 12(x2)          */
	     i_type(12, 2, 2, 6, 0x03),       /* lw x6, 12(x2)           */
	     LD(9, 0, 16));                   /* ld x9, 16(x0): access fault */
	run(5);
	ck_assert_uint_eq(*data64(8), 0x1122334455667788ull);
	ck_assert_uint_eq(st.x[4], 0xffffffffffffff88ull);
	ck_assert_uint_eq(st.x[5], 0x11223344);
	ck_assert_uint_eq(st.x[6], 0x11223344);
	/* Precise: rd untouched, mepc at the load, mtval the address. */
	ck_assert_uint_eq(st.x[9], 0x77);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_LOAD_ACCESS);
	ck_assert_uint_eq(st.mepc, RAM_BASE + 16);
	ck_assert_uint_eq(st.mtval, 16);
	ck_assert_uint_eq(st.pc, TVEC);
	ck_assert_uint_eq(st.minstret, 4);
}
END_TEST

START_TEST(test_page_faults)
{
	/* Sv39 with an empty root table: every translated access faults. */
	st.satp = 8ull << 60 | DATA >> 12;
	LOAD(LD(1, 2, 0));
	st.priv = VCPU_PRIV_S;
	mmu_tlb_flush_all(v->mmu);
	mmu_sync_ctx(v->mmu);
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_FETCH_PAGE);
	ck_assert_uint_eq(st.mtval, RAM_BASE);
	ck_assert_uint_eq(st.mepc, RAM_BASE);
	ck_assert_int_eq(pf.calls, 1);
	ck_assert_int_eq(pf.access, 'x');
	/* M-mode code with MPRV = 1, MPP = S: the load is translated. */
	st.pc = RAM_BASE;
	st.x[2] = 0x40000008;
	st.x[1] = 0x55;
	st.mstatus = (st.mstatus & ~VCPU_MSTATUS_MPP) | 1ull << 11 |
		     VCPU_MSTATUS_MPRV;
	mmu_sync_ctx(v->mmu);
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_LOAD_PAGE);
	ck_assert_uint_eq(st.mtval, 0x40000008);
	ck_assert_uint_eq(st.x[1], 0x55);
	ck_assert_int_eq(pf.calls, 2);
	ck_assert_uint_eq(pf.pc, RAM_BASE);
	ck_assert_uint_eq(pf.addr, 0x40000008);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_M);
}
END_TEST

START_TEST(test_fp_integration)
{
	const uint32_t flw = i_type(0, 2, 2, 1, 0x07);       /* flw f1, 0(x2) */
	const uint32_t fadd_d = r_type(0x01, 4, 3, 7, 5, 0x53); /* fadd.d f5, f3, f4 */
	double a = 1.5, b = 2.25, c;

	st.x[2] = DATA;
	*data64(0) = 0x3fc00000;                              /* 1.5f */
	/* FS = Off: FP loads and arithmetic are illegal. */
	st.mstatus &= ~VCPU_MSTATUS_FS;
	ck_assert(exec1(flw, VCPU_PRIV_M));
	ck_assert_uint_eq(st.mcause, VCPU_EXC_ILLEGAL);
	ck_assert(exec1(fadd_d, VCPU_PRIV_M));
	ck_assert_uint_eq(st.mtval, fadd_d);
	/* FS = Initial: FLW NaN-boxes, and the state becomes Dirty. */
	st.mstatus |= 1ull << VCPU_MSTATUS_FS_SHIFT;
	ck_assert(!exec1(flw, VCPU_PRIV_M));
	ck_assert_uint_eq(st.f[1], 0xffffffff3fc00000ull);
	ck_assert_uint_eq(st.mstatus & VCPU_MSTATUS_FS, VCPU_MSTATUS_FS);
	memcpy(&st.f[3], &a, 8);
	memcpy(&st.f[4], &b, 8);
	ck_assert(!exec1(fadd_d, VCPU_PRIV_M));
	memcpy(&c, &st.f[5], 8);
	ck_assert(c == 3.75);
	/* fsd stores all 64 bits; a reserved rounding mode is illegal. */
	ck_assert(!exec1(s_type(8, 5, 2, 3) | 0x04, VCPU_PRIV_M)); /* fsd f5, 8(x2) */
	ck_assert_uint_eq(*data64(8), st.f[5]);
	ck_assert(exec1(r_type(0x01, 4, 3, 5, 5, 0x53), VCPU_PRIV_M));
}
END_TEST

START_TEST(test_mmio_routing)
{
	uint64_t uart = mmu_memmap[MMU_MEM_UART0].base;

	st.x[2] = uart;
	st.x[3] = 'A';
	LOAD(s_type(0, 3, 2, 0));            /* sb x3, 0(x2) */
	run(1);
	ck_assert_int_eq(io.writes, 1);
	ck_assert_uint_eq(io.pa, uart);
	ck_assert_uint_eq(io.val, 'A');
}
END_TEST

START_TEST(test_csr_access_rules)
{
	uint32_t insn;

	/* U-mode reading mstatus: illegal, mtval = the encoding. */
	insn = CSRR(1, VCPU_CSR_MSTATUS);
	ck_assert(exec1(insn, VCPU_PRIV_U));
	ck_assert_uint_eq(st.mcause, VCPU_EXC_ILLEGAL);
	ck_assert_uint_eq(st.mtval, insn);
	ck_assert_uint_eq(st.mepc, RAM_BASE);
	ck_assert_uint_eq((st.mstatus & VCPU_MSTATUS_MPP) >> 11, VCPU_PRIV_U);
	/* S-mode too; M-mode may. */
	ck_assert(exec1(insn, VCPU_PRIV_S));
	ck_assert(!exec1(insn, VCPU_PRIV_M));
	/* Writing a read-only CSR (mhartid), even with x0 as the source. */
	ck_assert(exec1(CSRRW(0, VCPU_CSR_MHARTID, 0), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mcause, VCPU_EXC_ILLEGAL);
	/* csrrs with rs1 = x0 does not write: fine on a read-only CSR. */
	ck_assert(!exec1(CSRR(1, VCPU_CSR_MHARTID), VCPU_PRIV_M));
	/* Unknown CSRs, pmpcfg1 (RV32 only), hypervisor CSRs. */
	ck_assert(exec1(CSRR(1, 0x7c0), VCPU_PRIV_M));
	ck_assert(exec1(CSRR(1, 0x3a1), VCPU_PRIV_M));
	ck_assert(exec1(CSRR(1, 0x600), VCPU_PRIV_M));
	/* Read-only-zero ids and hpm counters. */
	st.x[1] = 5;
	ck_assert(!exec1(CSRR(1, VCPU_CSR_MVENDORID), VCPU_PRIV_M));
	ck_assert_uint_eq(st.x[1], 0);
	ck_assert(!exec1(CSRR(1, VCPU_CSR_MHPMCOUNTER3 + 4), VCPU_PRIV_M));
	ck_assert(!exec1(CSRR(1, VCPU_CSR_MISA), VCPU_PRIV_M));
	ck_assert_uint_eq(st.x[1], VCPU_MISA_RV64GC);
}
END_TEST

START_TEST(test_csr_fs_and_counters)
{
	/* FP CSRs need mstatus.FS != Off. */
	st.mstatus &= ~VCPU_MSTATUS_FS;
	ck_assert(exec1(CSRR(1, VCPU_CSR_FCSR), VCPU_PRIV_M));
	st.mstatus |= 1ull << VCPU_MSTATUS_FS_SHIFT;          /* Initial */
	st.x[2] = 0xff;
	ck_assert(!exec1(CSRRW(1, VCPU_CSR_FRM, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.fcsr, 7u << 5);
	ck_assert_uint_eq(st.mstatus & VCPU_MSTATUS_FS, VCPU_MSTATUS_FS);
	ck_assert(!exec1(CSRR(1, VCPU_CSR_MSTATUS), VCPU_PRIV_M));
	ck_assert(st.x[1] & VCPU_MSTATUS_SD);
	ck_assert_uint_eq((st.x[1] >> 32) & 0xf, 0xa);       /* UXL = SXL = 2 */

	/* cycle from S needs mcounteren.CY; from U also scounteren.CY. */
	st.mcounteren = 0;
	ck_assert(exec1(CSRR(1, VCPU_CSR_CYCLE), VCPU_PRIV_S));
	st.mcounteren = 1;
	ck_assert(!exec1(CSRR(1, VCPU_CSR_CYCLE), VCPU_PRIV_S));
	ck_assert(exec1(CSRR(1, VCPU_CSR_CYCLE), VCPU_PRIV_U));
	st.scounteren = 1;
	ck_assert(!exec1(CSRR(1, VCPU_CSR_CYCLE), VCPU_PRIV_U));
	ck_assert(exec1(CSRR(1, VCPU_CSR_TIME), VCPU_PRIV_U));
	st.mcounteren = st.scounteren = 2;
	ck_assert(!exec1(CSRR(1, VCPU_CSR_TIME), VCPU_PRIV_U));
	/* Counters are read-only in the user range. */
	ck_assert(exec1(CSRRW(0, VCPU_CSR_CYCLE, 1), VCPU_PRIV_M));
}
END_TEST

START_TEST(test_csr_warl_and_views)
{
	/* MPP = 2 is reserved: the write keeps the old MPP. */
	st.mstatus |= 1ull << 11;
	st.x[2] = 2ull << 11 | VCPU_MSTATUS_MIE;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MSTATUS, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mstatus & VCPU_MSTATUS_MPP, 1ull << 11);
	ck_assert(st.mstatus & VCPU_MSTATUS_MIE);
	/* sstatus writes reach SIE but not MIE. */
	st.x[2] = VCPU_MSTATUS_SIE;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_SSTATUS, 2), VCPU_PRIV_S));
	ck_assert(st.mstatus & VCPU_MSTATUS_SIE);
	ck_assert(st.mstatus & VCPU_MSTATUS_MIE);
	/* mip: MSIP is the CLINT's, SSIP/STIP/SEIP are writable by M. */
	st.x[2] = VCPU_MIP_MSIP | VCPU_MIP_SSIP | VCPU_MIP_STIP;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MIP, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mip, VCPU_MIP_SSIP | VCPU_MIP_STIP);
	/* sip: only SSIP, and only when delegated. */
	st.x[2] = 0;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_SIP, 2), VCPU_PRIV_S));
	ck_assert_uint_eq(st.mip, VCPU_MIP_SSIP | VCPU_MIP_STIP);
	st.mideleg = VCPU_MIP_SSIP | VCPU_MIP_STIP;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_SIP, 2), VCPU_PRIV_S));
	ck_assert_uint_eq(st.mip, VCPU_MIP_STIP);
	/* mideleg takes S-level interrupts only; medeleg never ECALL-from-M. */
	st.x[2] = ~0ull;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MIDELEG, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mideleg, VCPU_MIP_S_MASK);
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MEDELEG, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.medeleg & (1u << 11), 0);
	ck_assert(st.medeleg & (1u << 8));
	st.medeleg = 0;
	/* mepc drops bit 0; mtvec keeps a vectored mode, ignores mode 2. */
	st.x[2] = 0x80000123;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MEPC, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mepc, 0x80000122);
	st.x[2] = TVEC | 1;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MTVEC, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mtvec, TVEC | 1);
	st.x[2] = 0x80004002;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_MTVEC, 2), VCPU_PRIV_M));
	ck_assert_uint_eq(st.mtvec, TVEC | 1);
	st.mtvec = TVEC;
	/* satp: TVM makes it illegal from S; an unsupported mode is ignored. */
	st.x[2] = 5ull << 60 | 0x1234;
	ck_assert(!exec1(CSRRW(0, VCPU_CSR_SATP, 2), VCPU_PRIV_S));
	ck_assert_uint_eq(st.satp, 0);
	st.mstatus |= VCPU_MSTATUS_TVM;
	ck_assert(exec1(CSRR(1, VCPU_CSR_SATP), VCPU_PRIV_S));
	ck_assert(!exec1(CSRR(1, VCPU_CSR_SATP), VCPU_PRIV_M));
	ck_assert(exec1(r_type(9, 0, 0, 0, 0, 0x73), VCPU_PRIV_S)); /* sfence.vma */
}
END_TEST

START_TEST(test_trap_delegation)
{
	/* ECALL from U delegated to S. */
	st.medeleg = 1u << VCPU_EXC_ECALL_U;
	st.stvec = TVEC + 0x40;
	st.mstatus |= VCPU_MSTATUS_SIE;
	ck_assert(!exec1(ECALL, VCPU_PRIV_U));
	ck_assert_uint_eq(st.pc, TVEC + 0x40);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_S);
	ck_assert_uint_eq(st.scause, VCPU_EXC_ECALL_U);
	ck_assert_uint_eq(st.sepc, RAM_BASE);
	ck_assert_uint_eq(st.stval, 0);
	ck_assert(!(st.mstatus & VCPU_MSTATUS_SPP));
	ck_assert(st.mstatus & VCPU_MSTATUS_SPIE);
	ck_assert(!(st.mstatus & VCPU_MSTATUS_SIE));
	ck_assert_uint_eq(st.mcause, 0xdead);
	ck_assert_uint_eq(st.minstret, 0);      /* a trapping ecall does not retire */

	/* SRET back to U at sepc + 4, SIE restored from SPIE. */
	st.sepc = RAM_BASE + 0x100;
	ck_assert(!exec1(SRET, VCPU_PRIV_S));
	ck_assert_uint_eq(st.pc, RAM_BASE + 0x100);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_U);
	ck_assert(st.mstatus & VCPU_MSTATUS_SIE);
	ck_assert(st.mstatus & VCPU_MSTATUS_SPIE);

	/* ECALL from S is not delegated: M takes cause 9 with MPP = S. */
	ck_assert(exec1(ECALL, VCPU_PRIV_S));
	ck_assert_uint_eq(st.mcause, VCPU_EXC_ECALL_S);
	ck_assert_uint_eq((st.mstatus & VCPU_MSTATUS_MPP) >> 11, VCPU_PRIV_S);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_M);
	/* Delegation never moves a trap out of M-mode. */
	st.medeleg = 1u << VCPU_EXC_BREAKPOINT;
	ck_assert(exec1(EBREAK, VCPU_PRIV_M));
	ck_assert_uint_eq(st.mcause, VCPU_EXC_BREAKPOINT);
	ck_assert_uint_eq(st.mtval, RAM_BASE);   /* breakpoint tval = pc */
	/* c.ebreak, and an illegal compressed encoding's tval. */
	memcpy(ram, &(uint32_t){ 0x9002 }, 4);
	st.pc = RAM_BASE;
	st.priv = VCPU_PRIV_M;
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_BREAKPOINT);
	memcpy(ram, &(uint32_t){ 0x6401 }, 4);   /* c.lui x8, 0: reserved */
	st.pc = RAM_BASE;
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_ILLEGAL);
	ck_assert_uint_eq(st.mtval, 0x6401);
}
END_TEST

START_TEST(test_xret_rules)
{
	/* MRET to U: MIE from MPIE, MPIE = 1, MPP = U, MPRV cleared. */
	st.mepc = RAM_BASE + 0x200;
	st.mstatus = (st.mstatus & ~VCPU_MSTATUS_MPP) | VCPU_MSTATUS_MPRV |
		     VCPU_MSTATUS_MPIE;
	ck_assert(!exec1(MRET, VCPU_PRIV_M));
	ck_assert_uint_eq(st.pc, RAM_BASE + 0x200);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_U);
	ck_assert(st.mstatus & VCPU_MSTATUS_MIE);
	ck_assert(st.mstatus & VCPU_MSTATUS_MPIE);
	ck_assert(!(st.mstatus & VCPU_MSTATUS_MPRV));
	/* MRET to M keeps MPRV. */
	st.mstatus |= VCPU_MSTATUS_MPP | VCPU_MSTATUS_MPRV;
	ck_assert(!exec1(MRET, VCPU_PRIV_M));
	ck_assert_uint_eq(st.priv, VCPU_PRIV_M);
	ck_assert(st.mstatus & VCPU_MSTATUS_MPRV);
	st.mstatus &= ~VCPU_MSTATUS_MPRV;
	/* MRET outside M, SRET in U, SRET in S with TSR: illegal. */
	ck_assert(exec1(MRET, VCPU_PRIV_S));
	ck_assert(exec1(SRET, VCPU_PRIV_U));
	st.mstatus |= VCPU_MSTATUS_TSR;
	ck_assert(exec1(SRET, VCPU_PRIV_S));
	ck_assert(!exec1(SRET, VCPU_PRIV_M));
	/* WFI: illegal in U; in S only with TW clear. */
	ck_assert(exec1(WFI, VCPU_PRIV_U));
	st.mstatus |= VCPU_MSTATUS_TW;
	ck_assert(exec1(WFI, VCPU_PRIV_S));
}
END_TEST

/* Run one nop (after the interrupt check vcpu_run does first); returns
 * the mcause of an interrupt taken, or 0. */
static uint64_t irq_step(void)
{
	LOAD(NOP);
	st.mcause = 0;
	st.scause = 0;
	run(1);
	return st.mcause ? st.mcause : st.scause;
}

START_TEST(test_irq_priority)
{
	const uint64_t I = VCPU_CAUSE_INTR;

	st.mie = VCPU_MIP_ALL;
	st.mstatus |= VCPU_MSTATUS_MIE;
	st.mip = VCPU_MIP_SSIP | VCPU_MIP_STIP | VCPU_MIP_SEIP;
	chip.hart[0].msip = 1;
	chip.hart[0].mtimecmp = 0;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_MSI);
	/* The trap cleared MIE: nothing more until it is set again. */
	ck_assert_uint_eq(irq_step(), 0);
	st.mstatus |= VCPU_MSTATUS_MIE;
	chip.hart[0].msip = 0;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_MTI);
	st.mstatus |= VCPU_MSTATUS_MIE;
	chip.hart[0].mtimecmp = ~0ull;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_SEI);
	st.mstatus |= VCPU_MSTATUS_MIE;
	st.mip &= ~VCPU_MIP_SEIP;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_SSI);
	st.mstatus |= VCPU_MSTATUS_MIE;
	st.mip &= ~VCPU_MIP_SSIP;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_STI);
	/* A PLIC line on context 0 is MEIP, above everything. */
	st.mstatus |= VCPU_MSTATUS_MIE;
	chip.hart[0].msip = 1;
	chip.priority[10] = 1;
	chip.enable[0] = 1u << 10;
	vcpu_irqchip_set_line(&chip, 10, 1);
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_MEI);
	ck_assert_uint_eq(st.mepc, RAM_BASE);
	ck_assert_uint_eq(st.pc, TVEC + 4);
}
END_TEST

START_TEST(test_irq_enables_and_delegation)
{
	const uint64_t I = VCPU_CAUSE_INTR;

	st.mie = VCPU_MIP_ALL;
	st.mideleg = VCPU_MIP_SSIP;
	st.stvec = TVEC;
	st.mip = VCPU_MIP_SSIP;
	/* Delegated: never taken in M, whatever MIE says. */
	st.mstatus |= VCPU_MSTATUS_MIE | VCPU_MSTATUS_SIE;
	ck_assert_uint_eq(irq_step(), 0);
	/* Taken in S only with SIE; in U always. */
	st.priv = VCPU_PRIV_S;
	mmu_sync_ctx(v->mmu);
	st.mstatus &= ~VCPU_MSTATUS_SIE;
	ck_assert_uint_eq(irq_step(), 0);
	st.priv = VCPU_PRIV_U;
	mmu_sync_ctx(v->mmu);
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_SSI);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_S);
	ck_assert_uint_eq(st.sepc, RAM_BASE);
	/* M-level interrupts are taken in S even with MIE clear. */
	st.mip = 0;
	st.mstatus &= ~VCPU_MSTATUS_MIE;
	chip.hart[0].msip = 1;
	ck_assert_uint_eq(irq_step(), I | VCPU_IRQ_MSI);
	ck_assert_uint_eq(st.priv, VCPU_PRIV_M);
	ck_assert_uint_eq((st.mstatus & VCPU_MSTATUS_MPP) >> 11, VCPU_PRIV_S);
	/* Vectored mtvec: interrupts at base + 4 * cause. */
	st.mtvec = TVEC | 1;
	st.mstatus |= VCPU_MSTATUS_MIE;
	LOAD(NOP);
	run(1);
	ck_assert_uint_eq(st.mepc, RAM_BASE);
	ck_assert_uint_eq(st.pc, TVEC + 4 * VCPU_IRQ_MSI + 4);
}
END_TEST

static void *raise_msip_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	vcpu_clint_write(&chip, VCPU_CLINT_MSIP, 4, 1);
	return NULL;
}

START_TEST(test_wfi_wakes_on_pending_irq)
{
	pthread_t t;

	/* MSIE enabled in mie but MIE clear: WFI must still wake, and the
	 * interrupt is not taken. */
	st.mie = VCPU_MIP_MSIP;
	LOAD(WFI, ADDI(1, 0, 1));
	ck_assert_int_eq(pthread_create(&t, NULL, raise_msip_later, NULL), 0);
	run(2);
	pthread_join(t, NULL);
	ck_assert_uint_eq(st.x[1], 1);
	ck_assert_uint_eq(st.wfi, 0);
	ck_assert_uint_eq(st.mcause, 0);
	ck_assert_uint_ge(v->wfi_sleeps, 1);
	ck_assert_uint_eq(st.minstret, 2);
}
END_TEST

static void *stop_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	vcpu_stop(&st, &chip);
	return NULL;
}

START_TEST(test_wfi_timer_and_stop)
{
	pthread_t t;

	/* The timer deadline ends the sleep by itself. */
	st.mie = VCPU_MIP_MTIP;
	chip.hart[0].mtimecmp = vcpu_clint_mtime(&chip) + MMU_TIMEBASE_HZ / 200;
	LOAD(WFI, ADDI(1, 0, 1));
	run(2);
	ck_assert_uint_eq(st.x[1], 1);
	ck_assert_uint_ge(vcpu_clint_mtime(&chip), chip.hart[0].mtimecmp);
	/* With nothing to wake it, a stop request (and a kick) ends it. */
	st.mie = 0;
	LOAD(WFI, ADDI(1, 0, 2));
	ck_assert_int_eq(pthread_create(&t, NULL, stop_later, NULL), 0);
	ck_assert_int_eq(vcpu_run(v, 10), VCPU_EXIT_STOP);
	pthread_join(t, NULL);
	ck_assert_uint_eq(st.wfi, 1);
	ck_assert_uint_eq(st.x[1], 1);
	st.stop = 0;
}
END_TEST

START_TEST(test_lr_sc)
{
	st.x[2] = DATA;
	st.x[4] = 0x1234;
	*data64(0) = 99;
	LOAD(AMO(2, 3, 1, 2, 0),      /* lr.d x1, (x2)        */
	     AMO(3, 3, 3, 2, 4),      /* sc.d x3, x4, (x2): ok */
	     AMO(3, 3, 5, 2, 4));     /* sc.d x5, x4, (x2): no reservation */
	st.x[5] = 7;
	run(3);
	ck_assert_uint_eq(st.x[1], 99);
	ck_assert_uint_eq(st.x[3], 0);
	ck_assert_uint_eq(st.x[5], 1);
	ck_assert_uint_eq(*data64(0), 0x1234);
	ck_assert_uint_eq(st.reservation, ~0ull);

	/* Another agent changes the word between LR and SC: SC fails. */
	*data64(8) = 0xffffffff00000005ull;
	st.x[2] = DATA + 8;
	LOAD(AMO(2, 2, 1, 2, 0), AMO(3, 2, 3, 2, 4));
	run(1);
	ck_assert_uint_eq(st.x[1], 5);
	*(uint32_t *)data64(8) = 6;
	run(1);
	ck_assert_uint_eq(st.x[3], 1);
	ck_assert_uint_eq(*data64(8), 0xffffffff00000006ull);

	/* A trap between LR and SC clears the reservation. */
	LOAD(AMO(2, 3, 1, 2, 0), ECALL);
	memcpy(ram + (TVEC - RAM_BASE), &(uint32_t){ AMO(3, 3, 3, 2, 4) }, 4);
	run(3);
	ck_assert_uint_eq(st.x[3], 1);
	memcpy(ram + (TVEC - RAM_BASE), &(uint32_t){ NOP }, 4);
}
END_TEST

START_TEST(test_amo)
{
	st.x[2] = DATA;
	*data64(0) = 0x00000000fffffff0ull;      /* as .w: -16 */
	st.x[6] = 0x20;
	LOAD(AMO(0x00, 2, 5, 2, 6),              /* amoadd.w x5 = -16, mem = 16 */
	     AMO(0x10, 2, 7, 2, 8),              /* amomin.w with x8 = -1 -> -1 */
	     AMO(0x18, 2, 9, 2, 6),              /* amominu.w: min(0xffffffff, 0x20) */
	     AMO(0x14, 3, 10, 2, 11),            /* amomax.d with x11 = 5 */
	     AMO(0x01, 3, 12, 2, 13),            /* amoswap.d x12 <- mem, mem = x13 */
	     AMO(0x0c, 3, 14, 2, 15));           /* amoand.d */
	st.x[8] = ~0ull;
	st.x[11] = 5;
	st.x[13] = 0xf0f0;
	st.x[15] = 0xff00;
	run(6);
	ck_assert_uint_eq(st.x[5], 0xfffffffffffffff0ull);
	ck_assert_uint_eq(st.x[7], 0x10);
	ck_assert_uint_eq(st.x[9], 0xffffffffffffffffull);
	ck_assert_uint_eq(st.x[10], 0x20);
	ck_assert_uint_eq(st.x[12], 0x20);
	ck_assert_uint_eq(st.x[14], 0xf0f0);
	ck_assert_uint_eq(*data64(0), 0xf000);
	/* Misaligned AMO: store/AMO address misaligned; on MMIO: access fault. */
	st.x[2] = DATA + 4;
	LOAD(AMO(0x00, 3, 5, 2, 6));
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_STORE_MISALIGNED);
	ck_assert_uint_eq(st.mtval, DATA + 4);
	st.x[2] = mmu_memmap[MMU_MEM_CLINT].base;
	LOAD(AMO(0x00, 2, 5, 2, 6));
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_STORE_ACCESS);
}
END_TEST

/* A second hart on the same RAM and irqchip, run by its own thread. */
struct hart2 {
	struct vcpu_state st;
	struct vcpu *v;
};

static void *run_hart(void *arg)
{
	struct hart2 *h = arg;

	while (h->st.x[4] != 0)
		vcpu_run(h->v, 4096);
	return NULL;
}

/* Two harts add to one word, with AMOADD.W and with an LR/SC loop: no
 * update may be lost. Loop (at RAM_BASE):
 *   0: amoadd.w x0, x3, (x2)
 *   4: lr.w x5, (x6) ; 8: add x5, x5, x3 ; 12: sc.w x7, x5, (x6)
 *  16: bnez x7, 4 ; 20: addi x4, x4, -1 ; 24: bnez x4, 0 ; 28: j 28 */
START_TEST(test_atomics_two_harts)
{
	const unsigned iters = 200000;
	struct hart2 h[2];
	pthread_t t[2];

	LOAD(AMO(0x00, 2, 0, 2, 3), AMO(2, 2, 5, 6, 0), OP(0, 0, 5, 5, 3),
	     AMO(3, 2, 7, 6, 5), 0xfe039ae3, ADDI(4, 4, -1), 0xfe0214e3,
	     0x0000006f);
	chip.nharts = 2;
	for (int i = 0; i < 2; i++) {
		vcpu_state_reset(&h[i].st, (uint32_t)i, RAM_BASE);
		h[i].st.x[2] = DATA;
		h[i].st.x[3] = 1;
		h[i].st.x[4] = iters;
		h[i].st.x[6] = DATA + 8;
		h[i].v = vcpu_new(&(struct vcpu_config){
			.state = &h[i].st, .chip = &chip, .ram = ram,
			.ram_base = RAM_BASE, .ram_size = RAM_SIZE,
		});
		ck_assert_ptr_nonnull(h[i].v);
	}
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, run_hart, &h[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert_uint_eq(h[i].st.x[4], 0);
		vcpu_destroy(&h[i].v);
	}
	ck_assert_uint_eq(*(uint32_t *)data64(0), 2 * iters);
	ck_assert_uint_eq(*(uint32_t *)data64(8), 2 * iters);
}
END_TEST

START_TEST(test_minstret_exact)
{
	st.x[2] = 100;
	LOAD(NOP, NOP, NOP, NOP, NOP,
	     CSRR(1, VCPU_CSR_MINSTRET),          /* 5 retired before it */
	     CSRRW(0, VCPU_CSR_MINSTRET, 2),      /* = 100, not 101 after */
	     CSRR(3, VCPU_CSR_MINSTRET),          /* 100 */
	     CSRR(4, VCPU_CSR_INSTRET),           /* 101 */
	     ECALL);                              /* does not retire */
	run(10);
	ck_assert_uint_eq(st.x[1], 5);
	ck_assert_uint_eq(st.x[3], 100);
	ck_assert_uint_eq(st.x[4], 101);
	ck_assert_uint_eq(st.minstret, 102);
	ck_assert_uint_eq(st.mcycle, 9);
	/* mcountinhibit.IR stops minstret, not mcycle. */
	st.mcountinhibit = 4;
	LOAD(NOP, NOP);
	run(2);
	ck_assert_uint_eq(st.minstret, 102);
	ck_assert_uint_eq(st.mcycle, 11);
}
END_TEST

START_TEST(test_plic)
{
	uint64_t val;
	const uint64_t ctx_m = VCPU_PLIC_CONTEXT;

	/* Priorities keep 3 bits; source 0 does not exist. */
	ck_assert_int_eq(vcpu_plic_write(&chip, 4 * 3, 4, 0xff), 0);
	ck_assert_int_eq(vcpu_plic_read(&chip, 4 * 3, 4, &val), 0);
	ck_assert_uint_eq(val, 7);
	vcpu_plic_write(&chip, 0, 4, 5);
	vcpu_plic_read(&chip, 0, 4, &val);
	ck_assert_uint_eq(val, 0);
	ck_assert_int_eq(vcpu_plic_read(&chip, 4 * 3, 8, &val), -EINVAL);
	vcpu_plic_write(&chip, 4 * 5, 4, 7);
	vcpu_plic_write(&chip, 4 * 6, 4, 2);
	vcpu_plic_write(&chip, VCPU_PLIC_ENABLE, 4, 1u << 3 | 1u << 5 | 1u << 6);
	vcpu_irqchip_set_line(&chip, 3, 1);
	vcpu_irqchip_set_line(&chip, 6, 1);
	vcpu_plic_read(&chip, VCPU_PLIC_PENDING, 4, &val);
	ck_assert_uint_eq(val, 1u << 3 | 1u << 6);
	ck_assert(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_MEIP);
	ck_assert(!(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_SEIP));
	/* Threshold 6 hides priority 2 but not 7. */
	vcpu_plic_write(&chip, ctx_m, 4, 6);
	vcpu_plic_read(&chip, ctx_m + 4, 4, &val);
	ck_assert_uint_eq(val, 3);
	ck_assert(!(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_MEIP));
	vcpu_plic_read(&chip, ctx_m + 4, 4, &val);
	ck_assert_uint_eq(val, 0);
	vcpu_plic_write(&chip, ctx_m, 4, 0);
	/* Claimed source 3 is in service: a new edge does not pend it. */
	vcpu_irqchip_set_line(&chip, 3, 0);
	vcpu_irqchip_set_line(&chip, 3, 1);
	vcpu_plic_read(&chip, VCPU_PLIC_PENDING, 4, &val);
	ck_assert_uint_eq(val, 1u << 6);
	/* Completing with the line still high re-pends it. */
	vcpu_plic_write(&chip, ctx_m + 4, 4, 3);
	vcpu_plic_read(&chip, VCPU_PLIC_PENDING, 4, &val);
	ck_assert_uint_eq(val, 1u << 3 | 1u << 6);
	/* Equal priorities: the lower id wins. Lowering a line unpends it. */
	vcpu_plic_write(&chip, 4 * 6, 4, 7);
	vcpu_plic_read(&chip, ctx_m + 4, 4, &val);
	ck_assert_uint_eq(val, 3);
	vcpu_irqchip_set_line(&chip, 6, 0);
	vcpu_plic_read(&chip, ctx_m + 4, 4, &val);
	ck_assert_uint_eq(val, 0);
}
END_TEST

START_TEST(test_plic_contexts)
{
	uint64_t val;
	const uint64_t ctx_m = VCPU_PLIC_CONTEXT, ctx_s = ctx_m + 0x1000;

	/* The S context is separate: SEIP, and its own claim. */
	vcpu_plic_write(&chip, 4 * 5, 4, 7);
	vcpu_irqchip_set_line(&chip, 5, 1);
	vcpu_plic_write(&chip, VCPU_PLIC_ENABLE, 4, 0);
	vcpu_plic_write(&chip, VCPU_PLIC_ENABLE + 0x80, 4, 1u << 5);
	ck_assert(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_SEIP);
	ck_assert(!(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_MEIP));
	vcpu_plic_read(&chip, ctx_s + 4, 4, &val);
	ck_assert_uint_eq(val, 5);
	/* Completion of a source not enabled for the context is ignored. */
	vcpu_plic_write(&chip, ctx_m + 4, 4, 5);
	ck_assert_uint_eq(chip.claimed & (1u << 5), 1u << 5);
	vcpu_plic_write(&chip, ctx_s + 4, 4, 5);
	ck_assert_uint_eq(chip.claimed & (1u << 5), 0);
	/* Contexts beyond the harts read 0 and ignore writes. */
	vcpu_plic_write(&chip, ctx_m + 0x1000 * 4, 4, 3);
	vcpu_plic_read(&chip, ctx_m + 0x1000 * 4, 4, &val);
	ck_assert_uint_eq(val, 0);
}
END_TEST

START_TEST(test_clint)
{
	uint64_t a, b, val;

	ck_assert_int_eq(vcpu_clint_read(&chip, VCPU_CLINT_MTIME, 8, &a), 0);
	ck_assert_int_eq(vcpu_clint_read(&chip, VCPU_CLINT_MTIME, 8, &b), 0);
	ck_assert_uint_ge(b, a);
	vcpu_clint_write(&chip, VCPU_CLINT_MTIMECMP, 4, 0x11111111);
	vcpu_clint_write(&chip, VCPU_CLINT_MTIMECMP + 4, 4, 0x22222222);
	vcpu_clint_read(&chip, VCPU_CLINT_MTIMECMP, 8, &val);
	ck_assert_uint_eq(val, 0x2222222211111111ull);
	vcpu_clint_read(&chip, VCPU_CLINT_MTIMECMP + 4, 4, &val);
	ck_assert_uint_eq(val, 0x22222222);
	vcpu_clint_write(&chip, VCPU_CLINT_MSIP, 4, 3);
	vcpu_clint_read(&chip, VCPU_CLINT_MSIP, 4, &val);
	ck_assert_uint_eq(val, 1);
	ck_assert(vcpu_irqchip_lines(&chip, 0, 0) & VCPU_MIP_MSIP);
	ck_assert_int_eq(vcpu_clint_read(&chip, VCPU_CLINT_MSIP, 8, &val), -EINVAL);
	ck_assert_int_eq(vcpu_clint_read(&chip, VCPU_CLINT_MTIME, 2, &val), -EINVAL);
	/* Writing mtime moves it; attaching never moves it back. */
	vcpu_clint_write(&chip, VCPU_CLINT_MTIME, 8, 1ull << 40);
	vcpu_clint_read(&chip, VCPU_CLINT_MTIME, 8, &val);
	ck_assert_uint_ge(val, 1ull << 40);
	chip.mtime_offset -= 1000000;
	vcpu_clint_attach(&chip);
	ck_assert_uint_ge(vcpu_clint_mtime(&chip), val);
	/* The time CSR reads the same clock. */
	LOAD(CSRR(1, VCPU_CSR_TIME));
	run(1);
	ck_assert_uint_ge(st.x[1], val);
	ck_assert_int_eq(vcpu_irqchip_valid(&chip), 0);
	chip.nharts = 0;
	ck_assert_int_eq(vcpu_irqchip_valid(&chip), -EINVAL);
	chip.nharts = 1;
}
END_TEST

START_TEST(test_bootrom_and_htif)
{
	/* The reset trampoline: a0 = hartid, a1 = dtb, jump to the entry. */
	vcpu_set_boot(v, RAM_BASE + 0x40, 0x87654320);
	st.pc = mmu_memmap[MMU_MEM_BOOTROM].base;
	run(6);
	ck_assert_uint_eq(st.pc, RAM_BASE + 0x40);
	ck_assert_uint_eq(st.x[10], 0);
	ck_assert_uint_eq(st.x[11], 0x87654320);
	ck_assert_uint_eq(st.x[12], 0);
	/* The ROM is not writable. */
	st.x[2] = mmu_memmap[MMU_MEM_BOOTROM].base;
	LOAD(SD(0, 2, 0));
	run(1);
	ck_assert_uint_eq(st.mcause, VCPU_EXC_STORE_ACCESS);

	/* HTIF: tohost = (3 << 1) | 1 is exit code 3. */
	vcpu_set_htif(v, DATA, DATA + 8, -1);
	st.x[2] = DATA;
	st.x[3] = 7;
	LOAD(SD(3, 2, 0), 0x0000006f);            /* sd; j . */
	ck_assert_int_eq(vcpu_run(v, 100000), VCPU_EXIT_POWER);
	ck_assert_int_eq(v->exit_kind, VCPU_POWER_FAIL);
	ck_assert_int_eq(v->exit_code, 3);
	ck_assert_uint_eq(*data64(0), 0);
}
END_TEST

START_TEST(test_htif_console)
{
	int fds[2];
	char c = 0;

	ck_assert_int_eq(pipe(fds), 0);
	vcpu_set_htif(v, DATA, DATA + 8, fds[1]);
	*data64(0) = 1ull << 56 | 1ull << 48 | 'x';
	LOAD(0x0000006f);
	run(10);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	ck_assert_uint_eq(*data64(0), 0);
	ck_assert_uint_eq(*data64(8), 1ull << 56 | 1ull << 48 | 0x100 | 'x');
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *vcpu_suite(void)
{
	Suite *s = suite_create("vcpu");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reset_state);
	tcase_add_test(tc, test_arith_edges);
	tcase_add_test(tc, test_jumps_and_compressed);
	tcase_add_test(tc, test_self_modifying_code);
	tcase_add_test(tc, test_insn_across_pages);
	tcase_add_test(tc, test_load_store_and_faults);
	tcase_add_test(tc, test_page_faults);
	tcase_add_test(tc, test_fp_integration);
	tcase_add_test(tc, test_mmio_routing);
	tcase_add_test(tc, test_csr_access_rules);
	tcase_add_test(tc, test_csr_fs_and_counters);
	tcase_add_test(tc, test_csr_warl_and_views);
	tcase_add_test(tc, test_trap_delegation);
	tcase_add_test(tc, test_xret_rules);
	tcase_add_test(tc, test_irq_priority);
	tcase_add_test(tc, test_irq_enables_and_delegation);
	tcase_add_test(tc, test_wfi_wakes_on_pending_irq);
	tcase_add_test(tc, test_wfi_timer_and_stop);
	tcase_add_test(tc, test_lr_sc);
	tcase_add_test(tc, test_amo);
	tcase_add_test(tc, test_atomics_two_harts);
	tcase_add_test(tc, test_minstret_exact);
	tcase_add_test(tc, test_plic);
	tcase_add_test(tc, test_plic_contexts);
	tcase_add_test(tc, test_clint);
	tcase_add_test(tc, test_bootrom_and_htif);
	tcase_add_test(tc, test_htif_console);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vcpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
