/* SPDX-License-Identifier: MIT */
/*
 * vcpu/fpu suite: F/D results and fflags for the cases RISC-V defines
 * differently from a plain host FPU, with expected values worked out from
 * the IEEE 754 encodings by hand.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu/fpu.h"

#define NX VCPU_FFLAG_NX
#define UF VCPU_FFLAG_UF
#define OF VCPU_FFLAG_OF
#define DZ VCPU_FFLAG_DZ
#define NV VCPU_FFLAG_NV
#define BOX(v) (0xffffffff00000000ull | (uint32_t)(v))
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };

static struct vcpu_state st;

/* Run @op with f1/f2/f3 (or x1 for int sources); returns fflags. */
static unsigned run(enum vcpu_op op, int rm, uint64_t a, uint64_t b,
		    uint64_t c)
{
	struct vcpu_insn in = { .op = op, .rd = 4, .rs1 = 1, .rs2 = 2,
				.rs3 = 3, .rm = (uint8_t)rm, .len = 4 };

	memset(&st, 0, sizeof(st));
	st.f[1] = a; st.f[2] = b; st.f[3] = c;
	st.x[1] = a; st.x[2] = b;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	return st.fcsr & 0x1f;
}

START_TEST(add_rounding_modes)
{
	/* 1 + 2^-24 in single: exactly halfway between 1 and 1 + 2^-23. */
	uint64_t one = BOX(0x3f800000), half_ulp = BOX(0x33800000);

	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RNE, one, half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800000));     /* ties to even */
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RMM, one, half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800001));     /* ties away */
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RUP, one, half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800001));
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RTZ, one, half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800000));
	/* -(1 + 2^-24) rounds down to -(1 + 2^-23) under RDN and RMM. */
	ck_assert_uint_eq(run(VCPU_OP_FSUB_S, RDN, BOX(0xbf800000), half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0xbf800001));
	ck_assert_uint_eq(run(VCPU_OP_FSUB_S, RMM, BOX(0xbf800000), half_ulp, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0xbf800001));
	/* Not a tie: 1 + 2^-25 stays 1 under RMM. */
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RMM, one, BOX(0x33000000), 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800000));
	/* Double: 1 + 2^-53 under RMM goes to 1 + 2^-52. */
	ck_assert_uint_eq(run(VCPU_OP_FADD_D, RMM, 0x3ff0000000000000ull,
			      0x3ca0000000000000ull, 0), NX);
	ck_assert_uint_eq(st.f[4], 0x3ff0000000000001ull);
}
END_TEST

START_TEST(dynamic_and_reserved_rm)
{
	struct vcpu_insn in = { .op = VCPU_OP_FADD_D, .rd = 4, .rs1 = 1,
				.rs2 = 2, .rm = DYN, .len = 4 };

	memset(&st, 0, sizeof(st));
	st.f[1] = 0x3ff0000000000000ull;
	st.f[2] = 0x3ca0000000000000ull;
	st.fcsr = RMM << 5;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), 0);
	ck_assert_uint_eq(st.f[4], 0x3ff0000000000001ull);
	st.fcsr = 5 << 5;
	st.f[4] = 0;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), -EINVAL);
	ck_assert_uint_eq(st.f[4], 0);
	in.rm = 6;
	ck_assert_int_eq(vcpu_fpu_exec(&st, &in), -EINVAL);
}
END_TEST

START_TEST(nan_rules)
{
	/* Payloads are not propagated: the result is the canonical NaN. */
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RNE, BOX(0x7fc12345),
			      BOX(0x3f800000), 0), 0);
	ck_assert_uint_eq(st.f[4], BOX(0x7fc00000));
	/* A signalling NaN operand raises NV. */
	ck_assert_uint_eq(run(VCPU_OP_FMUL_D, RNE, 0x7ff0000000000001ull,
			      0x3ff0000000000000ull, 0), NV);
	ck_assert_uint_eq(st.f[4], 0x7ff8000000000000ull);
	/* A single that is not NaN-boxed reads as the canonical NaN. */
	ck_assert_uint_eq(run(VCPU_OP_FADD_S, RNE, 0x000000003f800000ull,
			      BOX(0x3f800000), 0), 0);
	ck_assert_uint_eq(st.f[4], BOX(0x7fc00000));
	/* inf - inf and 0/0 are invalid; 1/0 divides by zero. */
	ck_assert_uint_eq(run(VCPU_OP_FSUB_D, RNE, 0x7ff0000000000000ull,
			      0x7ff0000000000000ull, 0), NV);
	ck_assert_uint_eq(run(VCPU_OP_FDIV_S, RNE, BOX(0x3f800000), BOX(0), 0), DZ);
	ck_assert_uint_eq(st.f[4], BOX(0x7f800000));
	ck_assert_uint_eq(run(VCPU_OP_FSQRT_D, RNE, 0xbff0000000000000ull, 0, 0), NV);
	ck_assert_uint_eq(st.f[4], 0x7ff8000000000000ull);
	/* inf * 0 + qNaN raises NV in RISC-V. */
	ck_assert_uint_eq(run(VCPU_OP_FMADD_D, RNE, 0x7ff0000000000000ull, 0,
			      0x7ff8000000000000ull), NV);
}
END_TEST

