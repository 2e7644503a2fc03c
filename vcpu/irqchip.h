/* SPDX-License-Identifier: MIT */
/*
 * The interrupt controllers of the board, CLINT and PLIC, as one plain
 * struct meant to live in the shared "irqchip" region.
 *
 * It holds no pointers, so every process maps it where it likes: the vcpus
 * emulate the CLINT and PLIC registers on it (clint.c, plic.c), devmgr
 * raises and lowers PLIC lines on it with vcpu_irqchip_set_line() from any
 * thread of any process. Every field another process may touch is accessed
 * with __atomic builtins.
 *
 * Wake-ups: each hart has a futex word (wake) that is bumped whenever its
 * interrupt inputs may have changed, and a sleeping flag that a hart in WFI
 * sets, so that a change costs a FUTEX_WAKE only when someone sleeps. The
 * futex is a shared (not process-private) one, since waker and sleeper may
 * be different processes.
 *
 * mtime is the host's CLOCK_MONOTONIC scaled to MMU_TIMEBASE_HZ plus
 * mtime_offset; mtime_last remembers the largest value handed out, so that
 * a process that attaches later (vcpu_clint_attach) never sees time go
 * backwards even if the host clock did.
 */
#ifndef TESSERA_VCPU_IRQCHIP_H
#define TESSERA_VCPU_IRQCHIP_H

#include <stdint.h>

#include "mmu/memmap.h"

#define VCPU_MAX_HARTS 8
#define VCPU_PLIC_CONTEXTS (2 * VCPU_MAX_HARTS)
#define VCPU_PLIC_PRIO_MASK 7u     /* 3 priority bits, as QEMU's virt */
#define VCPU_IRQCHIP_MAGIC 0x5445535349525143ull /* "TESSIRQC" */
#define VCPU_IRQCHIP_VERSION 1u

/* CLINT register offsets. */
#define VCPU_CLINT_MSIP     0x0000u
#define VCPU_CLINT_MTIMECMP 0x4000u
#define VCPU_CLINT_MTIME    0xbff8u

/* PLIC register offsets (SiFive layout, as Linux and OpenSBI expect). */
#define VCPU_PLIC_PRIORITY  0x000000u
#define VCPU_PLIC_PENDING   0x001000u
#define VCPU_PLIC_ENABLE    0x002000u
#define VCPU_PLIC_ENABLE_STRIDE 0x80u
#define VCPU_PLIC_CONTEXT   0x200000u
#define VCPU_PLIC_CONTEXT_STRIDE 0x1000u

struct vcpu_irqchip_hart {
	uint64_t mtimecmp;
	uint32_t msip;        /* bit 0 */
	uint32_t wake;        /* futex word, bumped on any input change */
	uint32_t sleeping;    /* 1 while the hart waits in WFI */
	uint32_t pad;
};

struct vcpu_irqchip {
	uint64_t magic;       /* VCPU_IRQCHIP_MAGIC once initialised */
	uint32_t version;
	uint32_t nharts;      /* 1..VCPU_MAX_HARTS */
	int64_t mtime_offset; /* mtime = host ticks + offset */
	uint64_t mtime_last;  /* largest mtime read so far */
	struct vcpu_irqchip_hart hart[VCPU_MAX_HARTS];

	/* PLIC: bit n of the masks is source n (1..31). */
	uint32_t priority[MMU_PLIC_SOURCES];
	uint32_t level;       /* current line levels */
	uint32_t pending;     /* gateway has forwarded, not yet claimed */
	uint32_t claimed;     /* claimed, not yet completed */
	uint32_t pad;
	uint32_t enable[VCPU_PLIC_CONTEXTS];
	uint32_t threshold[VCPU_PLIC_CONTEXTS];
	uint64_t reserved[16];
};

/*
 * vcpu_irqchip_init - reset @c for @nharts harts (clamped to 1..
 * VCPU_MAX_HARTS): mtime starts at 0 now, every mtimecmp at ~0 (no timer
 * interrupt until software programs one), nothing pending. Called by the
 * creator of the region (tessera-mmu, or a standalone harness).
 */
