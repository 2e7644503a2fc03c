/* SPDX-License-Identifier: MIT */
/*
 * One hart as run by one thread of a tessera-vcpu process.
 *
 * struct vcpu binds the hart's shared architectural state (struct
 * vcpu_state) and the shared irqchip to this process's caches: the memory
 * context (mmu_hart: TLB, RAM mapping, MMIO router), the decoded
 * block cache, the boot ROM image and the HTIF mailbox addresses.
 * Everything in it but the two shared structs is rebuilt by vcpu_new(), so
 * a restarted process resumes the guest where the state says.
 *
 * Running: vcpu_run() executes instructions, takes interrupts, sleeps in
 * WFI, and returns when the instruction budget is spent, someone asked the
 * hart to stop (state->stop, vcpu_request_exit) or the guest powered off
 * (finisher, HTIF).
 */
#ifndef TESSERA_VCPU_VCPU_H
#define TESSERA_VCPU_VCPU_H

#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu.h"
#include "vcpu/insn.h"
#include "vcpu/irqchip.h"
#include "vcpu/state.h"

#define VCPU_BLOCK_INSNS 16
#define VCPU_BLOCK_BITS 12
#define VCPU_BLOCKS (1u << VCPU_BLOCK_BITS)
#define VCPU_MEMO_BITS 12
#define VCPU_MEMO_SIZE (1u << VCPU_MEMO_BITS)
#define VCPU_ROM_SIZE 0x1000u

/* Why vcpu_run returned. */
enum vcpu_exit {
	VCPU_EXIT_LIMIT,   /* the instruction budget is spent */
	VCPU_EXIT_STOP,    /* state->stop was set */
	VCPU_EXIT_POWER,   /* the guest asked for power off/reset: see exit_* */
};

/* What the guest asked for at power off (enum dev_power values). */
enum vcpu_power { VCPU_POWER_OFF, VCPU_POWER_FAIL, VCPU_POWER_RESET };

/*
 * A decoded basic block: straight-line instructions within one guest page,
 * ending at the first control-transfer or system instruction. Each entry
 * keeps its encoding, which is compared with guest memory before it runs,
 * so the cache never needs invalidating (see interp.c).
 */
struct vcpu_block {
	uint64_t pc;             /* guest virtual address of in[0]; odd: empty */
	uintptr_t host;          /* host address of in[0]'s bytes when built */
	uint32_t n;              /* entries used; 0 when none fits */
	uint32_t pad;
	struct vcpu_insn in[VCPU_BLOCK_INSNS];
};

struct vcpu_config {
	struct vcpu_state *state;    /* shared, borrowed; initialised */
	struct vcpu_irqchip *chip;   /* shared, borrowed; initialised */
	uint8_t *ram;                /* guest RAM mapping, borrowed */
	uint64_t ram_base, ram_size;
	/* Windows owned by devmgr (UART, virtio, ...); NULL: access fault. */
	mmu_mmio_fn dev_mmio;
	void *dev_opaque;
	/* Called about every millisecond of guest execution and while idle in
	 * WFI (device polling in a standalone harness); may be NULL. */
	void (*poll)(void *opaque);
	void *poll_opaque;
	/* The memory.page_fault publisher, handed to the mmu; may be NULL. */
	mmu_page_fault_fn on_page_fault;
	void *page_fault_opaque;
};

struct vcpu {
	struct vcpu_state *s;
	struct mmu_hart *mmu;
	struct vcpu_irqchip *chip;
	struct vcpu_block *blocks;        /* VCPU_BLOCKS decoded blocks */
	struct vcpu_insn single;          /* decoded off the block path */
	struct vcpu_insn *memo;           /* decodings by encoding (hash) */
	mmu_mmio_fn dev_mmio;
	void *dev_opaque;
	void (*poll)(void *opaque);
	void *poll_opaque;

	uint64_t res_value;               /* value an LR read, for SC */
	uint32_t counters_written;        /* CSR wrote mcycle/minstret */
	int mmio_written;                 /* an MMIO store ends the chunk */

	uint64_t tohost, fromhost;        /* HTIF mailboxes (pa), 0: none */
	int htif_fd;                      /* HTIF console output */

	int exit_pending;                 /* power request seen */
	enum vcpu_power exit_kind;
	int exit_code;

	FILE *trace;                      /* one line per instruction */
	uint64_t insns;                   /* executed by this process */
	uint64_t wfi_sleeps;
	uint8_t rom[VCPU_ROM_SIZE];       /* boot ROM image */
};

/*
 * vcpu_new - a runner for the hart of @cfg. Attaches to the CLINT clock,
 * builds the memory context and an empty decode cache; the boot ROM holds
 * a trampoline to 0x80000000 with no DTB until vcpu_set_boot(). Returns
 * NULL with errno set (EINVAL for a bad config, ENOMEM). Free with
 * vcpu_destroy. Called by the thread that will run the hart.
 */
struct vcpu *vcpu_new(const struct vcpu_config *cfg);

/* vcpu_destroy - free *@pv (NULL is fine) and clear it. */
void vcpu_destroy(struct vcpu **pv);

/*
 * vcpu_set_boot - write the reset trampoline into the boot ROM: a0 =
 * mhartid, a1 = @dtb (0: none), a2 = 0, jump to @entry. Pure setup.
 */
void vcpu_set_boot(struct vcpu *v, uint64_t entry, uint64_t dtb);

/*
 * vcpu_set_htif - honour HTIF through the tohost/fromhost words at guest
 * physical @tohost/@fromhost (0: off), console bytes to @fd.
 */
void vcpu_set_htif(struct vcpu *v, uint64_t tohost, uint64_t fromhost, int fd);

/*
 * vcpu_run - run until @max_insns instructions have been executed
 * (retired or trapped; 0 = no limit), the hart is asked to stop, or the
 * guest powers off. Returns an enum vcpu_exit.
 */
int vcpu_run(struct vcpu *v, uint64_t max_insns);

/*
 * vcpu_stop - ask hart @hartid, whose state is @s, to stop: sets s->stop
 * and wakes it if it sleeps in WFI, so its vcpu_run returns
 * VCPU_EXIT_STOP. Any process (supervisor, control plane), any thread.
 */
void vcpu_stop(struct vcpu_state *s, struct vcpu_irqchip *chip);

/*
 * vcpu_request_exit - record a power request from a device callback
 * (finisher, on the running thread); vcpu_run returns VCPU_EXIT_POWER at
 * its next check.
 */
void vcpu_request_exit(struct vcpu *v, enum vcpu_power kind, int code);

/*
 * vcpu_mmio - the MMIO router the memory context calls for physical
 * addresses outside RAM: boot ROM, CLINT, PLIC here, devmgr windows via
 * the config's dev_mmio. An mmu_mmio_fn; @opaque is the struct vcpu.
 */
int vcpu_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
	      uint64_t *val);

#endif
