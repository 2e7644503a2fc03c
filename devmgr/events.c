/* SPDX-License-Identifier: MIT */
/*
 * The device events devmgr publishes (device.interrupt, device.io_completed,
 * device.added, device.removed), in one place so that the models only say
 * what happened. Each helper is a no-op without a publisher, and the
 * ev_emit_*() helpers return at once when nobody subscribed, so a device's
 * hot path pays one load and a branch.
 *
 * The publisher belongs to one thread: devices run under their bus's lock
 * (devmgr/bus.h), or in a single-threaded harness, so calls here are
 * serialised as the publisher requires.
 */
#include "broker/pub.h"
#include "devmgr/devices.h"

void dev_ev_interrupt(const struct dev *d)
{
	struct ev_pub *p = d->env->pub;

	if (p)
		ev_emit_device_interrupt(p, d->id, d->irq);
}

void dev_ev_io(const struct dev *d, uint64_t bytes, const char *op)
{
	struct ev_pub *p = d->env->pub;

	if (p)
		ev_emit_io_completed(p, d->id, bytes, op);
}

void dev_ev_added(const struct dev *d, int added)
{
	struct ev_pub *p = d->env->pub;

	if (!p)
		return;
	if (added)
		ev_emit_device_added(p, d->id, d->ops->kind, d->base, d->irq);
	else
		ev_emit_device_removed(p, d->id, d->ops->kind, d->base, d->irq);
}