void vcpu_irqchip_init(struct vcpu_irqchip *c, unsigned nharts);

/*
 * vcpu_irqchip_valid - whether @c, mapped from another process, looks
 * initialised (magic, version, hart count). Returns 0 or -EINVAL.
 */
int vcpu_irqchip_valid(const struct vcpu_irqchip *c);

/*
 * vcpu_irqchip_set_line - drive PLIC source @irq (1..31; others ignored)
 * to @level. A rising line becomes pending unless it is being serviced; a
 * low line drops its pending bit (level-triggered). Wakes sleeping harts.
 * Any process, any thread; lock-free.
 */
void vcpu_irqchip_set_line(struct vcpu_irqchip *c, unsigned irq, int level);

/*
 * vcpu_irqchip_kick - tell hart @hart that its interrupt inputs may have
 * changed (wakes it from WFI). Any process, any thread.
 */
void vcpu_irqchip_kick(struct vcpu_irqchip *c, unsigned hart);

/*
 * vcpu_irqchip_wait - sleep while hart @hart's wake word still equals
 * @seen, at most @timeout_ns (0 = no limit). Returns 0 when woken or timed
 * out, -EINTR on a signal. Called by the hart's own thread only.
 */
int vcpu_irqchip_wait(struct vcpu_irqchip *c, unsigned hart, uint32_t seen,
		      uint64_t timeout_ns);

/*
 * vcpu_irqchip_lines - the mip bits hart @hart's interrupt inputs drive:
 * MSIP, MTIP (compared against @mtime), MEIP and SEIP (PLIC contexts 2*hart
 * and 2*hart+1). Cheap; called at every interrupt check.
 */
uint64_t vcpu_irqchip_lines(const struct vcpu_irqchip *c, unsigned hart,
			    uint64_t mtime);

/* vcpu_clint_host_ticks - CLOCK_MONOTONIC in MMU_TIMEBASE_HZ ticks. */
uint64_t vcpu_clint_host_ticks(void);

/*
 * vcpu_clint_mtime - the current mtime. Also remembers it in mtime_last.
 */
uint64_t vcpu_clint_mtime(struct vcpu_irqchip *c);

/*
 * vcpu_clint_attach - called once by a process that starts using @c: moves
 * the offset forward if the host clock is behind mtime_last.
 */
void vcpu_clint_attach(struct vcpu_irqchip *c);

/*
 * vcpu_clint_read / vcpu_clint_write - an access of @size (4 or 8) bytes
 * at offset @off of the CLINT window. Returns 0, or -EINVAL for a size or
 * offset the CLINT does not decode (the caller raises an access fault).
 */
int vcpu_clint_read(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		    uint64_t *val);
int vcpu_clint_write(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		     uint64_t val);

/*
 * vcpu_plic_read / vcpu_plic_write - a 4-byte access at offset @off of the
 * PLIC window: priorities, pending bits, per-context enables, thresholds
 * and claim/complete. Reads of unimplemented registers return 0 and writes
 * to them are ignored, as QEMU does. Returns 0, or -EINVAL for a size
 * other than 4.
 */
int vcpu_plic_read(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		   uint64_t *val);
int vcpu_plic_write(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		    uint64_t val);

/*
 * vcpu_plic_claim - claim the best pending source for context @ctx: the
 * highest priority above the threshold among enabled pending sources,
 * lowest id on a tie. Returns its id (now in service), or 0.
 */
uint32_t vcpu_plic_claim(struct vcpu_irqchip *c, unsigned ctx);

/*
 * vcpu_plic_ctx_pending - whether context @ctx has a source it could
 * claim now (its external interrupt line). Lock-free, any thread.
 */
int vcpu_plic_ctx_pending(const struct vcpu_irqchip *c, unsigned ctx);

/*
 * vcpu_plic_complete - end the service of source @id for context @ctx;
 * ignored unless @id is enabled for @ctx. A line still high pends again.
 */
void vcpu_plic_complete(struct vcpu_irqchip *c, unsigned ctx, uint32_t id);

#endif
