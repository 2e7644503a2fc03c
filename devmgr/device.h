/* SPDX-License-Identifier: MIT */
/*
 * The device model contract.
 *
 * A device model is one file in devmgr/ exporting one const struct dev_ops;
 * dev_kinds (devmgr/table.c) lists them explicitly. A device instance owns a
 * block of the device-state region (its registers, queue positions and
 * in-flight requests, with no pointers) so that a restarted devmgr, or an
 * in-process harness, can resume it; everything host-side (file descriptors,
 * pointers) lives in the instance's private part and is rebuilt by attach().
 *
 * Models run wherever devmgr code runs: in tessera-devmgr behind the MMIO
 * rings, or in-process in tessera-vcpu --standalone. They reach the rest of
 * the machine only through struct dev_env.
 */
#ifndef TESSERA_DEVMGR_DEVICE_H
#define TESSERA_DEVMGR_DEVICE_H

#include <stddef.h>
#include <stdint.h>

struct ev_pub;
struct dev;

/* What a device may touch outside itself. Owned by the caller of attach. */
struct dev_env {
	uint8_t *ram;              /* guest RAM mapping */
	uint64_t ram_base;         /* guest physical address of ram[0] */
	uint64_t ram_size;
	/* Drive PLIC source @irq to @level (0/1). Any thread. */
	void (*set_irq)(void *opaque, unsigned irq, int level);
	void *irq_opaque;
	/* Console output (UART) and input polling. */
	int console_out_fd;        /* bytes the guest transmits go here */
	int console_in_fd;         /* -1: no input */
	/* Power: the finisher calls this with the guest's exit request. */
	void (*power)(void *opaque, int kind, int code);
	void *power_opaque;
	struct ev_pub *pub;        /* events; may be NULL */
	const char *vm_id;
};

enum dev_power { DEV_POWER_OFF, DEV_POWER_FAIL, DEV_POWER_RESET };

/* The most state a model may ask for: one block of the devstate region
 * (MMU_DEVSTATE_BLOCK in mmu/vm.h must be at least this). */
#define DEV_STATE_MAX 8192u

struct dev_ops {
	const char *kind;          /* "uart", "virtio-blk", ... */
	size_t state_size;         /* bytes of device-state region it needs */
	/*
	 * attach - bind instance @d to its state block (d->state) and @args
	 * ("path=disk.img,ro" style, may be NULL). @fresh is 1 for a new
	 * device (initialise the state block), 0 to resume from it.
	 * Returns >= 0 or -errno; on failure nothing needs undoing.
	 */
	int (*attach)(struct dev *d, const char *args, int fresh);
	/* MMIO at byte offset @off in the device's window; size 1/2/4/8.
	 * Returns >= 0, or -errno for an access the device rejects. */
	int (*read)(struct dev *d, uint64_t off, unsigned size, uint64_t *val);
	int (*write)(struct dev *d, uint64_t off, unsigned size, uint64_t val);
	/* Background work (console input, I/O completion); may be NULL. */
	int (*poll)(struct dev *d);
	void (*reset)(struct dev *d);
	/* Release host resources; the state block stays valid. */
	void (*detach)(struct dev *d);
};

struct dev {
	const struct dev_ops *ops;
	const struct dev_env *env;
	char id[32];               /* "uart0", "vblk1" */
	uint64_t base;             /* guest physical base of the window */
	uint64_t size;
	unsigned irq;
	void *state;               /* block in the device-state region */
	void *priv;                /* host-side private data, owned by ops */
	int irq_level;             /* last level driven, -1 before the first */
};

#endif
