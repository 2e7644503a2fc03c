/* SPDX-License-Identifier: MIT */
/*
 * The M extension: every multiply (low and high halves with each
 * signedness), every divide and remainder, the W forms and their sign
 * extension, and the cases the ISA defines instead of trapping: division by
 * zero and the signed overflow INT_MIN / -1.
 */
#include "isa.h"

#define MIN64 0x8000000000000000ul
#define MAX64 0x7ffffffffffffffful

static void test_mul(void)
{
	CHECK_EQ(RR(mul, 3, -7), -21);
	CHECK_EQ(RR(mul, MAX64, 2), 0xfffffffffffffffeul);
	CHECK_EQ(RR(mul, 0x100000001ul, 0x100000001ul), 0x200000001ul);
	CHECK_EQ(RR(mulh, MIN64, MIN64), 0x4000000000000000ul);
	CHECK_EQ(RR(mulh, -1, -1), 0);
	CHECK_EQ(RR(mulh, -1, 1), -1);
	CHECK_EQ(RR(mulh, MAX64, MAX64), 0x3fffffffffffffffull);
	CHECK_EQ(RR(mulhu, -1, -1), 0xfffffffffffffffeul);
	CHECK_EQ(RR(mulhu, MIN64, 4), 2);
	CHECK_EQ(RR(mulhu, 0x123456789ul, 0x10), 0);
	CHECK_EQ(RR(mulhsu, -1, -1), -1);
	CHECK_EQ(RR(mulhsu, 2, -1), 1);
	CHECK_EQ(RR(mulhsu, MIN64, 2), -1);
	CHECK_EQ(RR(mulhsu, MIN64, MIN64), 0xc000000000000000ul);
	CHECK_EQ(RR(mulw, 0x7fffffff, 2), 0xfffffffffffffffeul);
	CHECK_EQ(RR(mulw, 0x100000003ul, 5), 15);
	CHECK_EQ(RR(mulw, 0x10000, 0x10000), 0);
	CHECK_EQ(RR(mulw, -3, 0xffffffff00000005ul), -15);
}

static void test_div(void)
{
	CHECK_EQ(RR(div, -7, 2), -3);
	CHECK_EQ(RR(rem, -7, 2), -1);
	CHECK_EQ(RR(div, 7, -2), -3);
	CHECK_EQ(RR(rem, 7, -2), 1);
	CHECK_EQ(RR(div, -8, -2), 4);
	CHECK_EQ(RR(divu, -1, 2), MAX64);
	CHECK_EQ(RR(remu, -1, 2), 1);
	CHECK_EQ(RR(divu, MIN64, 3), 0x2aaaaaaaaaaaaaaaul);
	CHECK_EQ(RR(remu, MIN64, 3), 2);
	CHECK_EQ(RR(div, 12345, 0), -1);
	CHECK_EQ(RR(div, -12345, 0), -1);
	CHECK_EQ(RR(divu, 12345, 0), ~0ul);
	CHECK_EQ(RR(rem, -12345, 0), -12345);
	CHECK_EQ(RR(remu, 12345, 0), 12345);
	CHECK_EQ(RR(div, MIN64, -1), MIN64);
	CHECK_EQ(RR(rem, MIN64, -1), 0);
	CHECK_EQ(RR(divu, MIN64, -1), 0);
	CHECK_EQ(RR(remu, MIN64, -1), MIN64);
}

static void test_divw(void)
{
	CHECK_EQ(RR(divw, 0x12345678fffffff9ul, 2), -3);
	CHECK_EQ(RR(remw, 0xfffffff9ul, 2), -1);
	CHECK_EQ(RR(divw, 0x80000000ul, -1), 0xffffffff80000000ul);
	CHECK_EQ(RR(remw, 0x80000000ul, -1), 0);
	CHECK_EQ(RR(divw, 77, 0xffffffff00000000ul), -1);
	CHECK_EQ(RR(divuw, 77, 0), ~0ul);
	CHECK_EQ(RR(remw, 0xfffffffff0000000ul, 0), 0xfffffffff0000000ul);
	CHECK_EQ(RR(remuw, 0x123456789ul, 0), 0x23456789);
	CHECK_EQ(RR(remuw, 0x180000000ul, 0), 0xffffffff80000000ul);
	CHECK_EQ(RR(divuw, 0x80000000ul, 1), 0xffffffff80000000ul);
	CHECK_EQ(RR(divuw, 0xfffffffful, 2), 0x7fffffff);
	CHECK_EQ(RR(remuw, 0xfffffffful, 10), 5);
	CHECK_EQ(RR(divw, 100, 7), 14);
	CHECK_EQ(RR(remw, -100, 7), -2);
}

int main(void)
{
	test_mul();
	test_div();
	test_divw();
	return rt_done("isa_m");
}
