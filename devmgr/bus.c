/* SPDX-License-Identifier: MIT */
/*
 * The device bus over the shared devstate region: slot bookkeeping,
 * address dispatch, hot-plug and the rebuild of a restarted devmgr.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmgr/bus.h"
#include "devmgr/devices.h"
#include "mmu/memmap.h"

struct dev_bus {
	struct mmu_devstate *ds;
	uint64_t bytes;
	struct dev_env env;
	struct dev *dev[MMU_DEVSTATE_SLOTS];   /* by slot */
	unsigned lost;
	pthread_mutex_t lock;
};

static int slot_used(const struct mmu_devstate_slot *s)
{
	return __atomic_load_n(&s->used, __ATOMIC_ACQUIRE) == 1;
}

static void *slot_state(struct dev_bus *b, unsigned i)
{
	return (uint8_t *)b->ds + b->ds->block_off +
	       (uint64_t)i * MMU_DEVSTATE_BLOCK;
}

/* A recorded slot, from a previous process: check it before use. */
static const struct dev_ops *slot_check(const struct mmu_devstate_slot *s,
					unsigned i, const struct mmu_devstate *ds)
{
	const struct dev_ops *ops;

	if (!memchr(s->kind, 0, sizeof(s->kind)) ||
	    !memchr(s->id, 0, sizeof(s->id)) ||
	    !memchr(s->args, 0, sizeof(s->args)))
		return NULL;
	ops = dev_kind_find(s->kind);
	if (!ops || ops->state_size > MMU_DEVSTATE_BLOCK ||
	    s->state_size != ops->state_size ||
	    s->state_off != ds->block_off + (uint64_t)i * MMU_DEVSTATE_BLOCK ||
	    s->base + s->size < s->base || s->irq >= MMU_PLIC_SOURCES)
		return NULL;
	return ops;
}

static void rebuild(struct dev_bus *b)
{
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		const struct mmu_devstate_slot *s = &b->ds->slot[i];
		const struct dev_ops *ops;

		if (!slot_used(s))
			continue;
		ops = slot_check(s, i, b->ds);
		if (ops)
			b->dev[i] = dev_new(ops, &b->env, s->id, s->base, s->size,
					    s->irq, slot_state(b, i),
					    s->args[0] ? s->args : NULL, 0);
		if (!b->dev[i])
			b->lost++;
	}
}

struct dev_bus *dev_bus_new(struct mmu_devstate *ds, uint64_t bytes,
			    const struct dev_env *env, int fresh)
{
	struct dev_bus *b;

	if (!env || mmu_devstate_valid(ds, bytes) < 0) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->ds = ds;
	b->bytes = bytes;
	b->env = *env;
	pthread_mutex_init(&b->lock, NULL);
	if (fresh)
		for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++)
			__atomic_store_n(&ds->slot[i].used, 0, __ATOMIC_RELEASE);
	else
		rebuild(b);
	return b;
}

void dev_bus_destroy(struct dev_bus **pb)
{
	struct dev_bus *b = pb ? *pb : NULL;

	if (!b)
		return;
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++)
		dev_destroy(&b->dev[i]);
	pthread_mutex_destroy(&b->lock);
	free(b);
	*pb = NULL;
}

/* Whether @id or the window clashes with a device already there. */
static int clash(struct dev_bus *b, const char *id, uint64_t base,
		 uint64_t size)
{
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		const struct dev *d = b->dev[i];

		if (!d)
			continue;
		if (!strcmp(d->id, id))
			return -EEXIST;
		if (base < d->base + d->size && d->base < base + size)
			return -EBUSY;
	}
	return 0;
}

static int free_slot(struct dev_bus *b)
{
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++)
		if (!b->dev[i] && !slot_used(&b->ds->slot[i]))
			return (int)i;
	return -ENOSPC;
}

static int add_locked(struct dev_bus *b, const struct dev_ops *ops,
		      const char *id, uint64_t base, uint64_t size,
		      unsigned irq, const char *args)
{
	struct mmu_devstate_slot *s;
	int i, err;

	err = clash(b, id, base, size);
	if (err < 0)
		return err;
	i = free_slot(b);
	if (i < 0)
		return i;
	s = &b->ds->slot[i];
	memset(slot_state(b, (unsigned)i), 0, MMU_DEVSTATE_BLOCK);
	b->dev[i] = dev_new(ops, &b->env, id, base, size, irq,
			    slot_state(b, (unsigned)i), args, 1);
	if (!b->dev[i])
		return errno ? -errno : -EINVAL;
	snprintf(s->kind, sizeof(s->kind), "%s", ops->kind);
	snprintf(s->id, sizeof(s->id), "%s", b->dev[i]->id);
	snprintf(s->args, sizeof(s->args), "%s", args ? args : "");
	s->base = base;
	s->size = size;
	s->irq = irq;
	s->state_off = b->ds->block_off + (uint64_t)i * MMU_DEVSTATE_BLOCK;
	s->state_size = ops->state_size;
	__atomic_store_n(&s->used, 1, __ATOMIC_RELEASE);
	return i;
}

