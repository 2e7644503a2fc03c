/* SPDX-License-Identifier: MIT */
/*
 * The CLINT (mtime, per-hart mtimecmp and msip) on the shared irqchip
 * struct, plus the wake-up machinery every interrupt source uses: a futex
 * word per hart, bumped on each change of the hart's inputs.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "shm/futex.h"
#include "vcpu/irqchip.h"
#include "vcpu/priv.h"

void vcpu_irqchip_init(struct vcpu_irqchip *c, unsigned nharts)
{
	memset(c, 0, sizeof(*c));
	if (nharts < 1)
		nharts = 1;
	if (nharts > VCPU_MAX_HARTS)
		nharts = VCPU_MAX_HARTS;
	c->nharts = nharts;
	c->version = VCPU_IRQCHIP_VERSION;
	c->mtime_offset = -(int64_t)vcpu_clint_host_ticks();
	for (unsigned h = 0; h < VCPU_MAX_HARTS; h++)
		c->hart[h].mtimecmp = ~0ull;
	__atomic_store_n(&c->magic, VCPU_IRQCHIP_MAGIC, __ATOMIC_RELEASE);
}

int vcpu_irqchip_valid(const struct vcpu_irqchip *c)
{
	if (__atomic_load_n(&c->magic, __ATOMIC_ACQUIRE) != VCPU_IRQCHIP_MAGIC ||
	    c->version != VCPU_IRQCHIP_VERSION || c->nharts < 1 ||
	    c->nharts > VCPU_MAX_HARTS)
		return -EINVAL;
	return 0;
}

void vcpu_irqchip_kick(struct vcpu_irqchip *c, unsigned hart)
{
	struct vcpu_irqchip_hart *h;

	if (hart >= VCPU_MAX_HARTS)
		return;
	h = &c->hart[hart];
	__atomic_add_fetch(&h->wake, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&h->sleeping, __ATOMIC_SEQ_CST))
		shm_futex_wake(&h->wake, INT_MAX);
}

int vcpu_irqchip_wait(struct vcpu_irqchip *c, unsigned hart, uint32_t seen,
		      uint64_t timeout_ns)
{
	struct vcpu_irqchip_hart *h = &c->hart[hart % VCPU_MAX_HARTS];
	int rc;

	__atomic_store_n(&h->sleeping, 1, __ATOMIC_SEQ_CST);
	rc = shm_futex_wait(&h->wake, seen,
			    timeout_ns ? (int64_t)(timeout_ns & INT64_MAX) : -1);
	__atomic_store_n(&h->sleeping, 0, __ATOMIC_SEQ_CST);
	return rc == -EINTR ? -EINTR : 0;
}

_Static_assert(MMU_TIMEBASE_HZ <= 1000000000ull, "timebase above 1 GHz");

uint64_t vcpu_clint_host_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* tv_nsec < 1e9 and the timebase <= 1 GHz: no 64-bit overflow, and
	 * no 128-bit division on this path, which rdtime loops make hot. */
	return (uint64_t)ts.tv_sec * MMU_TIMEBASE_HZ +
	       (uint64_t)ts.tv_nsec * MMU_TIMEBASE_HZ / 1000000000u;
}

static uint64_t mtime_raw(const struct vcpu_irqchip *c)
{
	return vcpu_clint_host_ticks() +
	       (uint64_t)__atomic_load_n(&c->mtime_offset, __ATOMIC_RELAXED);
}

uint64_t vcpu_clint_mtime(struct vcpu_irqchip *c)
{
	uint64_t t = mtime_raw(c);

	/* A high-water mark for vcpu_clint_attach, not a lock: harts racing
	 * here may leave a value a few ticks below the largest read, which
	 * the host clock (monotonic while the region lives) makes up for. */
	if (t > __atomic_load_n(&c->mtime_last, __ATOMIC_RELAXED))
		__atomic_store_n(&c->mtime_last, t, __ATOMIC_RELAXED);
	return t;
}

void vcpu_clint_attach(struct vcpu_irqchip *c)
{
	uint64_t t = mtime_raw(c);
	uint64_t last = __atomic_load_n(&c->mtime_last, __ATOMIC_RELAXED);

	if (t < last)
		__atomic_add_fetch(&c->mtime_offset, (int64_t)(last - t),
				   __ATOMIC_RELAXED);
}

