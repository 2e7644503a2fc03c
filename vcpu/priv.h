/* SPDX-License-Identifier: MIT */
/*
 * Constants of the RISC-V privileged architecture (v1.12) that the vcpu's
 * CSR file, trap logic and interpreter share: CSR numbers, mstatus and
 * mip/mie bits, exception and interrupt causes. Values only; the tests and
 * the JIT include it too.
 */
#ifndef TESSERA_VCPU_PRIV_H
#define TESSERA_VCPU_PRIV_H

/* CSR numbers. */
#define VCPU_CSR_FFLAGS     0x001
#define VCPU_CSR_FRM        0x002
#define VCPU_CSR_FCSR       0x003
#define VCPU_CSR_SSTATUS    0x100
#define VCPU_CSR_SIE        0x104
#define VCPU_CSR_STVEC      0x105
#define VCPU_CSR_SCOUNTEREN 0x106
#define VCPU_CSR_SENVCFG    0x10a
#define VCPU_CSR_SSCRATCH   0x140
#define VCPU_CSR_SEPC       0x141
#define VCPU_CSR_SCAUSE     0x142
#define VCPU_CSR_STVAL      0x143
#define VCPU_CSR_SIP        0x144
#define VCPU_CSR_SATP       0x180
#define VCPU_CSR_MSTATUS    0x300
#define VCPU_CSR_MISA       0x301
#define VCPU_CSR_MEDELEG    0x302
#define VCPU_CSR_MIDELEG    0x303
#define VCPU_CSR_MIE        0x304
#define VCPU_CSR_MTVEC      0x305
#define VCPU_CSR_MCOUNTEREN 0x306
#define VCPU_CSR_MENVCFG    0x30a
#define VCPU_CSR_MCOUNTINHIBIT 0x320
#define VCPU_CSR_MHPMEVENT3 0x323
#define VCPU_CSR_MHPMEVENT31 0x33f
#define VCPU_CSR_MSCRATCH   0x340
#define VCPU_CSR_MEPC       0x341
#define VCPU_CSR_MCAUSE     0x342
#define VCPU_CSR_MTVAL      0x343
#define VCPU_CSR_MIP        0x344
#define VCPU_CSR_PMPCFG0    0x3a0
#define VCPU_CSR_PMPCFG3    0x3a3
#define VCPU_CSR_PMPADDR0   0x3b0
#define VCPU_CSR_PMPADDR15  0x3bf
#define VCPU_CSR_MSECCFG    0x747
#define VCPU_CSR_MCYCLE     0xb00
#define VCPU_CSR_MINSTRET   0xb02
#define VCPU_CSR_MHPMCOUNTER3  0xb03
#define VCPU_CSR_MHPMCOUNTER31 0xb1f
#define VCPU_CSR_CYCLE      0xc00
#define VCPU_CSR_TIME       0xc01
#define VCPU_CSR_INSTRET    0xc02
#define VCPU_CSR_HPMCOUNTER3  0xc03
#define VCPU_CSR_HPMCOUNTER31 0xc1f
#define VCPU_CSR_MVENDORID  0xf11
#define VCPU_CSR_MARCHID    0xf12
#define VCPU_CSR_MIMPID     0xf13
#define VCPU_CSR_MHARTID    0xf14
#define VCPU_CSR_MCONFIGPTR 0xf15

/* mstatus / sstatus bits. */
#define VCPU_MSTATUS_SIE   (1ull << 1)
#define VCPU_MSTATUS_MIE   (1ull << 3)
#define VCPU_MSTATUS_SPIE  (1ull << 5)
#define VCPU_MSTATUS_MPIE  (1ull << 7)
#define VCPU_MSTATUS_SPP   (1ull << 8)
#define VCPU_MSTATUS_MPP_SHIFT 11
#define VCPU_MSTATUS_MPP   (3ull << 11)
#define VCPU_MSTATUS_FS_SHIFT 13
#define VCPU_MSTATUS_FS    (3ull << 13)
#define VCPU_MSTATUS_MPRV  (1ull << 17)
#define VCPU_MSTATUS_SUM   (1ull << 18)
#define VCPU_MSTATUS_MXR   (1ull << 19)
#define VCPU_MSTATUS_TVM   (1ull << 20)
#define VCPU_MSTATUS_TW    (1ull << 21)
#define VCPU_MSTATUS_TSR   (1ull << 22)
#define VCPU_MSTATUS_UXL   (3ull << 32)
#define VCPU_MSTATUS_SXL   (3ull << 34)
#define VCPU_MSTATUS_SD    (1ull << 63)
#define VCPU_MSTATUS_XL64  ((2ull << 32) | (2ull << 34))

#define VCPU_FS_OFF   0ull
#define VCPU_FS_DIRTY 3ull

/* Interrupt numbers: bit positions in mip/mie, mcause codes. */
#define VCPU_IRQ_SSI 1
#define VCPU_IRQ_MSI 3
#define VCPU_IRQ_STI 5
#define VCPU_IRQ_MTI 7
#define VCPU_IRQ_SEI 9
#define VCPU_IRQ_MEI 11
#define VCPU_MIP_SSIP (1ull << VCPU_IRQ_SSI)
#define VCPU_MIP_MSIP (1ull << VCPU_IRQ_MSI)
#define VCPU_MIP_STIP (1ull << VCPU_IRQ_STI)
#define VCPU_MIP_MTIP (1ull << VCPU_IRQ_MTI)
#define VCPU_MIP_SEIP (1ull << VCPU_IRQ_SEI)
#define VCPU_MIP_MEIP (1ull << VCPU_IRQ_MEI)
#define VCPU_MIP_S_MASK (VCPU_MIP_SSIP | VCPU_MIP_STIP | VCPU_MIP_SEIP)
#define VCPU_MIP_ALL    (VCPU_MIP_S_MASK | VCPU_MIP_MSIP | VCPU_MIP_MTIP | \
			 VCPU_MIP_MEIP)

/* Exception causes. */
#define VCPU_EXC_FETCH_MISALIGNED 0
#define VCPU_EXC_FETCH_ACCESS     1
#define VCPU_EXC_ILLEGAL          2
#define VCPU_EXC_BREAKPOINT       3
#define VCPU_EXC_LOAD_MISALIGNED  4
#define VCPU_EXC_LOAD_ACCESS      5
#define VCPU_EXC_STORE_MISALIGNED 6
#define VCPU_EXC_STORE_ACCESS     7
#define VCPU_EXC_ECALL_U          8
#define VCPU_EXC_ECALL_S          9
#define VCPU_EXC_ECALL_M          11
#define VCPU_EXC_FETCH_PAGE       12
#define VCPU_EXC_LOAD_PAGE        13
#define VCPU_EXC_STORE_PAGE       15
#define VCPU_CAUSE_INTR (1ull << 63)

/* medeleg bits that may be set: every exception but ECALL from M. */
#define VCPU_MEDELEG_MASK 0xb3ffull

/* misa: RV64 with A, C, D, F, I, M, S, U. */
#define VCPU_MISA_EXT(c) (1ull << ((c) - 'A'))
#define VCPU_MISA_RV64GC ((2ull << 62) | VCPU_MISA_EXT('A') | \
	VCPU_MISA_EXT('C') | VCPU_MISA_EXT('D') | VCPU_MISA_EXT('F') | \
	VCPU_MISA_EXT('I') | VCPU_MISA_EXT('M') | VCPU_MISA_EXT('S') | \
	VCPU_MISA_EXT('U'))

#endif
