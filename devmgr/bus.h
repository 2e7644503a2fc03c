/* SPDX-License-Identifier: MIT */
/*
 * The device bus of tessera-devmgr: every device instance of the VM,
 * recorded in the shared devstate region (mmu/vm.h) and dispatched by
 * guest physical address.
 *
 * The region is the source of truth: adding a device writes its slot
 * {kind, id, base, irq, args} and gives it the slot's state block, so a
 * devmgr that restarts attaches with fresh = 0 and rebuilds every instance
 * (dev_new with fresh = 0) exactly where its predecessor left it. A slot
 * is published by setting `used` last, and retired by clearing it first,
 * so a devmgr killed half-way leaves either the old or the new device.
 *
 * Locking: one mutex serialises MMIO, polling, hot-plug and removal, so
 * the per-hart ring threads and the poll thread may call in freely.
 */
#ifndef TESSERA_DEVMGR_BUS_H
#define TESSERA_DEVMGR_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "devmgr/device.h"
#include "mmu/vm.h"

struct dev_bus;

/*
 * dev_bus_new - a bus over the devstate region @ds (@bytes long, mapped,
 * checked with mmu_devstate_valid). @env is copied; devices see the copy.
 * @fresh 1 empties the slot table; 0 rebuilds every recorded device
 * (a slot that fails to attach is reported in dev_bus_lost and left
 * recorded). Returns NULL with errno set. Caller owns it (dev_bus_destroy).
 */
struct dev_bus *dev_bus_new(struct mmu_devstate *ds, uint64_t bytes,
			    const struct dev_env *env, int fresh);

/*
 * dev_bus_destroy - detach every device (their state blocks stay in the
 * region, so a later bus can resume them), free *@pb, clear it.
 */
void dev_bus_destroy(struct dev_bus **pb);

/*
 * dev_bus_add - add a device of model @kind ("uart", "virtio-blk", ...)
 * named @id with window [@base, @base+@size), PLIC source @irq, @args.
 * Returns the slot index, or -errno: -EINVAL bad kind/arguments,
 * -EEXIST id taken, -EBUSY window overlaps a device, -ENOSPC no slot,
 * -ENAMETOOLONG args too long, or what the model's attach returned.
 */
int dev_bus_add(struct dev_bus *b, const char *kind, const char *id,
		uint64_t base, uint64_t size, unsigned irq, const char *args);

/* dev_bus_remove - remove device @id. 0, or -ENOENT. */
int dev_bus_remove(struct dev_bus *b, const char *id);

/*
 * dev_bus_hotplug_blk - add a virtio-blk with @args ("path=IMG[,ro]") in
 * the first free virtio-mmio slot of the memory map, named "vblkN".
 * Returns the virtio slot number (0..MMU_VIRTIO_SLOTS-1) or -errno
 * (-ENOSPC when every virtio slot is taken).
 */
int dev_bus_hotplug_blk(struct dev_bus *b, const char *args);

/*
 * dev_bus_lookup - the device whose window holds @pa, or NULL. The
 * pointer is valid until that device is removed; take no lock with it.
 */
struct dev *dev_bus_lookup(struct dev_bus *b, uint64_t pa);

/*
 * dev_bus_mmio - a guest access of @size bytes at @pa: dispatched to the
 * device that holds it. Returns >= 0, -EFAULT when no device is there (or
 * the access crosses its window's end), or the device's -errno.
 * Shaped as shm_mmio_handler / mmu_mmio_fn with @opaque the bus.
 */
int dev_bus_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
		 uint64_t *val);

/*
 * dev_bus_poll - run every device's background work once (console input,
 * alarms). Returns the number of devices that reported work, or -errno.
 */
int dev_bus_poll(struct dev_bus *b);

/* dev_bus_count - devices on the bus. */
unsigned dev_bus_count(struct dev_bus *b);

/* dev_bus_lost - recorded slots a rebuild could not attach. */
unsigned dev_bus_lost(struct dev_bus *b);

#endif