uint64_t vcpu_irqchip_lines(const struct vcpu_irqchip *c, unsigned hart,
			    uint64_t mtime)
{
	const struct vcpu_irqchip_hart *h = &c->hart[hart % VCPU_MAX_HARTS];
	uint64_t mip = 0;

	if (__atomic_load_n(&h->msip, __ATOMIC_RELAXED) & 1)
		mip |= VCPU_MIP_MSIP;
	if (mtime >= __atomic_load_n(&h->mtimecmp, __ATOMIC_RELAXED))
		mip |= VCPU_MIP_MTIP;
	if (__atomic_load_n(&c->pending, __ATOMIC_RELAXED)) {
		if (vcpu_plic_ctx_pending(c, 2 * hart))
			mip |= VCPU_MIP_MEIP;
		if (vcpu_plic_ctx_pending(c, 2 * hart + 1))
			mip |= VCPU_MIP_SEIP;
	}
	return mip;
}

/* Merge the 4 bytes at @off & 4 of the 64-bit @old with @val. */
static uint64_t merge32(uint64_t old, uint64_t off, uint64_t val)
{
	unsigned sh = (off & 4) * 8;

	return (old & ~(0xffffffffull << sh)) | ((val & 0xffffffffull) << sh);
}

int vcpu_clint_read(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		    uint64_t *val)
{
	uint64_t v;

	if ((size != 4 && size != 8) || (off & (size - 1)))
		return -EINVAL;
	if (off < VCPU_CLINT_MSIP + 4 * c->nharts) {
		if (size != 4)
			return -EINVAL;
		*val = __atomic_load_n(&c->hart[off / 4].msip, __ATOMIC_RELAXED);
		return 0;
	}
	if (off >= VCPU_CLINT_MTIMECMP &&
	    off < VCPU_CLINT_MTIMECMP + 8 * c->nharts)
		v = __atomic_load_n(&c->hart[(off - VCPU_CLINT_MTIMECMP) / 8].mtimecmp,
				    __ATOMIC_RELAXED);
	else if (off == VCPU_CLINT_MTIME || off == VCPU_CLINT_MTIME + 4)
		v = vcpu_clint_mtime(c);
	else {
		*val = 0;
		return 0;
	}
	*val = size == 8 ? v : (v >> ((off & 4) * 8)) & 0xffffffffull;
	return 0;
}

static void write_mtime(struct vcpu_irqchip *c, uint64_t off, unsigned size,
			uint64_t val)
{
	uint64_t now = vcpu_clint_mtime(c);
	uint64_t t = size == 8 ? val : merge32(now, off, val);

	__atomic_store_n(&c->mtime_offset,
			 (int64_t)(t - vcpu_clint_host_ticks()), __ATOMIC_RELAXED);
	/* Software may set time back; that is its right, so forget the
	 * high-water mark rather than fight it. */
	__atomic_store_n(&c->mtime_last, t, __ATOMIC_RELAXED);
	for (unsigned h = 0; h < c->nharts; h++)
		vcpu_irqchip_kick(c, h);
}

int vcpu_clint_write(struct vcpu_irqchip *c, uint64_t off, unsigned size,
		     uint64_t val)
{
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return -EINVAL;
	if (off < VCPU_CLINT_MSIP + 4 * c->nharts) {
		if (size != 4)
			return -EINVAL;
		__atomic_store_n(&c->hart[off / 4].msip, (uint32_t)val & 1,
				 __ATOMIC_SEQ_CST);
		vcpu_irqchip_kick(c, (unsigned)(off / 4));
	} else if (off >= VCPU_CLINT_MTIMECMP &&
		   off < VCPU_CLINT_MTIMECMP + 8 * c->nharts) {
		unsigned h = (unsigned)((off - VCPU_CLINT_MTIMECMP) / 8);
		uint64_t *cmp = &c->hart[h].mtimecmp;

		__atomic_store_n(cmp, size == 8 ? val :
				 merge32(__atomic_load_n(cmp, __ATOMIC_RELAXED),
					 off, val), __ATOMIC_SEQ_CST);
		vcpu_irqchip_kick(c, h);
	} else if (off == VCPU_CLINT_MTIME || off == VCPU_CLINT_MTIME + 4) {
		write_mtime(c, off, size, val);
	}
	return 0;
}
