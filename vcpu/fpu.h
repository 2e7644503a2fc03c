/* SPDX-License-Identifier: MIT */
/*
 * The F and D extensions' arithmetic: everything but the FP loads and
 * stores, which the interpreter performs itself.
 */
#ifndef TESSERA_VCPU_FPU_H
#define TESSERA_VCPU_FPU_H

#include <stdint.h>

#include "vcpu/insn.h"
#include "vcpu/state.h"

/* RISC-V fflags bits. */
#define VCPU_FFLAG_NX 0x01u
#define VCPU_FFLAG_UF 0x02u
#define VCPU_FFLAG_OF 0x04u
#define VCPU_FFLAG_DZ 0x08u
#define VCPU_FFLAG_NV 0x10u

/*
 * vcpu_fpu_exec - execute the F/D operation @in on hart state @s: reads
 * and writes s->f[], s->x[] (never x0) and the fflags in s->fcsr. Returns
 * 0, or -EINVAL for an illegal instruction (a reserved rounding mode in
 * the instruction, or rm = DYN while frm holds a reserved value), in which
 * case nothing was written. The caller has checked mstatus.FS != Off and
 * sets FS = Dirty after a successful return. Called on the hart's thread.
 */
int vcpu_fpu_exec(struct vcpu_state *s, const struct vcpu_insn *in);

/* vcpu_fpu_box32 - NaN-box a single-precision value for an f register. */
static inline uint64_t vcpu_fpu_box32(uint32_t v)
{
	return 0xffffffff00000000ull | v;
}

#endif
