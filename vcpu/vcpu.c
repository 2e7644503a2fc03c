/* SPDX-License-Identifier: MIT */
/*
 * The hart runner: construction, the MMIO router for the windows the vcpu
 * emulates (boot ROM, CLINT, PLIC) or forwards (devmgr's), the HTIF
 * mailbox, and the run loop around the interpreter: interrupt checks
 * between chunks, WFI as a futex sleep on the irqchip wake word bounded by
 * the next timer deadline, device polling, stop and power requests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmu/access.h"
#include "mmu/memmap.h"
#include "vcpu/internal.h"
#include "vcpu/priv.h"

#define CHUNK 4096u             /* instructions between interrupt checks */
#define POLL_EVERY 64u          /* chunks between device polls */
#define WFI_MAX_NS 100000000ull /* longest sleep without a deadline */
#define WFI_POLL_NS 10000000ull /* longest sleep when devices need polling */

static int valid_config(const struct vcpu_config *cfg)
{
	if (!cfg || !cfg->state || !cfg->chip || !cfg->ram)
		return 0;
	if (cfg->state->magic != VCPU_STATE_MAGIC ||
	    cfg->state->version != VCPU_STATE_VERSION)
		return 0;
	return vcpu_irqchip_valid(cfg->chip) == 0 &&
	       cfg->state->hartid < cfg->chip->nharts;
}

struct vcpu *vcpu_new(const struct vcpu_config *cfg)
{
	struct mmu_hart_config mc;
	struct vcpu *v;