START_TEST(min_max)
{
	uint64_t pz = BOX(0), nz = BOX(0x80000000), one = BOX(0x3f800000);

	run(VCPU_OP_FMIN_S, 0, pz, nz, 0);
	ck_assert_uint_eq(st.f[4], nz);
	run(VCPU_OP_FMAX_S, 0, nz, pz, 0);
	ck_assert_uint_eq(st.f[4], pz);
	/* One quiet NaN: the other operand, no flag. */
	ck_assert_uint_eq(run(VCPU_OP_FMIN_S, 0, BOX(0x7fc00000), one, 0), 0);
	ck_assert_uint_eq(st.f[4], one);
	/* A signalling NaN: the other operand, with NV. */
	ck_assert_uint_eq(run(VCPU_OP_FMAX_S, 0, one, BOX(0x7f800001), 0), NV);
	ck_assert_uint_eq(st.f[4], one);
	/* Both NaN: canonical NaN. */
	ck_assert_uint_eq(run(VCPU_OP_FMAX_D, 0, 0x7ff8000000000123ull,
			      0x7ff8000000000456ull, 0), 0);
	ck_assert_uint_eq(st.f[4], 0x7ff8000000000000ull);
}
END_TEST

START_TEST(compares_and_class)
{
	uint64_t qnan = BOX(0x7fc00000), snan = BOX(0x7f800001);
	uint64_t one = BOX(0x3f800000);

	ck_assert_uint_eq(run(VCPU_OP_FEQ_S, 0, qnan, one, 0), 0);
	ck_assert_uint_eq(st.x[4], 0);
	ck_assert_uint_eq(run(VCPU_OP_FEQ_S, 0, snan, one, 0), NV);
	ck_assert_uint_eq(run(VCPU_OP_FLT_S, 0, qnan, one, 0), NV);
	ck_assert_uint_eq(run(VCPU_OP_FLE_D, 0, 0x8000000000000000ull, 0, 0), 0);
	ck_assert_uint_eq(st.x[4], 1);                    /* -0 <= +0 */
	run(VCPU_OP_FCLASS_S, 0, BOX(0xff800000), 0, 0);
	ck_assert_uint_eq(st.x[4], 1u << 0);
	run(VCPU_OP_FCLASS_S, 0, BOX(0x00000001), 0, 0);
	ck_assert_uint_eq(st.x[4], 1u << 5);
	run(VCPU_OP_FCLASS_D, 0, 0x8000000000000000ull, 0, 0);
	ck_assert_uint_eq(st.x[4], 1u << 3);
	run(VCPU_OP_FCLASS_S, 0, snan, 0, 0);
	ck_assert_uint_eq(st.x[4], 1u << 8);
	run(VCPU_OP_FCLASS_S, 0, 0x3f800000, 0, 0);       /* badly boxed */
	ck_assert_uint_eq(st.x[4], 1u << 9);
}
END_TEST