int dev_bus_add(struct dev_bus *b, const char *kind, const char *id,
		uint64_t base, uint64_t size, unsigned irq, const char *args)
{
	const struct dev_ops *ops = dev_kind_find(kind);
	int ret;

	if (!b || !ops || !id || !id[0] || !size || base + size < base ||
	    irq >= MMU_PLIC_SOURCES || ops->state_size > MMU_DEVSTATE_BLOCK)
		return -EINVAL;
	if (strlen(id) >= sizeof(((struct dev *)0)->id) ||
	    (args && strlen(args) >= sizeof(b->ds->slot[0].args)))
		return -ENAMETOOLONG;
	pthread_mutex_lock(&b->lock);
	ret = add_locked(b, ops, id, base, size, irq, args);
	pthread_mutex_unlock(&b->lock);
	if (ret >= 0)
		dev_ev_added(b->dev[ret], 1);
	return ret;
}

int dev_bus_remove(struct dev_bus *b, const char *id)
{
	int ret = -ENOENT;

	if (!b || !id)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		if (!b->dev[i] || strcmp(b->dev[i]->id, id))
			continue;
		__atomic_store_n(&b->ds->slot[i].used, 0, __ATOMIC_RELEASE);
		dev_raise_irq(b->dev[i], 0);
		dev_ev_added(b->dev[i], 0);
		dev_destroy(&b->dev[i]);
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int dev_bus_hotplug_blk(struct dev_bus *b, const char *args)
{
	const struct mmu_mem_region *v = &mmu_memmap[MMU_MEM_VIRTIO];
	char id[16];
	int err;

	if (!b)
		return -EINVAL;
	for (unsigned n = 0; n < MMU_VIRTIO_SLOTS; n++) {
		uint64_t base = v->base + (uint64_t)n * MMU_VIRTIO_SLOT_SIZE;

		if (dev_bus_lookup(b, base))
			continue;
		snprintf(id, sizeof(id), "vblk%u", n);
		err = dev_bus_add(b, "virtio-blk", id, base,
				  MMU_VIRTIO_SLOT_SIZE, MMU_VIRTIO_IRQ_BASE + n,
				  args);
		if (err == -EBUSY || err == -EEXIST)
			continue;
		return err < 0 ? err : (int)n;
	}
	return -ENOSPC;
}

static struct dev *find_locked(struct dev_bus *b, uint64_t pa)
{
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		struct dev *d = b->dev[i];

		if (d && pa >= d->base && pa - d->base < d->size)
			return d;
	}
	return NULL;
}

struct dev *dev_bus_lookup(struct dev_bus *b, uint64_t pa)
{
	struct dev *d;

	if (!b)
		return NULL;
	pthread_mutex_lock(&b->lock);
	d = find_locked(b, pa);
	pthread_mutex_unlock(&b->lock);
	return d;
}

int dev_bus_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
		 uint64_t *val)
{
	struct dev_bus *b = opaque;
	struct dev *d;
	int ret = -EFAULT;

	if (!b || !val || (size != 1 && size != 2 && size != 4 && size != 8))
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	d = find_locked(b, pa);
	if (d && size <= d->size - (pa - d->base)) {
		if (is_write)
			ret = d->ops->write(d, pa - d->base, size, *val);
		else
			ret = d->ops->read(d, pa - d->base, size, val);
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int dev_bus_poll(struct dev_bus *b)
{
	int busy = 0;

	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		struct dev *d = b->dev[i];

		if (d && d->ops->poll && d->ops->poll(d) > 0)
			busy++;
	}
	pthread_mutex_unlock(&b->lock);
	return busy;
}

unsigned dev_bus_count(struct dev_bus *b)
{
	unsigned n = 0;

	for (unsigned i = 0; b && i < MMU_DEVSTATE_SLOTS; i++)
		n += b->dev[i] != NULL;
	return n;
}

unsigned dev_bus_lost(struct dev_bus *b)
{
	return b ? b->lost : 0;
}