	if (!valid_config(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		goto err;
	v->blocks = calloc(VCPU_BLOCKS, sizeof(*v->blocks));
	if (!v->blocks)
		goto err_free;
	for (unsigned i = 0; i < VCPU_BLOCKS; i++)
		v->blocks[i].pc = 1;
	/* Zeroed entries have len 0, which no decoding has: all miss. */
	v->memo = calloc(VCPU_MEMO_SIZE, sizeof(*v->memo));
	if (!v->memo)
		goto err_caches;
	v->s = cfg->state;
	v->chip = cfg->chip;
	v->dev_mmio = cfg->dev_mmio;
	v->dev_opaque = cfg->dev_opaque;
	v->poll = cfg->poll;
	v->poll_opaque = cfg->poll_opaque;
	v->htif_fd = STDOUT_FILENO;
	mc = (struct mmu_hart_config){
		.state = cfg->state, .ram = cfg->ram, .ram_base = cfg->ram_base,
		.ram_size = cfg->ram_size, .mmio = vcpu_mmio, .mmio_opaque = v,
		.on_page_fault = cfg->on_page_fault,
		.page_fault_opaque = cfg->page_fault_opaque,
	};
	v->mmu = mmu_hart_new(&mc);
	if (!v->mmu)
		goto err_caches;
	/* The value an LR read died with the previous process. */
	v->s->reservation = ~0ull;
	vcpu_clint_attach(v->chip);
	vcpu_set_boot(v, cfg->ram_base, 0);
	return v;

err_caches:
	free(v->memo);
	free(v->blocks);
err_free:
	free(v);
err:
	errno = errno ? errno : ENOMEM;
	return NULL;
}

void vcpu_destroy(struct vcpu **pv)
{
	if (!pv || !*pv)
		return;
	mmu_hart_destroy(&(*pv)->mmu);
	free((*pv)->memo);
	free((*pv)->blocks);
	free(*pv);
	*pv = NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

void vcpu_set_boot(struct vcpu *v, uint64_t entry, uint64_t dtb)
{
	static const uint32_t code[] = {
		0x00000297, /* auipc t0, 0          */
		0xf1402573, /* csrr  a0, mhartid    */
		0x0202b583, /* ld    a1, 32(t0)     */
		0x0182b283, /* ld    t0, 24(t0)     */
		0x00000613, /* li    a2, 0          */
		0x00028067, /* jr    t0             */
	};

	memset(v->rom, 0, sizeof(v->rom));
	for (unsigned i = 0; i < sizeof(code) / sizeof(code[0]); i++)
		put32(v->rom + 4 * i, code[i]);
	memcpy(v->rom + 24, &entry, 8);
	memcpy(v->rom + 32, &dtb, 8);
}

void vcpu_set_htif(struct vcpu *v, uint64_t tohost, uint64_t fromhost, int fd)
{
	v->tohost = tohost;
	v->fromhost = fromhost;
	v->htif_fd = fd;
}

void vcpu_stop(struct vcpu_state *s, struct vcpu_irqchip *chip)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	vcpu_irqchip_kick(chip, s->hartid);
}

void vcpu_request_exit(struct vcpu *v, enum vcpu_power kind, int code)
{
	if (v->exit_pending)
		return;
	v->exit_kind = kind;
	v->exit_code = code;
	v->exit_pending = 1;
}

int vcpu_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
	      uint64_t *val)
{
	struct vcpu *v = opaque;
	const struct mmu_mem_region *r = mmu_memmap_find(pa, 0);
	uint64_t off;

	if (!r)
		return -ENODEV;
	off = pa - r->base;
	v->mmio_written |= is_write;
	switch (mmu_memmap_id(r)) {
	case MMU_MEM_BOOTROM:
		if (is_write || off + size > sizeof(v->rom))
			return -EACCES;
		*val = mmu_host_read(v->rom + off, size);
		return 0;
	case MMU_MEM_CLINT:
		return is_write ? vcpu_clint_write(v->chip, off, size, *val)
				: vcpu_clint_read(v->chip, off, size, val);
	case MMU_MEM_PLIC:
		return is_write ? vcpu_plic_write(v->chip, off, size, *val)
				: vcpu_plic_read(v->chip, off, size, val);
	default:
		if (r->owner != MMU_OWNER_DEVMGR || !v->dev_mmio)
			return -ENODEV;
		return v->dev_mmio(v->dev_opaque, pa, size, is_write, val);
	}
}

/* Serve one HTIF request left in tohost (riscv-tests/spike protocol). */
static void htif_poll(struct vcpu *v)
{
	uint64_t *to = mmu_phys_ptr(v->mmu, v->tohost, 8);
	uint64_t *from = v->fromhost ? mmu_phys_ptr(v->mmu, v->fromhost, 8) : NULL;
	uint64_t cmd, dev, op, payload;
	uint8_t ch;

	if (!to || !(cmd = __atomic_load_n(to, __ATOMIC_ACQUIRE)))
		return;
	dev = cmd >> 56;
	op = (cmd >> 48) & 0xff;
	payload = cmd & ((1ull << 48) - 1);
	if (dev == 0 && op == 0 && (payload & 1)) {
		vcpu_request_exit(v, payload >> 1 ? VCPU_POWER_FAIL : VCPU_POWER_OFF,
				  (int)(payload >> 1));
	} else if (dev == 1 && op == 1) {
		ch = (uint8_t)payload;
		if (write(v->htif_fd, &ch, 1) < 0)
			v->htif_fd = -1;
		if (from)
			__atomic_store_n(from, (cmd >> 48 << 48) | 0x100 | ch,
					 __ATOMIC_RELEASE);
	}
	__atomic_store_n(to, 0, __ATOMIC_RELEASE);
}

/* Sleep in WFI until an interrupt is pending (enabled in mie or not
 * enabled globally), a timer deadline, a stop request or a poll tick. */
static void wfi_sleep(struct vcpu *v)
{
	struct vcpu_state *s = v->s;
	struct vcpu_irqchip_hart *h = &v->chip->hart[s->hartid];
	uint32_t seen = __atomic_load_n(&h->wake, __ATOMIC_SEQ_CST);
	uint64_t timeout = v->poll ? WFI_POLL_NS : WFI_MAX_NS;

	if (vcpu_irq_wakeup(v)) {
		s->wfi = 0;
		return;
	}
	if (s->mie & VCPU_MIP_MTIP) {
		uint64_t cmp = __atomic_load_n(&h->mtimecmp, __ATOMIC_RELAXED);
		uint64_t now = vcpu_clint_mtime(v->chip);
		unsigned __int128 ns = (unsigned __int128)(cmp - now) * 1000000000u /
				       MMU_TIMEBASE_HZ + 1;

		if (ns < timeout)
			timeout = (uint64_t)ns;
	}
	vcpu_irqchip_wait(v->chip, s->hartid, seen, timeout);
	v->wfi_sleeps++;
	if (v->poll)
		v->poll(v->poll_opaque);
}

static void trace_one(struct vcpu *v)
{
	struct vcpu_insn in;
	uint32_t raw;

	if (mmu_fetch_insn(v->mmu, v->s->pc, &raw) < 0) {
		fprintf(v->trace, "%016llx: fetch fault\n",
			(unsigned long long)v->s->pc);
		return;
	}
	vcpu_decode(raw, &in);
	fprintf(v->trace, "%016llx: %08x %-10s rd=%u rs1=%u rs2=%u imm=%lld\n",
		(unsigned long long)v->s->pc, raw,
		vcpu_op_name((enum vcpu_op)in.op), in.rd, in.rs1, in.rs2,
		(long long)in.imm);
}

int vcpu_run(struct vcpu *v, uint64_t max_insns)
{
	struct vcpu_state *s = v->s;
	uint64_t left = max_insns ? max_insns : UINT64_MAX, n;
	unsigned chunks = 0;

	for (;;) {
		if (v->exit_pending)
			return VCPU_EXIT_POWER;
		if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
			return VCPU_EXIT_STOP;
		if (left == 0)
			return VCPU_EXIT_LIMIT;
		if (vcpu_check_irq(v))
			s->wfi = 0;
		if (s->wfi) {
			wfi_sleep(v);
			continue;
		}
		n = left < CHUNK ? left : CHUNK;
		if (v->trace) {
			trace_one(v);
			n = 1;
		}
		n = vcpu_interp(v, n);
		v->insns += n;
		left -= n;
		if (v->tohost)
			htif_poll(v);
		if (v->poll && ++chunks % POLL_EVERY == 0)
			v->poll(v->poll_opaque);
	}
}
