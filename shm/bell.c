/* SPDX-License-Identifier: MIT */
/*
 * Doorbell slow paths: the waiter's announce-check-sleep sequence and the
 * notifier's claim-and-wake (see bell.h for the protocol and why it loses
 * no wake-up).
 */
#include "shm/bell.h"

#include <errno.h>
#include <limits.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "shm/futex.h"

int shm_bell_wake(struct shm_bell *b, int efd)
{
	uint32_t mode;
	int rc;

	/* Claim: of all notifiers that saw the waiter asleep, one wakes it. */
	mode = __atomic_exchange_n(&b->waiter, SHM_BELL_AWAKE,
				   __ATOMIC_SEQ_CST);
	if (mode == SHM_BELL_AWAKE)
		return 0;
	__atomic_fetch_add(&b->wakes, 1, __ATOMIC_RELAXED);
	if (mode == SHM_BELL_EVENTFD && efd >= 0) {
		uint64_t one = 1;

		/* EAGAIN: the counter is saturated, so it is readable anyway. */
		if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			return -errno;
		return 1;
	}
	if (mode == SHM_BELL_EVENTFD)
		__atomic_fetch_add(&b->missed, 1, __ATOMIC_RELAXED);
	/* Bump before waking: a waiter between its check and FUTEX_WAIT
	 * then finds seq changed and does not sleep. */
	__atomic_fetch_add(&b->seq, 1, __ATOMIC_SEQ_CST);
	rc = shm_futex_wake(&b->seq, INT_MAX);
	return rc < 0 ? rc : 1;
}

/* W1 and W2 of the protocol: announce, then a full fence before the
 * caller's re-check (W3). */
static void announce(struct shm_bell *b, uint32_t mode)
{
	__atomic_store_n(&b->waiter, mode, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int shm_bell_wait(struct shm_bell *b, int (*ready)(void *arg), void *arg,
		  int64_t timeout_ns)
{
	uint32_t seen;
	int err = 0;

	if (!b || !ready)
		return -EINVAL;
	/* Read seq before announcing: a notifier that sees the announcement
	 * bumps seq after this load, so FUTEX_WAIT cannot miss it. */
	seen = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
	announce(b, SHM_BELL_FUTEX);
	if (ready(arg))
		goto out_disarm;
	if (timeout_ns == 0) {
		err = -ETIMEDOUT;
		goto out_disarm;
	}
	__atomic_fetch_add(&b->sleeps, 1, __ATOMIC_RELAXED);
	err = shm_futex_wait(&b->seq, seen, timeout_ns);
out_disarm:
	shm_bell_disarm(b);
	return err;
}

int shm_bell_arm(struct shm_bell *b, int (*ready)(void *arg), void *arg)
{
	if (!b || !ready)
		return -EINVAL;
	announce(b, SHM_BELL_EVENTFD);
	if (ready(arg)) {
		shm_bell_disarm(b);
		return 1;
	}
	__atomic_fetch_add(&b->sleeps, 1, __ATOMIC_RELAXED);
	return 0;
}

void shm_bell_disarm(struct shm_bell *b)
{
	/* Skip the store when a notifier already claimed the wake-up: it
	 * keeps the bell's cache line shared in the common case. */
	if (__atomic_load_n(&b->waiter, __ATOMIC_RELAXED) != SHM_BELL_AWAKE)
		__atomic_store_n(&b->waiter, SHM_BELL_AWAKE, __ATOMIC_RELAXED);
}

int shm_eventfd_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int64_t shm_eventfd_drain(int efd)
{
	uint64_t v;
	ssize_t n;

	do
		n = read(efd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n != sizeof(v))
		return -EIO;
	return (int64_t)(v & INT64_MAX);
}
