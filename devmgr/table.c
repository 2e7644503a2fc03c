/* SPDX-License-Identifier: MIT */
/*
 * The explicit table of device kinds and the instance lifecycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmgr/devices.h"

static const struct dev_ops *const dev_kinds[] = {
	&dev_uart_ops,
	&dev_finisher_ops,
	&dev_rtc_ops,
	&dev_virtio_blk_ops.dev,
};

const struct dev_ops *dev_kind_find(const char *kind)
{
	for (size_t i = 0; i < sizeof(dev_kinds) / sizeof(dev_kinds[0]); i++)
		if (kind && !strcmp(dev_kinds[i]->kind, kind))
			return dev_kinds[i];
	return NULL;
}

struct dev *dev_new(const struct dev_ops *ops, const struct dev_env *env,
		    const char *id, uint64_t base, uint64_t size,
		    unsigned irq, void *state, const char *args, int fresh)
{
	struct dev *d;
	int err;

	if (!ops || !env || (ops->state_size && !state)) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ops = ops;
	d->env = env;
	snprintf(d->id, sizeof(d->id), "%s", id ? id : ops->kind);
	d->base = base;
	d->size = size;
	d->irq = irq;
	d->state = state;
	d->irq_level = -1;
	err = ops->attach(d, args, fresh);
	if (err < 0) {
		free(d);
		errno = -err;
		return NULL;
	}
	return d;
}

void dev_destroy(struct dev **pd)
{
	struct dev *d = pd ? *pd : NULL;

	if (!d)
		return;
	if (d->ops->detach)
		d->ops->detach(d);
	free(d);
	*pd = NULL;
}

void dev_raise_irq(struct dev *d, int level)
{
	level = !!level;
	if (level == d->irq_level)
		return;
	d->irq_level = level;
	if (!d->irq || !d->env->set_irq)
		return;
	d->env->set_irq(d->env->irq_opaque, d->irq, level);
	if (level)
		dev_ev_interrupt(d);
}
