/* SPDX-License-Identifier: MIT */
/*
 * The F and D extensions' arithmetic: every F/D operation except the FP
 * loads and stores, which the interpreter performs itself with the NaN-boxing
 * helper below. Results and fflags follow the RISC-V unprivileged spec
 * (20191213, chapters 11 and 12) bit for bit: canonical NaNs, NaN-boxed
 * singles, all five rounding modes including RMM, tininess after rounding,
 * saturating conversions, 2.2-style FMIN/FMAX.
 *
 * Host floating-point state (x86-64 only): the unit expects the calling
 * thread's MXCSR control bits at their ABI default (all exceptions masked,
 * round to nearest, no DAZ/FTZ), as C code leaves them unless it calls
 * fesetround() or is built with -ffast-math; nothing in Tessera changes
 * them. It loads the guest's rounding mode only around the rare operations
 * that need it and restores the default after; MXCSR exception flags may be
 * left set (host code does not read them, and stale ones never leak into
 * the guest's fflags).
 */
#ifndef TESSERA_VCPU_FPU_H
#define TESSERA_VCPU_FPU_H

#include <stdint.h>

#include "vcpu/insn.h"
#include "vcpu/state.h"

/* RISC-V fflags bits (fcsr[4:0]). */
#define VCPU_FFLAG_NX 0x01u
#define VCPU_FFLAG_UF 0x02u
#define VCPU_FFLAG_OF 0x04u
#define VCPU_FFLAG_DZ 0x08u
#define VCPU_FFLAG_NV 0x10u

/*
 * vcpu_fpu_exec - execute the F/D operation @in on hart state @s.
 *
 * Handles every F/D op of vcpu/insn.h except FLW, FSW, FLD and FSD (and
 * returns -EINVAL for those and for any non-FP op). Reads s->f[], s->x[]
 * and fcsr.frm; writes s->f[rd] or s->x[rd] (never x[0]) and ORs the raised
 * exceptions into fcsr.fflags (fcsr bits 4:0; no other fcsr bit changes).
 *
 * Returns 0 on success, or -EINVAL for an illegal instruction: the op is
 * not one of this unit's, or it has a rounding-mode field (see
 * vcpu_fpu_op_has_rm()) holding 5 or 6, or holding 7 (dynamic) while frm
 * is 5, 6 or 7. On -EINVAL nothing at all was written.
 *
 * mstatus.FS is the caller's: it raises illegal-instruction before calling
 * when FS is Off. After a successful call the FP state was modified exactly
 * when vcpu_fpu_op_writes_f(op) is true or fcsr changed (compare fcsr
 * before and after). Setting FS = Dirty after every successful call, as
 * the interpreter does, is also correct: the privileged spec defines Dirty
 * as "potentially modified since the last context save". Called on the
 * hart's thread; thread-safe (MXCSR is per thread and the unit keeps no
 * other state).
 */
int vcpu_fpu_exec(struct vcpu_state *s, const struct vcpu_insn *in);

/* vcpu_fpu_box32 - NaN-box a single-precision value for an f register
 * (FLW, FMV.W.X): the upper 32 bits all ones. */
static inline uint64_t vcpu_fpu_box32(uint32_t v)
{
	return 0xffffffff00000000ull | v;
}

/*
 * vcpu_fpu_op_writes_f - true when @op writes f[rd]; the others handled by
 * vcpu_fpu_exec (FEQ/FLT/FLE, FCLASS, FMV.X.W/D, FCVT.{W,WU,L,LU}.{S,D})
 * write x[rd] and touch FP state only through fflags.
 */
static inline int vcpu_fpu_op_writes_f(enum vcpu_op op)
{
	switch (op) {
	case VCPU_OP_FEQ_S: case VCPU_OP_FLT_S: case VCPU_OP_FLE_S:
	case VCPU_OP_FEQ_D: case VCPU_OP_FLT_D: case VCPU_OP_FLE_D:
	case VCPU_OP_FCLASS_S: case VCPU_OP_FCLASS_D:
	case VCPU_OP_FMV_X_W: case VCPU_OP_FMV_X_D:
	case VCPU_OP_FCVT_W_S: case VCPU_OP_FCVT_WU_S:
	case VCPU_OP_FCVT_L_S: case VCPU_OP_FCVT_LU_S:
	case VCPU_OP_FCVT_W_D: case VCPU_OP_FCVT_WU_D:
	case VCPU_OP_FCVT_L_D: case VCPU_OP_FCVT_LU_D:
	case VCPU_OP_FSW: case VCPU_OP_FSD:
		return 0;
	default:
		return op >= VCPU_OP_FLW && op <= VCPU_OP_FCLASS_D;
	}
}

/*
 * vcpu_fpu_op_has_rm - true when @op's encoding has a rounding-mode field
 * whose reserved values make the instruction illegal: FMA, FADD..FSQRT
 * and every FCVT (even the exact ones, FCVT.D.S and FCVT.D.[W]U, as on
 * Spike). FSGNJ*, FMIN/FMAX, compares, FCLASS and FMV use funct3 as an
 * opcode instead.
 */
int vcpu_fpu_op_has_rm(enum vcpu_op op);

#endif
