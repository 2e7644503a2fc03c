/* SPDX-License-Identifier: MIT */
/*
 * Device tree generation (see fdt.h). Every address, size and interrupt
 * comes from mmu_memmap, so the tree cannot disagree with the devices.
 */
#include "mmu/fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

#include "mmu/memmap.h"

#define PH_CPU_INTC(n) (1u + (n))   /* phandles */
#define PH_PLIC        0x100u
#define PH_TEST        0x101u
#define IRQ_M_SOFT     3
#define IRQ_S_EXT      9
#define IRQ_M_TIMER    7
#define IRQ_M_EXT      11

/* libfdt's sequential-write calls return 0 or a negative FDT_ERR_*. */
#define TRY(x) do { int e_ = (x); if (e_ < 0) return e_; } while (0)

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int begin_dev(void *fdt, enum mmu_mem_id id, uint64_t base)
{
	char name[64];

	snprintf(name, sizeof(name), "%s@%llx", mmu_memmap[id].name,
		 (unsigned long long)base);
	return fdt_begin_node(fdt, name);
}

static int add_cpus(void *fdt, unsigned harts)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "timebase-frequency", MMU_TIMEBASE_HZ));
	for (unsigned i = 0; i < harts; i++) {
		char name[32];

		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", i));
		TRY(fdt_property_string(fdt, "status", "okay"));
		TRY(fdt_property_string(fdt, "compatible", "riscv"));
		TRY(fdt_property_string(fdt, "riscv,isa",
					"rv64imafdc_zicsr_zifencei"));
		TRY(fdt_property_string(fdt, "mmu-type", "riscv,sv48"));
		TRY(fdt_begin_node(fdt, "interrupt-controller"));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
		TRY(fdt_property_u32(fdt, "#address-cells", 0));
		TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		TRY(fdt_property_u32(fdt, "phandle", PH_CPU_INTC(i)));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* interrupts-extended: for each hart, its intc and each of @irqs. */
static int prop_irqs_ext(void *fdt, unsigned harts, const uint32_t *irqs,
			 unsigned n)
{
	fdt32_t cells[2 * 8 * 4];
	unsigned k = 0;

	if (harts * n * 2 > sizeof(cells) / sizeof(cells[0]))
		return -FDT_ERR_NOSPACE;
	for (unsigned h = 0; h < harts; h++)
		for (unsigned i = 0; i < n; i++) {
			cells[k++] = cpu_to_fdt32(PH_CPU_INTC(h));
			cells[k++] = cpu_to_fdt32(irqs[i]);
		}
	return fdt_property(fdt, "interrupts-extended", cells, k * sizeof(cells[0]));
}

static int add_irqchips(void *fdt, unsigned harts)
{
	static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	const struct mmu_mem_region *c = &mmu_memmap[MMU_MEM_CLINT];
	const struct mmu_mem_region *p = &mmu_memmap[MMU_MEM_PLIC];
	static const uint32_t clint_irqs[] = { IRQ_M_SOFT, IRQ_M_TIMER };
	static const uint32_t plic_irqs[] = { IRQ_M_EXT, IRQ_S_EXT };

	TRY(begin_dev(fdt, MMU_MEM_CLINT, c->base));
	TRY(fdt_property(fdt, "compatible", clint_compat, sizeof(clint_compat)));
	TRY(prop_reg(fdt, c->base, c->size));
	TRY(prop_irqs_ext(fdt, harts, clint_irqs, 2));
	TRY(fdt_end_node(fdt));

	TRY(begin_dev(fdt, MMU_MEM_PLIC, p->base));
	TRY(fdt_property(fdt, "compatible", plic_compat, sizeof(plic_compat)));
	TRY(prop_reg(fdt, p->base, p->size));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "riscv,ndev", MMU_PLIC_SOURCES - 1));
	TRY(fdt_property_u32(fdt, "phandle", PH_PLIC));
	TRY(prop_irqs_ext(fdt, harts, plic_irqs, 2));
	return fdt_end_node(fdt);
}

static int add_irq_dev(void *fdt, enum mmu_mem_id id, uint64_t base,
		       uint64_t size, const char *compat, size_t compat_len,
		       unsigned irq)
{
	TRY(begin_dev(fdt, id, base));
	TRY(fdt_property(fdt, "compatible", compat, compat_len));
	TRY(prop_reg(fdt, base, size));
	if (irq) {
		TRY(fdt_property_u32(fdt, "interrupts", irq));
		TRY(fdt_property_u32(fdt, "interrupt-parent", PH_PLIC));
	}
	return 0;
}

