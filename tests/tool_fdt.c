/* SPDX-License-Identifier: MIT */
/*
 * tool_fdt: write Tessera's generated device tree to a file, to boot a
 * kernel with it (under Tessera or, as a cross-check, under QEMU -dtb).
 *
 * usage: tool_fdt OUT.dtb RAM_MIB VIRTIO_MASK [BOOTARGS [INITRD_START INITRD_END]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "mmu/fdt.h"

int main(int argc, char **argv)
{
	static char blob[65536];
	struct mmu_fdt_config c = { .harts = 1 };
	FILE *f;
	int n;

	if (argc < 4) {
		fprintf(stderr, "usage: %s OUT RAM_MIB VIRTIO_MASK [BOOTARGS "
			"[INITRD_START INITRD_END]]\n", argv[0]);
		return 2;
	}
	c.ram_size = strtoull(argv[2], NULL, 0) << 20;
	c.virtio_slots = (uint32_t)strtoul(argv[3], NULL, 0);
	c.bootargs = argc > 4 ? argv[4] : NULL;
	if (argc > 6) {
		c.initrd_start = strtoull(argv[5], NULL, 0);
		c.initrd_end = strtoull(argv[6], NULL, 0);
	}
	n = mmu_fdt_build(blob, sizeof(blob), &c);
	if (n < 0) {
		fprintf(stderr, "tool_fdt: cannot build the device tree (%d)\n", n);
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(blob, 1, (size_t)n, f) != (size_t)n || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
