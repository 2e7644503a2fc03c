/* SPDX-License-Identifier: MIT */
/*
 * mmu/fdt suite: the generated device tree, read back with libfdt, says
 * what the memory map table says.
 */
#include <check.h>
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/fdt.h"
#include "mmu/memmap.h"

static char blob[16384];

static int build(unsigned harts, uint32_t slots, const char *args)
{
	struct mmu_fdt_config c = { .harts = harts, .ram_size = 128ull << 20,
				    .bootargs = args, .virtio_slots = slots,
				    .initrd_start = 0x88000000,
				    .initrd_end = 0x88100000 };

	return mmu_fdt_build(blob, sizeof(blob), &c);
}

static uint64_t reg_base(int node)
{
	int len;
	const uint8_t *r = fdt_getprop(blob, node, "reg", &len);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(len, 16);
	return fdt64_ld((const fdt64_t *)r);   /* only 4-byte aligned */
}

START_TEST(tree_matches_memmap)
{
	int n, len;
	const char *s;

	ck_assert_int_gt(build(1, 0x5, "console=ttyS0"), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	n = fdt_path_offset(blob, "/memory@80000000");
	ck_assert_int_ge(n, 0);
	const uint8_t *mem = fdt_getprop(blob, n, "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(fdt64_ld((const fdt64_t *)(mem + 8)), 128ull << 20);
	n = fdt_path_offset(blob, "/soc/serial@10000000");
	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq(reg_base(n), mmu_memmap[MMU_MEM_UART0].base);
	ck_assert_uint_eq(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(blob, n,
			  "interrupts", NULL)), MMU_UART0_IRQ);
	/* Slots 0 and 2 present, 1 absent, with IRQs 1 + n. */
	n = fdt_path_offset(blob, "/soc/virtio_mmio@10003000");
	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(blob, n,
			  "interrupts", NULL)), 3);
	ck_assert_int_lt(fdt_path_offset(blob, "/soc/virtio_mmio@10002000"), 0);
	n = fdt_path_offset(blob, "/chosen");
	s = fdt_getprop(blob, n, "bootargs", NULL);
	ck_assert_str_eq(s, "console=ttyS0");
	s = fdt_getprop(blob, n, "stdout-path", NULL);
	ck_assert_int_ge(fdt_path_offset(blob, s), 0);
	const void *irs = fdt_getprop(blob, n, "linux,initrd-start", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt64_ld(irs), 0x88000000);
}
END_TEST

START_TEST(phandles_resolve)
{
	int plic, cpu, len;
	const fdt32_t *ie;

	ck_assert_int_gt(build(2, 0, NULL), 0);
	plic = fdt_path_offset(blob, "/soc/plic@c000000");
	ck_assert_int_ge(plic, 0);
	ie = fdt_getprop(blob, plic, "interrupts-extended", &len);
	ck_assert_int_eq(len, 2 * 2 * 2 * 4);      /* 2 harts x (M, S) */
	for (int i = 0; i < len / 8; i++) {
		int intc = fdt_node_offset_by_phandle(blob, fdt32_to_cpu(ie[2 * i]));
		ck_assert_int_ge(intc, 0);
		ck_assert_str_eq(fdt_getprop(blob, intc, "compatible", NULL),
				 "riscv,cpu-intc");
	}
	ck_assert_uint_eq(fdt32_to_cpu(ie[1]), 11);   /* hart 0 M external */
	ck_assert_uint_eq(fdt32_to_cpu(ie[3]), 9);    /* hart 0 S external */
	cpu = fdt_path_offset(blob, "/cpus/cpu@1");
	ck_assert_int_ge(cpu, 0);
	int uart = fdt_path_offset(blob, "/soc/serial@10000000");
	uint32_t parent = fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(blob, uart,
				       "interrupt-parent", NULL));
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, parent), plic);
	int off = fdt_path_offset(blob, "/poweroff");
	uint32_t rm = fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(blob, off,
				   "regmap", NULL));
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, rm),
			 fdt_path_offset(blob, "/soc/test@100000"));
}
END_TEST

START_TEST(bad_config_and_small_buffer)
{
	struct mmu_fdt_config c = { .harts = 1, .ram_size = 1 << 20 };
	char tiny[64];

	ck_assert_int_eq(mmu_fdt_build(tiny, sizeof(tiny), &c), -ENOSPC);
	c.harts = 0;
	ck_assert_int_eq(mmu_fdt_build(blob, sizeof(blob), &c), -EINVAL);
	c.harts = 1;
	c.initrd_start = 10;
	c.initrd_end = 5;
	ck_assert_int_eq(mmu_fdt_build(blob, sizeof(blob), &c), -EINVAL);
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *t = tcase_create("build");

	tcase_add_test(t, tree_matches_memmap);
	tcase_add_test(t, phandles_resolve);
	tcase_add_test(t, bad_config_and_small_buffer);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fdt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