static int add_test(void *fdt)
{
	static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
	const struct mmu_mem_region *t = &mmu_memmap[MMU_MEM_TEST];

	TRY(add_irq_dev(fdt, MMU_MEM_TEST, t->base, t->size, test_compat,
			sizeof(test_compat), 0));
	TRY(fdt_property_u32(fdt, "phandle", PH_TEST));
	return fdt_end_node(fdt);
}

/* syscon poweroff/reboot at the root (they have no reg of their own). */
static int add_power(void *fdt)
{
	static const char *const kinds[2][2] = {
		{ "poweroff", "syscon-poweroff" }, { "reboot", "syscon-reboot" },
	};
	static const uint32_t values[2] = { 0x5555, 0x7777 };

	for (int i = 0; i < 2; i++) {
		TRY(fdt_begin_node(fdt, kinds[i][0]));
		TRY(fdt_property_string(fdt, "compatible", kinds[i][1]));
		TRY(fdt_property_u32(fdt, "regmap", PH_TEST));
		TRY(fdt_property_u32(fdt, "offset", 0));
		TRY(fdt_property_u32(fdt, "value", values[i]));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

static int add_devices(void *fdt, uint32_t virtio_slots)
{
	static const char uart_compat[] = "ns16550a";
	static const char rtc_compat[] = "google,goldfish-rtc";
	static const char virtio_compat[] = "virtio,mmio";
	const struct mmu_mem_region *u = &mmu_memmap[MMU_MEM_UART0];
	const struct mmu_mem_region *r = &mmu_memmap[MMU_MEM_RTC];
	const struct mmu_mem_region *v = &mmu_memmap[MMU_MEM_VIRTIO];

	TRY(add_irq_dev(fdt, MMU_MEM_UART0, u->base, u->size, uart_compat,
			sizeof(uart_compat), (unsigned)u->irq));
	TRY(fdt_property_u32(fdt, "clock-frequency", 3686400));
	TRY(fdt_end_node(fdt));
	TRY(add_irq_dev(fdt, MMU_MEM_RTC, r->base, r->size, rtc_compat,
			sizeof(rtc_compat), (unsigned)r->irq));
	TRY(fdt_end_node(fdt));
	for (unsigned n = 0; n < MMU_VIRTIO_SLOTS; n++) {
		if (!(virtio_slots & (1u << n)))
			continue;
		TRY(add_irq_dev(fdt, MMU_MEM_VIRTIO,
				v->base + n * MMU_VIRTIO_SLOT_SIZE,
				MMU_VIRTIO_SLOT_SIZE, virtio_compat,
				sizeof(virtio_compat),
				(unsigned)v->irq + n));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

static int add_chosen(void *fdt, const struct mmu_fdt_config *cfg)
{
	char path[64];

	snprintf(path, sizeof(path), "/soc/%s@%llx", mmu_memmap[MMU_MEM_UART0].name,
		 (unsigned long long)mmu_memmap[MMU_MEM_UART0].base);
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "stdout-path", path));
	if (cfg->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs));
	if (cfg->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", cfg->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", cfg->initrd_end));
	}
	return fdt_end_node(fdt);
}

static int build(void *fdt, size_t size, const struct mmu_fdt_config *cfg)
{
	const struct mmu_mem_region *ram = &mmu_memmap[MMU_MEM_RAM];
	char name[32];

	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "tessera,virt"));
	TRY(fdt_property_string(fdt, "model", "tessera,virt"));
	TRY(add_chosen(fdt, cfg));
	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ram->base);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, ram->base, cfg->ram_size));
	TRY(fdt_end_node(fdt));
	TRY(add_cpus(fdt, cfg->harts));
	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(add_irqchips(fdt, cfg->harts));
	TRY(add_test(fdt));
	TRY(add_devices(fdt, cfg->virtio_slots));
	TRY(fdt_end_node(fdt));   /* soc */
	TRY(add_power(fdt));
	TRY(fdt_end_node(fdt));   /* root */
	return fdt_finish(fdt);
}

int mmu_fdt_build(void *buf, size_t size, const struct mmu_fdt_config *cfg)
{
	int err;

	if (!cfg || cfg->harts == 0 || cfg->harts > 8 || cfg->ram_size == 0 ||
	    cfg->ram_size > MMU_RAM_MAX_SIZE || size > INT32_MAX ||
	    (cfg->initrd_start && cfg->initrd_end < cfg->initrd_start))
		return -EINVAL;
	err = build(buf, size, cfg);
	if (err == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	if (err < 0)
		return -EINVAL;
	return (int)fdt_totalsize(buf);
}
