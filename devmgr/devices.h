/* SPDX-License-Identifier: MIT */
/*
 * The device kinds devmgr knows, and the instance helpers shared by every
 * model and by whoever hosts them (tessera-devmgr, or a vcpu running
 * standalone).
 */
#ifndef TESSERA_DEVMGR_DEVICES_H
#define TESSERA_DEVMGR_DEVICES_H

#include "devmgr/device.h"
#include "devmgr/virtio.h"

extern const struct dev_ops dev_uart_ops;
extern const struct dev_ops dev_finisher_ops;
extern const struct dev_ops dev_rtc_ops;
extern const struct dev_virtio_ops dev_virtio_blk_ops;

/*
 * dev_kind_find - the model named @kind ("uart", "test", "rtc",
 * "virtio-blk"), or NULL.
 * The table is in table.c; there is no self-registration.
 */
const struct dev_ops *dev_kind_find(const char *kind);

/*
 * dev_new - an instance of @ops at guest physical @base (window of @size
 * bytes, PLIC source @irq, 0 for none), with its state in @state (at
 * least ops->state_size bytes, owned by the caller, typically a block of
 * the device-state region), attached with @args and @fresh (see
 * dev_ops.attach). Returns NULL with errno set on failure.
 */
struct dev *dev_new(const struct dev_ops *ops, const struct dev_env *env,
		    const char *id, uint64_t base, uint64_t size,
		    unsigned irq, void *state, const char *args, int fresh);

/* dev_destroy - detach and free *@pd (NULL is fine); clears *@pd. */
void dev_destroy(struct dev **pd);

/*
 * dev_raise_irq - drive the device's interrupt line to @level through the
 * environment. Models call it whenever their interrupt condition may have
 * changed; only changes reach env->set_irq, and a rising edge publishes
 * device.interrupt. A device without an irq, or an env without set_irq,
 * only records the level.
 */
void dev_raise_irq(struct dev *d, int level);

/*
 * Event helpers (events.c), called by the models and the bus: each is a
 * no-op when env->pub is NULL or nobody subscribed. Same thread rules as
 * the publisher (one thread at a time; the bus lock provides it).
 */
/* dev_ev_interrupt - device.interrupt for @d's line. */
void dev_ev_interrupt(const struct dev *d);
/* dev_ev_io - device.io_completed: @bytes moved by an @op ("read", ...). */
void dev_ev_io(const struct dev *d, uint64_t bytes, const char *op);
/* dev_ev_added - device.added (@added 1) or device.removed (0). */
void dev_ev_added(const struct dev *d, int added);

#endif