START_TEST(float_to_int)
{
	/* 2.5 to int: RNE 2, RMM 3, RDN 2, RUP 3, all inexact. */
	uint64_t v = 0x4004000000000000ull;
	const int want[5] = { 2, 2, 2, 3, 3 };

	for (int rm = 0; rm < 5; rm++) {
		ck_assert_uint_eq(run(VCPU_OP_FCVT_W_D, rm, v, 0, 0), NX);
		ck_assert_int_eq((int64_t)st.x[4], want[rm]);
	}
	/* Saturation: NaN -> max, -inf -> min, 2^31 -> max, all NV. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_W_S, RTZ, BOX(0x7fc00000), 0, 0), NV);
	ck_assert_uint_eq(st.x[4], 0x7fffffffull);
	ck_assert_uint_eq(run(VCPU_OP_FCVT_L_D, RTZ, 0xfff0000000000000ull, 0, 0), NV);
	ck_assert_uint_eq(st.x[4], 0x8000000000000000ull);
	ck_assert_uint_eq(run(VCPU_OP_FCVT_W_S, RTZ, BOX(0x4f000000), 0, 0), NV);
	ck_assert_uint_eq(st.x[4], 0x7fffffffull);
	/* Unsigned: -1.0 -> 0 with NV; -0.25 -> 0 with only NX; W results
	 * are sign-extended, so 2^32-1 fills the register. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_LU_D, RTZ, 0xbff0000000000000ull, 0, 0), NV);
	ck_assert_uint_eq(st.x[4], 0);
	ck_assert_uint_eq(run(VCPU_OP_FCVT_WU_D, RTZ, 0xbfd0000000000000ull, 0, 0), NX);
	ck_assert_uint_eq(st.x[4], 0);
	ck_assert_uint_eq(run(VCPU_OP_FCVT_WU_D, RTZ, 0x41efffffffe00000ull, 0, 0), 0);
	ck_assert_uint_eq(st.x[4], ~0ull);
	/* 2^64 does not fit LU: max with NV. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_LU_D, RTZ, 0x43f0000000000000ull, 0, 0), NV);
	ck_assert_uint_eq(st.x[4], ~0ull);
}
END_TEST

START_TEST(int_to_float_and_narrowing)
{
	/* 2^24 + 1 is a tie between 2^24 and 2^24 + 2 in single. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_W, RNE, 0x1000001, 0, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x4b800000));
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_W, RMM, 0x1000001, 0, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x4b800001));
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_LU, RNE, ~0ull, 0, 0), NX);
	ck_assert_uint_eq(st.f[4], BOX(0x5f800000));      /* 2^64 */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_D_WU, RNE, 0xffffffffull, 0, 0), 0);
	ck_assert_uint_eq(st.f[4], 0x41efffffffe00000ull);
	/* Double max narrows to inf (RNE) or single max (RTZ). */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_D, RNE, 0x7fefffffffffffffull, 0, 0), OF | NX);
	ck_assert_uint_eq(st.f[4], BOX(0x7f800000));
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_D, RTZ, 0x7fefffffffffffffull, 0, 0), OF | NX);
	ck_assert_uint_eq(st.f[4], BOX(0x7f7fffff));
	/* A tiny double narrows to zero with UF and NX. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_S_D, RNE, 0x0000000000000001ull, 0, 0), UF | NX);
	ck_assert_uint_eq(st.f[4], BOX(0));
	/* Widening an sNaN: canonical NaN with NV. */
	ck_assert_uint_eq(run(VCPU_OP_FCVT_D_S, RNE, BOX(0x7f800001), 0, 0), NV);
	ck_assert_uint_eq(st.f[4], 0x7ff8000000000000ull);
}
END_TEST

START_TEST(moves_and_sign)
{
	run(VCPU_OP_FMV_X_W, 0, 0x12345678cafef00dull, 0, 0);
	ck_assert_uint_eq(st.x[4], 0xffffffffcafef00dull);
	run(VCPU_OP_FMV_W_X, 0, 0x1234567800000001ull, 0, 0);
	ck_assert_uint_eq(st.f[4], BOX(1));
	run(VCPU_OP_FSGNJN_D, 0, 0x3ff0000000000000ull, 0x3ff0000000000000ull, 0);
	ck_assert_uint_eq(st.f[4], 0xbff0000000000000ull);
	run(VCPU_OP_FSGNJX_S, 0, BOX(0xbf800000), BOX(0x80000000), 0);
	ck_assert_uint_eq(st.f[4], BOX(0x3f800000));
}
END_TEST

START_TEST(fused_single_rounding)
{
	/* (1 + 2^-25)^2 - 1 = 2^-24 + 2^-50: a fused op keeps the 2^-50
	 * term that a separate multiply would have rounded away. */
	uint64_t a = 0x3ff0000008000000ull, m1 = 0xbff0000000000000ull;

	run(VCPU_OP_FMADD_D, RNE, a, a, m1);
	ck_assert_uint_eq(st.f[4], 0x3e70000004000000ull);
	/* FNMADD: -(a*b) - c. */
	run(VCPU_OP_FNMADD_D, RNE, 0x4000000000000000ull,
	    0x4008000000000000ull, 0x3ff0000000000000ull);
	ck_assert_uint_eq(st.f[4], 0xc01c000000000000ull);     /* -7 */
	/* Underflow: 2^-140 as a single product is subnormal and inexact. */
	ck_assert_uint_eq(run(VCPU_OP_FMUL_S, RNE, BOX(0x1a000001),
			      BOX(0x1a000000), 0) & (UF | NX), UF | NX);
}
END_TEST

static Suite *fpu_suite(void)
{
	Suite *s = suite_create("fpu");
	TCase *t = tcase_create("core");

	tcase_add_test(t, add_rounding_modes);
	tcase_add_test(t, dynamic_and_reserved_rm);
	tcase_add_test(t, nan_rules);
	tcase_add_test(t, min_max);
	tcase_add_test(t, compares_and_class);
	tcase_add_test(t, float_to_int);
	tcase_add_test(t, int_to_float_and_narrowing);
	tcase_add_test(t, moves_and_sign);
	tcase_add_test(t, fused_single_rounding);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
