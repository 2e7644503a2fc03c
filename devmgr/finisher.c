/* SPDX-License-Identifier: MIT */
/*
 * The sifive,test1 finisher: a guest write of 0x5555 powers off, 0x3333
 * with an exit code in bits 31:16 fails, 0x7777 resets. Stateless.
 * OpenSBI writes it with a 16-bit store (writew), bare-metal tests with a
 * 32-bit one: both count; a byte cannot hold a command and is ignored.
 */
#include <errno.h>

#include "devmgr/devices.h"

#define FINISHER_PASS  0x5555
#define FINISHER_FAIL  0x3333
#define FINISHER_RESET 0x7777

static int finisher_attach(struct dev *d, const char *args, int fresh)
{
	return d->env->power ? 0 : -EINVAL;
}

static int finisher_read(struct dev *d, uint64_t off, unsigned size,
			 uint64_t *val)
{
	*val = 0;
	return 0;
}

static int finisher_write(struct dev *d, uint64_t off, unsigned size,
			  uint64_t val)
{
	const struct dev_env *e = d->env;

	if (off != 0 || size < 2)
		return 0;
	if (size == 2)
		val &= 0xffff;   /* no room for an exit code */
	switch (val & 0xffff) {
	case FINISHER_PASS:
		e->power(e->power_opaque, DEV_POWER_OFF, 0);
		break;
	case FINISHER_FAIL:
		e->power(e->power_opaque, DEV_POWER_FAIL,
			 (int)((val >> 16) & 0xffff));
		break;
	case FINISHER_RESET:
		e->power(e->power_opaque, DEV_POWER_RESET, 0);
		break;
	}
	return 0;
}

const struct dev_ops dev_finisher_ops = {
	.kind = "test",
	.state_size = 0,
	.attach = finisher_attach,
	.read = finisher_read,
	.write = finisher_write,
};
