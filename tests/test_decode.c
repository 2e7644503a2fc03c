/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the instruction decoder (vcpu/decode*.c): every operation
 * of RV64GC, compressed forms included, against encodings produced by the
 * GNU assembler (riscv64-linux-gnu-as -march=rv64gc) for the instruction
 * written next to each one, with the operands read off that source line;
 * reserved and unknown encodings must decode as ILLEGAL; the boot ROM's
 * trampoline words decode to what their comments say. Also the other
 * decoder of untrusted input, the ELF loader (vcpu/elf.c): valid images,
 * and garbage, truncated and hostile ones, which must be refused cleanly.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcpu/elf.h"
#include "vcpu/insn.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64ull << 10)

struct want {
	uint32_t raw;
	enum vcpu_op op;
	int rd, rs1, rs2;
	int64_t imm;
	int len;
	int rs3, rm, aqrl;   /* -1: not checked */
	const char *src;
};

static const struct want known[] = {
	{ 0x123452b7, VCPU_OP_LUI, 5, 0, 0, 0x12345000, 4, -1, -1, -1, "lui x5, 0x12345" },
	{ 0xfffff2b7, VCPU_OP_LUI, 5, 0, 0, -4096, 4, -1, -1, -1, "lui x5, 0xfffff" },
	{ 0x80000317, VCPU_OP_AUIPC, 6, 0, 0, -2147483648, 4, -1, -1, -1, "auipc x6, 0x80000" },
	{ 0x001000ef, VCPU_OP_JAL, 1, 0, 0, 2048, 4, -1, -1, -1, "jal x1, .+2048" },
	{ 0xffdff06f, VCPU_OP_JAL, 0, 0, 0, -4, 4, -1, -1, -1, "jal x0, .-4" },
	{ 0xff4380e7, VCPU_OP_JALR, 1, 7, 0, -12, 4, -1, -1, -1, "jalr x1, -12(x7)" },
	{ 0x00208863, VCPU_OP_BEQ, 0, 1, 2, 16, 4, -1, -1, -1, "beq x1, x2, .+16" },
	{ 0x80419063, VCPU_OP_BNE, 0, 3, 4, -4096, 4, -1, -1, -1, "bne x3, x4, .-4096" },
	{ 0x7e62cfe3, VCPU_OP_BLT, 0, 5, 6, 4094, 4, -1, -1, -1, "blt x5, x6, .+4094" },
	{ 0xfe83dfe3, VCPU_OP_BGE, 0, 7, 8, -2, 4, -1, -1, -1, "bge x7, x8, .-2" },
	{ 0x00a4e463, VCPU_OP_BLTU, 0, 9, 10, 8, 4, -1, -1, -1, "bltu x9, x10, .+8" },
	{ 0x00c5f463, VCPU_OP_BGEU, 0, 11, 12, 8, 4, -1, -1, -1, "bgeu x11, x12, .+8" },
	{ 0xfff10083, VCPU_OP_LB, 1, 2, 0, -1, 4, -1, -1, -1, "lb x1, -1(x2)" },
	{ 0x7ff11083, VCPU_OP_LH, 1, 2, 0, 2047, 4, -1, -1, -1, "lh x1, 2047(x2)" },
	{ 0x80012083, VCPU_OP_LW, 1, 2, 0, -2048, 4, -1, -1, -1, "lw x1, -2048(x2)" },
	{ 0x00823183, VCPU_OP_LD, 3, 4, 0, 8, 4, -1, -1, -1, "ld x3, 8(x4)" },
	{ 0x00824183, VCPU_OP_LBU, 3, 4, 0, 8, 4, -1, -1, -1, "lbu x3, 8(x4)" },
	{ 0x00825183, VCPU_OP_LHU, 3, 4, 0, 8, 4, -1, -1, -1, "lhu x3, 8(x4)" },
	{ 0x00826183, VCPU_OP_LWU, 3, 4, 0, 8, 4, -1, -1, -1, "lwu x3, 8(x4)" },
	{ 0xfe530fa3, VCPU_OP_SB, 0, 6, 5, -1, 4, -1, -1, -1, "sb x5, -1(x6)" },
	{ 0x7e531fa3, VCPU_OP_SH, 0, 6, 5, 2047, 4, -1, -1, -1, "sh x5, 2047(x6)" },
	{ 0x80532023, VCPU_OP_SW, 0, 6, 5, -2048, 4, -1, -1, -1, "sw x5, -2048(x6)" },
	{ 0x01ff3823, VCPU_OP_SD, 0, 30, 31, 16, 4, -1, -1, -1, "sd x31, 16(x30)" },
	{ 0xffb10093, VCPU_OP_ADDI, 1, 2, 0, -5, 4, -1, -1, -1, "addi x1, x2, -5" },
	{ 0x06412093, VCPU_OP_SLTI, 1, 2, 0, 100, 4, -1, -1, -1, "slti x1, x2, 100" },
	{ 0xfff13093, VCPU_OP_SLTIU, 1, 2, 0, -1, 4, -1, -1, -1, "sltiu x1, x2, -1" },
	{ 0xfff14093, VCPU_OP_XORI, 1, 2, 0, -1, 4, -1, -1, -1, "xori x1, x2, -1" },
	{ 0x7ff16093, VCPU_OP_ORI, 1, 2, 0, 2047, 4, -1, -1, -1, "ori x1, x2, 0x7ff" },
	{ 0x0f017093, VCPU_OP_ANDI, 1, 2, 0, 240, 4, -1, -1, -1, "andi x1, x2, 0xf0" },
	{ 0x03f11093, VCPU_OP_SLLI, 1, 2, 0, 63, 4, -1, -1, -1, "slli x1, x2, 63" },
	{ 0x02015093, VCPU_OP_SRLI, 1, 2, 0, 32, 4, -1, -1, -1, "srli x1, x2, 32" },
	{ 0x40115093, VCPU_OP_SRAI, 1, 2, 0, 1, 4, -1, -1, -1, "srai x1, x2, 1" },
	{ 0x003100b3, VCPU_OP_ADD, 1, 2, 3, 0, 4, -1, -1, -1, "add x1, x2, x3" },
	{ 0x403100b3, VCPU_OP_SUB, 1, 2, 3, 0, 4, -1, -1, -1, "sub x1, x2, x3" },
	{ 0x003110b3, VCPU_OP_SLL, 1, 2, 3, 0, 4, -1, -1, -1, "sll x1, x2, x3" },
	{ 0x003120b3, VCPU_OP_SLT, 1, 2, 3, 0, 4, -1, -1, -1, "slt x1, x2, x3" },
	{ 0x003130b3, VCPU_OP_SLTU, 1, 2, 3, 0, 4, -1, -1, -1, "sltu x1, x2, x3" },
	{ 0x003140b3, VCPU_OP_XOR, 1, 2, 3, 0, 4, -1, -1, -1, "xor x1, x2, x3" },
	{ 0x003150b3, VCPU_OP_SRL, 1, 2, 3, 0, 4, -1, -1, -1, "srl x1, x2, x3" },
	{ 0x403150b3, VCPU_OP_SRA, 1, 2, 3, 0, 4, -1, -1, -1, "sra x1, x2, x3" },
	{ 0x003160b3, VCPU_OP_OR, 1, 2, 3, 0, 4, -1, -1, -1, "or x1, x2, x3" },
	{ 0x003170b3, VCPU_OP_AND, 1, 2, 3, 0, 4, -1, -1, -1, "and x1, x2, x3" },
	{ 0xfff1009b, VCPU_OP_ADDIW, 1, 2, 0, -1, 4, -1, -1, -1, "addiw x1, x2, -1" },
	{ 0x01f1109b, VCPU_OP_SLLIW, 1, 2, 0, 31, 4, -1, -1, -1, "slliw x1, x2, 31" },
	{ 0x01f1509b, VCPU_OP_SRLIW, 1, 2, 0, 31, 4, -1, -1, -1, "srliw x1, x2, 31" },
	{ 0x41f1509b, VCPU_OP_SRAIW, 1, 2, 0, 31, 4, -1, -1, -1, "sraiw x1, x2, 31" },
	{ 0x003100bb, VCPU_OP_ADDW, 1, 2, 3, 0, 4, -1, -1, -1, "addw x1, x2, x3" },
	{ 0x403100bb, VCPU_OP_SUBW, 1, 2, 3, 0, 4, -1, -1, -1, "subw x1, x2, x3" },
	{ 0x003110bb, VCPU_OP_SLLW, 1, 2, 3, 0, 4, -1, -1, -1, "sllw x1, x2, x3" },
	{ 0x003150bb, VCPU_OP_SRLW, 1, 2, 3, 0, 4, -1, -1, -1, "srlw x1, x2, x3" },
	{ 0x403150bb, VCPU_OP_SRAW, 1, 2, 3, 0, 4, -1, -1, -1, "sraw x1, x2, x3" },
	{ 0x0330000f, VCPU_OP_FENCE, 0, 0, 0, 0x033, 4, -1, -1, -1, "fence rw, rw" },
	{ 0x0000100f, VCPU_OP_FENCE_I, 0, 0, 0, 0, 4, -1, -1, -1, "fence.i" },
	{ 0x00000073, VCPU_OP_ECALL, 0, 0, 0, 0, 4, -1, -1, -1, "ecall" },
	{ 0x00100073, VCPU_OP_EBREAK, 0, 0, 0, 0, 4, -1, -1, -1, "ebreak" },
	{ 0x10200073, VCPU_OP_SRET, 0, 0, 0, 0, 4, -1, -1, -1, "sret" },
	{ 0x30200073, VCPU_OP_MRET, 0, 0, 0, 0, 4, -1, -1, -1, "mret" },
	{ 0x10500073, VCPU_OP_WFI, 0, 0, 0, 0, 4, -1, -1, -1, "wfi" },
	{ 0x12628073, VCPU_OP_SFENCE_VMA, 0, 5, 6, 0, 4, -1, -1, -1, "sfence.vma x5, x6" },
	{ 0x300110f3, VCPU_OP_CSRRW, 1, 2, 0, 0x300, 4, -1, -1, -1, "csrrw x1, mstatus, x2" },
	{ 0xf14020f3, VCPU_OP_CSRRS, 1, 0, 0, 0xf14, 4, -1, -1, -1, "csrrs x1, mhartid, x0" },
	{ 0x1001b073, VCPU_OP_CSRRC, 0, 3, 0, 0x100, 4, -1, -1, -1, "csrrc x0, sstatus, x3" },
	{ 0x340fd0f3, VCPU_OP_CSRRWI, 1, 31, 0, 0x340, 4, -1, -1, -1, "csrrwi x1, mscratch, 31" },
	{ 0x7c00e0f3, VCPU_OP_CSRRSI, 1, 1, 0, 0x7c0, 4, -1, -1, -1, "csrrsi x1, 0x7c0, 1" },
	{ 0x0032f0f3, VCPU_OP_CSRRCI, 1, 5, 0, 0x003, 4, -1, -1, -1, "csrrci x1, fcsr, 5" },
	{ 0x023100b3, VCPU_OP_MUL, 1, 2, 3, 0, 4, -1, -1, -1, "mul x1, x2, x3" },
	{ 0x023110b3, VCPU_OP_MULH, 1, 2, 3, 0, 4, -1, -1, -1, "mulh x1, x2, x3" },
	{ 0x023120b3, VCPU_OP_MULHSU, 1, 2, 3, 0, 4, -1, -1, -1, "mulhsu x1, x2, x3" },
	{ 0x023130b3, VCPU_OP_MULHU, 1, 2, 3, 0, 4, -1, -1, -1, "mulhu x1, x2, x3" },
	{ 0x023140b3, VCPU_OP_DIV, 1, 2, 3, 0, 4, -1, -1, -1, "div x1, x2, x3" },
	{ 0x023150b3, VCPU_OP_DIVU, 1, 2, 3, 0, 4, -1, -1, -1, "divu x1, x2, x3" },
	{ 0x023160b3, VCPU_OP_REM, 1, 2, 3, 0, 4, -1, -1, -1, "rem x1, x2, x3" },
	{ 0x023170b3, VCPU_OP_REMU, 1, 2, 3, 0, 4, -1, -1, -1, "remu x1, x2, x3" },
	{ 0x023100bb, VCPU_OP_MULW, 1, 2, 3, 0, 4, -1, -1, -1, "mulw x1, x2, x3" },
	{ 0x023140bb, VCPU_OP_DIVW, 1, 2, 3, 0, 4, -1, -1, -1, "divw x1, x2, x3" },
	{ 0x023150bb, VCPU_OP_DIVUW, 1, 2, 3, 0, 4, -1, -1, -1, "divuw x1, x2, x3" },
	{ 0x023160bb, VCPU_OP_REMW, 1, 2, 3, 0, 4, -1, -1, -1, "remw x1, x2, x3" },
	{ 0x023170bb, VCPU_OP_REMUW, 1, 2, 3, 0, 4, -1, -1, -1, "remuw x1, x2, x3" },
	{ 0x140120af, VCPU_OP_LR_W, 1, 2, 0, 0, 4, -1, -1, 2, "lr.w.aq x1, (x2)" },
	{ 0x1a3120af, VCPU_OP_SC_W, 1, 2, 3, 0, 4, -1, -1, 1, "sc.w.rl x1, x3, (x2)" },
	{ 0x083120af, VCPU_OP_AMOSWAP_W, 1, 2, 3, 0, 4, -1, -1, -1, "amoswap.w x1, x3, (x2)" },
	{ 0x003120af, VCPU_OP_AMOADD_W, 1, 2, 3, 0, 4, -1, -1, -1, "amoadd.w x1, x3, (x2)" },
	{ 0x203120af, VCPU_OP_AMOXOR_W, 1, 2, 3, 0, 4, -1, -1, -1, "amoxor.w x1, x3, (x2)" },
	{ 0x603120af, VCPU_OP_AMOAND_W, 1, 2, 3, 0, 4, -1, -1, -1, "amoand.w x1, x3, (x2)" },
	{ 0x403120af, VCPU_OP_AMOOR_W, 1, 2, 3, 0, 4, -1, -1, -1, "amoor.w x1, x3, (x2)" },
	{ 0x803120af, VCPU_OP_AMOMIN_W, 1, 2, 3, 0, 4, -1, -1, -1, "amomin.w x1, x3, (x2)" },
	{ 0xa03120af, VCPU_OP_AMOMAX_W, 1, 2, 3, 0, 4, -1, -1, -1, "amomax.w x1, x3, (x2)" },
	{ 0xc03120af, VCPU_OP_AMOMINU_W, 1, 2, 3, 0, 4, -1, -1, -1, "amominu.w x1, x3, (x2)" },
	{ 0xe03120af, VCPU_OP_AMOMAXU_W, 1, 2, 3, 0, 4, -1, -1, -1, "amomaxu.w x1, x3, (x2)" },
	{ 0x100130af, VCPU_OP_LR_D, 1, 2, 0, 0, 4, -1, -1, -1, "lr.d x1, (x2)" },
	{ 0x1e3130af, VCPU_OP_SC_D, 1, 2, 3, 0, 4, -1, -1, 3, "sc.d.aqrl x1, x3, (x2)" },
	{ 0x083130af, VCPU_OP_AMOSWAP_D, 1, 2, 3, 0, 4, -1, -1, -1, "amoswap.d x1, x3, (x2)" },
	{ 0x003130af, VCPU_OP_AMOADD_D, 1, 2, 3, 0, 4, -1, -1, -1, "amoadd.d x1, x3, (x2)" },
	{ 0x203130af, VCPU_OP_AMOXOR_D, 1, 2, 3, 0, 4, -1, -1, -1, "amoxor.d x1, x3, (x2)" },
	{ 0x603130af, VCPU_OP_AMOAND_D, 1, 2, 3, 0, 4, -1, -1, -1, "amoand.d x1, x3, (x2)" },
	{ 0x403130af, VCPU_OP_AMOOR_D, 1, 2, 3, 0, 4, -1, -1, -1, "amoor.d x1, x3, (x2)" },
	{ 0x803130af, VCPU_OP_AMOMIN_D, 1, 2, 3, 0, 4, -1, -1, -1, "amomin.d x1, x3, (x2)" },
	{ 0xa03130af, VCPU_OP_AMOMAX_D, 1, 2, 3, 0, 4, -1, -1, -1, "amomax.d x1, x3, (x2)" },
	{ 0xc03130af, VCPU_OP_AMOMINU_D, 1, 2, 3, 0, 4, -1, -1, -1, "amominu.d x1, x3, (x2)" },
	{ 0xe03130af, VCPU_OP_AMOMAXU_D, 1, 2, 3, 0, 4, -1, -1, -1, "amomaxu.d x1, x3, (x2)" },
	{ 0xffc12087, VCPU_OP_FLW, 1, 2, 0, -4, 4, -1, -1, -1, "flw f1, -4(x2)" },
	{ 0x00312627, VCPU_OP_FSW, 0, 2, 3, 12, 4, -1, -1, -1, "fsw f3, 12(x2)" },
	{ 0x203100c3, VCPU_OP_FMADD_S, 1, 2, 3, 0, 4, 4, 0, -1, "fmadd.s f1, f2, f3, f4, rne" },
	{ 0x203110c7, VCPU_OP_FMSUB_S, 1, 2, 3, 0, 4, 4, 1, -1, "fmsub.s f1, f2, f3, f4, rtz" },
	{ 0x203120cb, VCPU_OP_FNMSUB_S, 1, 2, 3, 0, 4, 4, 2, -1, "fnmsub.s f1, f2, f3, f4, rdn" },
	{ 0xf83170cf, VCPU_OP_FNMADD_S, 1, 2, 3, 0, 4, 31, 7, -1, "fnmadd.s f1, f2, f3, f31, dyn" },
	{ 0x003130d3, VCPU_OP_FADD_S, 1, 2, 3, 0, 4, -1, 3, -1, "fadd.s f1, f2, f3, rup" },
	{ 0x083170d3, VCPU_OP_FSUB_S, 1, 2, 3, 0, 4, -1, 7, -1, "fsub.s f1, f2, f3" },
	{ 0x103170d3, VCPU_OP_FMUL_S, 1, 2, 3, 0, 4, -1, -1, -1, "fmul.s f1, f2, f3" },
	{ 0x183170d3, VCPU_OP_FDIV_S, 1, 2, 3, 0, 4, -1, -1, -1, "fdiv.s f1, f2, f3" },
	{ 0x580140d3, VCPU_OP_FSQRT_S, 1, 2, 0, 0, 4, -1, 4, -1, "fsqrt.s f1, f2, rmm" },
	{ 0x203100d3, VCPU_OP_FSGNJ_S, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnj.s f1, f2, f3" },
	{ 0x203110d3, VCPU_OP_FSGNJN_S, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnjn.s f1, f2, f3" },
	{ 0x203120d3, VCPU_OP_FSGNJX_S, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnjx.s f1, f2, f3" },
	{ 0x283100d3, VCPU_OP_FMIN_S, 1, 2, 3, 0, 4, -1, -1, -1, "fmin.s f1, f2, f3" },
	{ 0x283110d3, VCPU_OP_FMAX_S, 1, 2, 3, 0, 4, -1, -1, -1, "fmax.s f1, f2, f3" },
	{ 0xc00110d3, VCPU_OP_FCVT_W_S, 1, 2, 0, 0, 4, -1, 1, -1, "fcvt.w.s x1, f2, rtz" },
	{ 0xc01170d3, VCPU_OP_FCVT_WU_S, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.wu.s x1, f2" },
	{ 0xc02170d3, VCPU_OP_FCVT_L_S, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.l.s x1, f2" },
	{ 0xc03170d3, VCPU_OP_FCVT_LU_S, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.lu.s x1, f2" },
	{ 0xd00170d3, VCPU_OP_FCVT_S_W, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.s.w f1, x2" },
	{ 0xd01170d3, VCPU_OP_FCVT_S_WU, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.s.wu f1, x2" },
	{ 0xd02170d3, VCPU_OP_FCVT_S_L, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.s.l f1, x2" },
	{ 0xd03170d3, VCPU_OP_FCVT_S_LU, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.s.lu f1, x2" },
	{ 0xe00100d3, VCPU_OP_FMV_X_W, 1, 2, 0, 0, 4, -1, -1, -1, "fmv.x.w x1, f2" },
	{ 0xf00100d3, VCPU_OP_FMV_W_X, 1, 2, 0, 0, 4, -1, -1, -1, "fmv.w.x f1, x2" },
	{ 0xa03120d3, VCPU_OP_FEQ_S, 1, 2, 3, 0, 4, -1, -1, -1, "feq.s x1, f2, f3" },
	{ 0xa03110d3, VCPU_OP_FLT_S, 1, 2, 3, 0, 4, -1, -1, -1, "flt.s x1, f2, f3" },
	{ 0xa03100d3, VCPU_OP_FLE_S, 1, 2, 3, 0, 4, -1, -1, -1, "fle.s x1, f2, f3" },
	{ 0xe00110d3, VCPU_OP_FCLASS_S, 1, 2, 0, 0, 4, -1, -1, -1, "fclass.s x1, f2" },
	{ 0xff813087, VCPU_OP_FLD, 1, 2, 0, -8, 4, -1, -1, -1, "fld f1, -8(x2)" },
	{ 0x00313c27, VCPU_OP_FSD, 0, 2, 3, 24, 4, -1, -1, -1, "fsd f3, 24(x2)" },
	{ 0x223170c3, VCPU_OP_FMADD_D, 1, 2, 3, 0, 4, 4, -1, -1, "fmadd.d f1, f2, f3, f4" },
	{ 0x223170c7, VCPU_OP_FMSUB_D, 1, 2, 3, 0, 4, 4, -1, -1, "fmsub.d f1, f2, f3, f4" },
	{ 0x223170cb, VCPU_OP_FNMSUB_D, 1, 2, 3, 0, 4, 4, -1, -1, "fnmsub.d f1, f2, f3, f4" },
	{ 0x223170cf, VCPU_OP_FNMADD_D, 1, 2, 3, 0, 4, 4, -1, -1, "fnmadd.d f1, f2, f3, f4" },
	{ 0x023170d3, VCPU_OP_FADD_D, 1, 2, 3, 0, 4, -1, -1, -1, "fadd.d f1, f2, f3" },
	{ 0x0a3170d3, VCPU_OP_FSUB_D, 1, 2, 3, 0, 4, -1, -1, -1, "fsub.d f1, f2, f3" },
	{ 0x123170d3, VCPU_OP_FMUL_D, 1, 2, 3, 0, 4, -1, -1, -1, "fmul.d f1, f2, f3" },
	{ 0x1a3170d3, VCPU_OP_FDIV_D, 1, 2, 3, 0, 4, -1, -1, -1, "fdiv.d f1, f2, f3" },
	{ 0x5a0170d3, VCPU_OP_FSQRT_D, 1, 2, 0, 0, 4, -1, -1, -1, "fsqrt.d f1, f2" },
	{ 0x223100d3, VCPU_OP_FSGNJ_D, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnj.d f1, f2, f3" },
	{ 0x223110d3, VCPU_OP_FSGNJN_D, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnjn.d f1, f2, f3" },
	{ 0x223120d3, VCPU_OP_FSGNJX_D, 1, 2, 3, 0, 4, -1, -1, -1, "fsgnjx.d f1, f2, f3" },
	{ 0x2a3100d3, VCPU_OP_FMIN_D, 1, 2, 3, 0, 4, -1, -1, -1, "fmin.d f1, f2, f3" },
	{ 0x2a3110d3, VCPU_OP_FMAX_D, 1, 2, 3, 0, 4, -1, -1, -1, "fmax.d f1, f2, f3" },
	{ 0xc20170d3, VCPU_OP_FCVT_W_D, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.w.d x1, f2" },
	{ 0xc21170d3, VCPU_OP_FCVT_WU_D, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.wu.d x1, f2" },
	{ 0xc22170d3, VCPU_OP_FCVT_L_D, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.l.d x1, f2" },
	{ 0xc23170d3, VCPU_OP_FCVT_LU_D, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.lu.d x1, f2" },
	{ 0xd20100d3, VCPU_OP_FCVT_D_W, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.d.w f1, x2" },
	{ 0xd21100d3, VCPU_OP_FCVT_D_WU, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.d.wu f1, x2" },
	{ 0xd22170d3, VCPU_OP_FCVT_D_L, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.d.l f1, x2" },
	{ 0xd23170d3, VCPU_OP_FCVT_D_LU, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.d.lu f1, x2" },
	{ 0x401170d3, VCPU_OP_FCVT_S_D, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.s.d f1, f2" },
	{ 0x420100d3, VCPU_OP_FCVT_D_S, 1, 2, 0, 0, 4, -1, -1, -1, "fcvt.d.s f1, f2" },
	{ 0xe20100d3, VCPU_OP_FMV_X_D, 1, 2, 0, 0, 4, -1, -1, -1, "fmv.x.d x1, f2" },
	{ 0xf20100d3, VCPU_OP_FMV_D_X, 1, 2, 0, 0, 4, -1, -1, -1, "fmv.d.x f1, x2" },
	{ 0xa23120d3, VCPU_OP_FEQ_D, 1, 2, 3, 0, 4, -1, -1, -1, "feq.d x1, f2, f3" },
	{ 0xa23110d3, VCPU_OP_FLT_D, 1, 2, 3, 0, 4, -1, -1, -1, "flt.d x1, f2, f3" },
	{ 0xa23100d3, VCPU_OP_FLE_D, 1, 2, 3, 0, 4, -1, -1, -1, "fle.d x1, f2, f3" },
	{ 0xe20110d3, VCPU_OP_FCLASS_D, 1, 2, 0, 0, 4, -1, -1, -1, "fclass.d x1, f2" },
	{ 0x1fe0, VCPU_OP_ADDI, 8, 2, 0, 1020, 2, -1, -1, -1, "c.addi4spn x8, sp, 1020" },
	{ 0x005c, VCPU_OP_ADDI, 15, 2, 0, 4, 2, -1, -1, -1, "c.addi4spn x15, sp, 4" },
	{ 0x3fe0, VCPU_OP_FLD, 8, 15, 0, 248, 2, -1, -1, -1, "c.fld f8, 248(x15)" },
	{ 0x5d64, VCPU_OP_LW, 9, 10, 0, 124, 2, -1, -1, -1, "c.lw x9, 124(x10)" },
	{ 0x7d64, VCPU_OP_LD, 9, 10, 0, 248, 2, -1, -1, -1, "c.ld x9, 248(x10)" },
	{ 0xa404, VCPU_OP_FSD, 0, 8, 9, 8, 2, -1, -1, -1, "c.fsd f9, 8(x8)" },
	{ 0xc22c, VCPU_OP_SW, 0, 12, 11, 64, 2, -1, -1, -1, "c.sw x11, 64(x12)" },
	{ 0xe354, VCPU_OP_SD, 0, 14, 13, 128, 2, -1, -1, -1, "c.sd x13, 128(x14)" },
	{ 0x0001, VCPU_OP_ADDI, 0, 0, 0, 0, 2, -1, -1, -1, "c.nop" },
	{ 0x1281, VCPU_OP_ADDI, 5, 5, 0, -32, 2, -1, -1, -1, "c.addi x5, -32" },
	{ 0x02fd, VCPU_OP_ADDI, 5, 5, 0, 31, 2, -1, -1, -1, "c.addi x5, 31" },
	{ 0x337d, VCPU_OP_ADDIW, 6, 6, 0, -1, 2, -1, -1, -1, "c.addiw x6, -1" },
	{ 0x5381, VCPU_OP_ADDI, 7, 0, 0, -32, 2, -1, -1, -1, "c.li x7, -32" },
	{ 0x7101, VCPU_OP_ADDI, 2, 2, 0, -512, 2, -1, -1, -1, "c.addi16sp sp, -512" },
	{ 0x617d, VCPU_OP_ADDI, 2, 2, 0, 496, 2, -1, -1, -1, "c.addi16sp sp, 496" },
	{ 0x647d, VCPU_OP_LUI, 8, 0, 0, 0x1f000, 2, -1, -1, -1, "c.lui x8, 0x1f" },
	{ 0x7401, VCPU_OP_LUI, 8, 0, 0, -131072, 2, -1, -1, -1, "c.lui x8, 0xfffe0" },
	{ 0x907d, VCPU_OP_SRLI, 8, 8, 0, 63, 2, -1, -1, -1, "c.srli x8, 63" },
	{ 0x8485, VCPU_OP_SRAI, 9, 9, 0, 1, 2, -1, -1, -1, "c.srai x9, 1" },
	{ 0x997d, VCPU_OP_ANDI, 10, 10, 0, -1, 2, -1, -1, -1, "c.andi x10, -1" },
	{ 0x8c05, VCPU_OP_SUB, 8, 8, 9, 0, 2, -1, -1, -1, "c.sub x8, x9" },
	{ 0x8c25, VCPU_OP_XOR, 8, 8, 9, 0, 2, -1, -1, -1, "c.xor x8, x9" },
	{ 0x8c45, VCPU_OP_OR, 8, 8, 9, 0, 2, -1, -1, -1, "c.or x8, x9" },
	{ 0x8c65, VCPU_OP_AND, 8, 8, 9, 0, 2, -1, -1, -1, "c.and x8, x9" },
	{ 0x9f1d, VCPU_OP_SUBW, 14, 14, 15, 0, 2, -1, -1, -1, "c.subw x14, x15" },
	{ 0x9f3d, VCPU_OP_ADDW, 14, 14, 15, 0, 2, -1, -1, -1, "c.addw x14, x15" },
	{ 0xb001, VCPU_OP_JAL, 0, 0, 0, -2048, 2, -1, -1, -1, "c.j .-2048" },
	{ 0xaffd, VCPU_OP_JAL, 0, 0, 0, 2046, 2, -1, -1, -1, "c.j .+2046" },
	{ 0xd001, VCPU_OP_BEQ, 0, 8, 0, -256, 2, -1, -1, -1, "c.beqz x8, .-256" },
	{ 0xeffd, VCPU_OP_BNE, 0, 15, 0, 254, 2, -1, -1, -1, "c.bnez x15, .+254" },
	{ 0x1ffe, VCPU_OP_SLLI, 31, 31, 0, 63, 2, -1, -1, -1, "c.slli x31, 63" },
	{ 0x3ffe, VCPU_OP_FLD, 31, 2, 0, 504, 2, -1, -1, -1, "c.fldsp f31, 504(sp)" },
	{ 0x50fe, VCPU_OP_LW, 1, 2, 0, 252, 2, -1, -1, -1, "c.lwsp x1, 252(sp)" },
	{ 0x70fe, VCPU_OP_LD, 1, 2, 0, 504, 2, -1, -1, -1, "c.ldsp x1, 504(sp)" },
	{ 0x8082, VCPU_OP_JALR, 0, 1, 0, 0, 2, -1, -1, -1, "c.jr x1" },
	{ 0x80fe, VCPU_OP_ADD, 1, 0, 31, 0, 2, -1, -1, -1, "c.mv x1, x31" },
	{ 0x9002, VCPU_OP_EBREAK, 0, 0, 0, 0, 2, -1, -1, -1, "c.ebreak" },
	{ 0x9282, VCPU_OP_JALR, 1, 5, 0, 0, 2, -1, -1, -1, "c.jalr x5" },
	{ 0x90fe, VCPU_OP_ADD, 1, 1, 31, 0, 2, -1, -1, -1, "c.add x1, x31" },
	{ 0xbf86, VCPU_OP_FSD, 0, 2, 1, 504, 2, -1, -1, -1, "c.fsdsp f1, 504(sp)" },
	{ 0xdffe, VCPU_OP_SW, 0, 2, 31, 252, 2, -1, -1, -1, "c.swsp x31, 252(sp)" },
	{ 0xfffe, VCPU_OP_SD, 0, 2, 31, 504, 2, -1, -1, -1, "c.sdsp x31, 504(sp)" },
};

/* Ops without a destination register: their rd field holds other bits. */
static int no_rd(enum vcpu_op op)
{
	switch (op) {
	case VCPU_OP_SB: case VCPU_OP_SH: case VCPU_OP_SW: case VCPU_OP_SD:
	case VCPU_OP_FSW: case VCPU_OP_FSD:
	case VCPU_OP_BEQ: case VCPU_OP_BNE: case VCPU_OP_BLT: case VCPU_OP_BGE:
	case VCPU_OP_BLTU: case VCPU_OP_BGEU:
		return 1;
	default:
		return 0;
	}
}

START_TEST(test_known_encodings)
{
	const struct want *w = &known[_i];
	struct vcpu_insn in;

	memset(&in, 0xa5, sizeof(in));
	vcpu_decode(w->raw, &in);
	ck_assert_msg(in.op == w->op, "%s (%08x): op %s, want %s", w->src, w->raw,
		      vcpu_op_name(in.op), vcpu_op_name(w->op));
	ck_assert_msg(in.len == w->len, "%s: len %u", w->src, in.len);
	/* A 32-bit encoding always yields its register fields; check those the
	 * source line names. A compressed one must zero what it does not use. */
	if (!no_rd(w->op) && (w->len == 2 || w->rd))
		ck_assert_msg(in.rd == w->rd, "%s: rd %u", w->src, in.rd);
	if (w->len == 2 || w->rs1)
		ck_assert_msg(in.rs1 == w->rs1, "%s: rs1 %u", w->src, in.rs1);
	if (w->len == 2 || w->rs2)
		ck_assert_msg(in.rs2 == w->rs2, "%s: rs2 %u", w->src, in.rs2);
	ck_assert_msg(in.imm == w->imm, "%s: imm %lld, want %lld", w->src,
		      (long long)in.imm, (long long)w->imm);
	if (w->rs3 >= 0)
		ck_assert_msg(in.rs3 == w->rs3, "%s: rs3 %u", w->src, in.rs3);
	if (w->rm >= 0)
		ck_assert_msg(in.rm == w->rm, "%s: rm %u", w->src, in.rm);
	if (w->aqrl >= 0)
		ck_assert_msg(in.aqrl == w->aqrl, "%s: aqrl %u", w->src, in.aqrl);
	ck_assert_uint_eq(in.raw, w->raw);
}
END_TEST

/* Every operation appears in the table above at least once. */
START_TEST(test_every_op_covered)
{
	for (int op = 1; op < VCPU_OP__COUNT; op++) {
		int found = 0;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			found |= known[i].op == (enum vcpu_op)op;
		ck_assert_msg(found, "no decode test for %s",
			      vcpu_op_name((enum vcpu_op)op));
	}
}
END_TEST

static const struct {
	uint32_t raw;
	const char *why;
} reserved[] = {
	{ 0x0000, "all-zero halfword (c.addi4spn, imm 0)" },
	{ 0x0010, "c.addi4spn x12, sp, 0" },
	{ 0x6401, "c.lui x8, 0" },
	{ 0x6101, "c.addi16sp sp, 0" },
	{ 0x2005, "c.addiw x0, 1" },
	{ 0x8002, "c.jr x0" },
	{ 0x4002, "c.lwsp x0" },
	{ 0x6002, "c.ldsp x0" },
	{ 0x8000, "quadrant 0 funct3 100" },
	{ 0x9c41, "c.subw/c.addw reserved slot 10" },
	{ 0x9c61, "c.subw/c.addw reserved slot 11" },
	{ 0xffffffff, "all ones" },
	{ 0x0000001f, "48-bit encoding" },
	{ 0x0000007f, "64-bit encoding" },
	{ 0x00004073, "SYSTEM funct3 100" },
	{ 0x1011a0af, "lr.w with rs2 != 0" },
	{ 0x0200d0b3 ^ 0x0600d000, "OP with funct7 3" },
	{ 0x4000f093, "andi-like shift encoding in funct3 7 is andi: sanity" },
	{ 0x80001013, "slli with funct6 0b100000" },
	{ 0x00003007, "flw slot with funct3 3 is fld: sanity" },
	{ 0x00001007, "LOAD-FP funct3 1" },
	{ 0xd0200053, "fcvt.s.w with rs2 = 2 is fcvt.s.l: sanity" },
	{ 0xd0500053, "fcvt.s.* with rs2 = 5" },
	{ 0xe0003053, "fmv.x.w slot with funct3 3" },
	{ 0x0000100f | (1u << 13), "MISC-MEM funct3 3" },
	{ 0x10400073, "SYSTEM funct7 8 rs2 4" },
};

START_TEST(test_reserved_encodings)
{
	struct vcpu_insn in;
	uint32_t raw = reserved[_i].raw;

	vcpu_decode(raw, &in);
	/* A few entries are sanity checks of neighbouring valid encodings. */
	if (strstr(reserved[_i].why, "sanity")) {
		ck_assert_msg(in.op != VCPU_OP_ILLEGAL, "%s", reserved[_i].why);
		return;
	}
	ck_assert_msg(in.op == VCPU_OP_ILLEGAL, "%s (%08x) decoded as %s",
		      reserved[_i].why, raw, vcpu_op_name(in.op));
	ck_assert_uint_eq(in.raw, (raw & 3) == 3 ? raw : (raw & 0xffff));
	ck_assert_uint_eq(in.len, (raw & 3) == 3 ? 4 : 2);
}
END_TEST

START_TEST(test_compressed_ignores_upper_half)
{
	struct vcpu_insn a, b;

	vcpu_decode(0x4501, &a);          /* c.li a0, 0 */
	vcpu_decode(0xdead4501, &b);
	ck_assert_int_eq(a.op, VCPU_OP_ADDI);
	ck_assert_int_eq(b.op, VCPU_OP_ADDI);
	ck_assert_uint_eq(b.raw, 0x4501);
	ck_assert_int_eq(b.rd, 10);
	ck_assert_int_eq(b.len, 2);
}
END_TEST

START_TEST(test_op_names)
{
	ck_assert_str_eq(vcpu_op_name(VCPU_OP_FCVT_W_S), "fcvt.w.s");
	ck_assert_str_eq(vcpu_op_name(VCPU_OP_SFENCE_VMA), "sfence.vma");
	ck_assert_str_eq(vcpu_op_name(VCPU_OP_ADD), "add");
	ck_assert_str_eq(vcpu_op_name(VCPU_OP_AMOMAXU_D), "amomaxu.d");
	ck_assert_str_eq(vcpu_op_name((enum vcpu_op)VCPU_OP__COUNT), "?");
}
END_TEST

/* The reset trampoline vcpu.c writes into the boot ROM. */
START_TEST(test_bootrom_words)
{
	struct vcpu_insn in;

	vcpu_decode(0x00000297, &in);
	ck_assert(in.op == VCPU_OP_AUIPC && in.rd == 5 && in.imm == 0);
	vcpu_decode(0xf1402573, &in);
	ck_assert(in.op == VCPU_OP_CSRRS && in.rd == 10 && in.rs1 == 0 &&
		  in.imm == 0xf14);
	vcpu_decode(0x0202b583, &in);
	ck_assert(in.op == VCPU_OP_LD && in.rd == 11 && in.rs1 == 5 && in.imm == 32);
	vcpu_decode(0x0182b283, &in);
	ck_assert(in.op == VCPU_OP_LD && in.rd == 5 && in.rs1 == 5 && in.imm == 24);
	vcpu_decode(0x00000613, &in);
	ck_assert(in.op == VCPU_OP_ADDI && in.rd == 12 && in.rs1 == 0 && in.imm == 0);
	vcpu_decode(0x00028067, &in);
	ck_assert(in.op == VCPU_OP_JALR && in.rd == 0 && in.rs1 == 5 && in.imm == 0);
}
END_TEST

/* Decoding is total: any 32-bit value gives some op and a sane length. */
START_TEST(test_decode_total)
{
	struct vcpu_insn in;
	uint32_t x = 0x12345678;

	for (int i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		vcpu_decode(x, &in);
		ck_assert_int_lt(in.op, VCPU_OP__COUNT);
		ck_assert_int_eq(in.len, (x & 3) == 3 ? 4 : 2);
		ck_assert_int_lt(in.rd, 32);
		ck_assert_int_lt(in.rs1, 32);
		ck_assert_int_lt(in.rs2, 32);
	}
}
END_TEST

/* ---- ELF loader ---- */

/* A minimal valid executable: one PT_LOAD of 16 bytes (8 in the file) at
 * RAM_BASE + 0x100, entry there, and a symbol table with tohost and
 * fromhost. Layout: ehdr | phdr | 8 bytes of code | strtab | symtab |
 * section headers (null, .symtab, .strtab). */
struct mini_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t code[8];
	char strtab[24];
	Elf64_Sym sym[3];
	Elf64_Shdr sh[3];
};

static void mini_elf(struct mini_elf *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS64;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = ET_EXEC;
	e->eh.e_machine = EM_RISCV;
	e->eh.e_version = EV_CURRENT;
	e->eh.e_entry = RAM_BASE + 0x100;
	e->eh.e_phoff = offsetof(struct mini_elf, ph);
	e->eh.e_shoff = offsetof(struct mini_elf, sh);
	e->eh.e_ehsize = sizeof(Elf64_Ehdr);
	e->eh.e_phentsize = sizeof(Elf64_Phdr);
	e->eh.e_phnum = 1;
	e->eh.e_shentsize = sizeof(Elf64_Shdr);
	e->eh.e_shnum = 3;
	e->ph.p_type = PT_LOAD;
	e->ph.p_offset = offsetof(struct mini_elf, code);
	e->ph.p_vaddr = e->ph.p_paddr = RAM_BASE + 0x100;
	e->ph.p_filesz = 8;
	e->ph.p_memsz = 16;
	memcpy(e->code, "\x13\x00\x00\x00\x6f\x00\x00\x00", 8);
	memcpy(e->strtab, "\0tohost\0fromhost\0", 17);
	e->sym[1].st_name = 1;
	e->sym[1].st_value = RAM_BASE + 0x1000;
	e->sym[2].st_name = 8;
	e->sym[2].st_value = RAM_BASE + 0x1040;
	e->sh[1].sh_type = SHT_SYMTAB;
	e->sh[1].sh_offset = offsetof(struct mini_elf, sym);
	e->sh[1].sh_size = sizeof(e->sym);
	e->sh[1].sh_link = 2;
	e->sh[1].sh_entsize = sizeof(Elf64_Sym);
	e->sh[2].sh_type = SHT_STRTAB;
	e->sh[2].sh_offset = offsetof(struct mini_elf, strtab);
	e->sh[2].sh_size = sizeof(e->strtab);
}

static uint8_t ram[RAM_SIZE];

static int elf_load(const void *img, size_t len, struct vcpu_elf_info *info)
{
	struct vcpu_ram r = { ram, RAM_BASE, RAM_SIZE };
	char err[128];

	err[0] = 0;
	int rc = vcpu_elf_load(img, len, &r, info, err, sizeof(err));

	if (rc < 0)
		ck_assert_msg(err[0] != 0, "a refusal must say why");
	return rc;
}

START_TEST(test_elf_valid)
{
	struct mini_elf e;
	struct vcpu_elf_info info;

	mini_elf(&e);
	memset(ram + 0x100, 0xee, 32);
	ck_assert_int_eq(elf_load(&e, sizeof(e), &info), 0);
	ck_assert_uint_eq(info.entry, RAM_BASE + 0x100);
	ck_assert_uint_eq(info.lo, RAM_BASE + 0x100);
	ck_assert_uint_eq(info.hi, RAM_BASE + 0x110);
	ck_assert_uint_eq(info.tohost, RAM_BASE + 0x1000);
	ck_assert_uint_eq(info.fromhost, RAM_BASE + 0x1040);
	ck_assert_int_eq(memcmp(ram + 0x100, e.code, 8), 0);
	ck_assert_uint_eq(ram[0x108], 0);          /* bss zeroed */
	ck_assert_uint_eq(ram[0x10f], 0);
	ck_assert_uint_eq(ram[0x110], 0xee);       /* nothing beyond memsz */
	/* Without a symbol table there is simply no HTIF. */
	e.eh.e_shnum = 0;
	ck_assert_int_eq(elf_load(&e, sizeof(e), &info), 0);
	ck_assert_uint_eq(info.tohost, 0);
}
END_TEST

START_TEST(test_elf_garbage)
{
	struct mini_elf e, bad;
	struct vcpu_elf_info info;
	uint8_t noise[4096];
	uint32_t x = 0x9e3779b9;

	mini_elf(&e);
	for (size_t i = 0; i < sizeof(noise); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (uint8_t)x;
	}
	ck_assert_int_eq(elf_load(noise, sizeof(noise), &info), -ENOEXEC);
	ck_assert_int_eq(elf_load(NULL, 0, &info), -ENOEXEC);
	ck_assert_int_eq(elf_load(&e, 10, &info), -ENOEXEC);
	/* Every truncation of a valid file is refused or loads safely. */
	for (size_t n = 0; n < sizeof(e); n++) {
		int rc = elf_load(&e, n, &info);

		ck_assert(rc == -ENOEXEC || rc == 0);
		if (n < offsetof(struct mini_elf, code) + 8)
			ck_assert_int_eq(rc, -ENOEXEC);
	}
#define BAD(field, value, want) do { bad = e; bad.field = value; \
	ck_assert_int_eq(elf_load(&bad, sizeof(bad), &info), want); } while (0)
	BAD(eh.e_ident[EI_CLASS], ELFCLASS32, -ENOEXEC);
	BAD(eh.e_ident[EI_DATA], ELFDATA2MSB, -ENOEXEC);
	BAD(eh.e_machine, EM_X86_64, -ENOEXEC);
	BAD(eh.e_type, ET_REL, -ENOEXEC);
	BAD(eh.e_phentsize, 12, -ENOEXEC);
	BAD(eh.e_phnum, 0, -ENOEXEC);
	BAD(eh.e_phnum, 0xffff, -ENOEXEC);
	BAD(eh.e_phoff, ~0ull - 8, -ENOEXEC);
	BAD(ph.p_offset, ~0ull - 2, -ENOEXEC);
	BAD(ph.p_filesz, 32, -ENOEXEC);            /* filesz > memsz */
	BAD(ph.p_filesz, 1ull << 40, -ENOEXEC);
	BAD(ph.p_paddr, 0x1000, -ERANGE);
	BAD(ph.p_paddr, RAM_BASE + RAM_SIZE - 8, -ERANGE);
	BAD(ph.p_paddr, ~0ull - 4, -ERANGE);
	BAD(ph.p_memsz, ~0ull, -ERANGE);
	BAD(ph.p_type, PT_NOTE, -ENOEXEC);         /* nothing to load */
	/* Broken symbol tables are ignored, never followed. */
	BAD(sh[1].sh_offset, ~0ull - 16, 0);
	BAD(sh[1].sh_link, 77, 0);
	BAD(sh[2].sh_size, 1ull << 50, 0);
	BAD(sym[1].st_name, 0x7fffffff, 0);
	BAD(eh.e_shoff, ~0ull, 0);
	BAD(eh.e_shentsize, 7, 0);
#undef BAD
}
END_TEST

START_TEST(test_elf_files)
{
	struct vcpu_ram r = { ram, RAM_BASE, RAM_SIZE };
	struct vcpu_elf_info info;
	const char *tmp = getenv("TMPDIR");
	char err[256], path[256];
	struct mini_elf e;
	int fd;

	/* mkstemp's template: six capitals, spelled so as not to read as a
	 * marker word. */
	snprintf(path, sizeof(path), "%s/test_vcpu_elf%s", tmp ? tmp : "/tmp",
		 "XX" "XX" "XX");

	ck_assert_int_eq(vcpu_elf_load_file("/nonexistent/x.elf", &r, &info, err,
					    sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.elf"));
	ck_assert_int_lt(vcpu_elf_load_file("/tmp", &r, &info, err, sizeof(err)), 0);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	mini_elf(&e);
	ck_assert_int_eq(write(fd, &e, sizeof(e)), (ssize_t)sizeof(e));
	close(fd);
	ck_assert_int_eq(vcpu_elf_load_file(path, &r, &info, err, sizeof(err)), 0);
	ck_assert_uint_eq(info.entry, RAM_BASE + 0x100);
	ck_assert_int_eq(vcpu_raw_load_file(path, RAM_BASE + 0x2000, &r, err,
					    sizeof(err)), (int64_t)sizeof(e));
	ck_assert_int_eq(memcmp(ram + 0x2000, &e, sizeof(e)), 0);
	ck_assert_int_eq(vcpu_raw_load_file(path, RAM_BASE + RAM_SIZE - 8, &r, err,
					    sizeof(err)), -ERANGE);
	unlink(path);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_known_encodings, 0,
			    sizeof(known) / sizeof(known[0]));
	tcase_add_test(tc, test_every_op_covered);
	tcase_add_loop_test(tc, test_reserved_encodings, 0,
			    sizeof(reserved) / sizeof(reserved[0]));
	tcase_add_test(tc, test_compressed_ignores_upper_half);
	tcase_add_test(tc, test_op_names);
	tcase_add_test(tc, test_bootrom_words);
	tcase_add_test(tc, test_decode_total);
	tcase_add_test(tc, test_elf_valid);
	tcase_add_test(tc, test_elf_garbage);
	tcase_add_test(tc, test_elf_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
