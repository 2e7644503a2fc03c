/* SPDX-License-Identifier: MIT */
/*
 * Doorbells: a waiter in one process sleeps until a notifier in another
 * process says "something changed", and a notifier whose peer is awake
 * makes no system call at all.
 *
 * A bell is a small struct in shared memory. The waiter announces how it is
 * about to sleep in `waiter` (on the futex word `seq`, or in an epoll loop
 * on an eventfd); the notifier looks at `waiter` after publishing its
 * change and only then makes a system call, of the matching kind.
 *
 * Why no wake-up is lost (the sleeper-flag protocol, a Dekker pattern):
 *   waiter:   W1 waiter = MODE   W2 full fence   W3 check the condition
 *   notifier: N1 publish change  N2 full fence   N3 read waiter
 * The two fences are ordered one way or the other in the single total
 * order of seq_cst operations. If the waiter's comes first, N3 sees MODE
 * and the notifier wakes it; if the notifier's comes first, W3 sees the
 * change and the waiter does not sleep. (A seq_cst store at N1 plus a
 * seq_cst load at N3 give the same guarantee without the separate fence,
 * which is what the ring does: one xchg instead of a store and a fence.)
 * The futex itself closes the last gap: the waiter reads `seq` before W1
 * and sleeps only while `seq` still holds that value, and the notifier
 * bumps `seq` before FUTEX_WAKE, so a wake that lands between W3 and the
 * futex call makes the call return at once.
 *
 * The notifier claims the wake-up by exchanging `waiter` back to AWAKE:
 * of several notifiers, or of a burst of pushes, only the first makes a
 * system call; the others see an awake waiter. A waiter that returns for
 * any other reason (timeout, signal, condition already true) clears
 * `waiter` itself, so at worst a notifier wakes a waiter that is already
 * up: a spurious wake-up, which every waiter tolerates by re-checking.
 *
 * One waiter per bell. Every field may be scribbled on by a faulty peer;
 * that can cause spurious or missing wake-ups for that peer's own bells,
 * never a crash (unknown `waiter` values are treated as FUTEX).
 */
#ifndef TESSERA_SHM_BELL_H
#define TESSERA_SHM_BELL_H

#include <stdint.h>

enum shm_bell_mode {
	SHM_BELL_AWAKE = 0,     /* waiter is running: notifiers stay quiet */
	SHM_BELL_FUTEX = 1,     /* waiter sleeps in FUTEX_WAIT on seq */
	SHM_BELL_EVENTFD = 2,   /* waiter sleeps in epoll on an eventfd */
};

/* In shared memory; all zero is a valid idle bell. */
struct shm_bell {
	uint32_t seq;       /* futex word, bumped on every futex wake */
	uint32_t waiter;    /* enum shm_bell_mode */
	uint64_t wakes;     /* wake-up system calls made by notifiers */
	uint64_t sleeps;    /* times the waiter committed to sleeping */
	uint64_t missed;    /* eventfd waiter but the notifier had no eventfd */
};

/*
 * shm_bell_wake - notifier slow path: claim the waiter announced in @b and
 * wake it (FUTEX_WAKE on seq, or write 1 to @efd for an eventfd waiter;
 * with @efd < 0 it falls back to the futex and counts a miss). Returns 1
 * when a system call was made, 0 when nobody needed waking, or -errno.
 * Normally reached through shm_bell_notify.
 */
int shm_bell_wake(struct shm_bell *b, int efd);

/*
 * shm_bell_notify_sc - notifier, right after publishing its change with a
 * seq_cst store or read-modify-write (which orders it like a full fence):
 * wake the waiter if it announced a sleep. @efd as for shm_bell_wake.
 * Costs one load when the waiter is awake. Returns as shm_bell_wake.
 */
static inline int shm_bell_notify_sc(struct shm_bell *b, int efd)
{
	if (__builtin_expect(__atomic_load_n(&b->waiter, __ATOMIC_SEQ_CST) ==
			     SHM_BELL_AWAKE, 1))
		return 0;
	return shm_bell_wake(b, efd);
}

/*
 * shm_bell_notify - notifier, after publishing its change with any store:
 * a full fence, then as shm_bell_notify_sc. This is what devices call
 * after setting a pending bit to wake a vcpu sleeping in WFI.
 */
static inline int shm_bell_notify(struct shm_bell *b, int efd)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return shm_bell_notify_sc(b, efd);
}

/*
 * shm_bell_wait - waiter: announce a futex sleep on @b, then sleep unless
 * @ready(@arg) returns non-zero, for at most @timeout_ns (< 0: no limit,
 * 0: check only). @ready must read the shared state the notifier
 * publishes, with acquire loads. Returns 0 when woken or ready (possibly
 * spuriously: re-check the condition), -ETIMEDOUT, -EINTR, -EINVAL.
 */
int shm_bell_wait(struct shm_bell *b, int (*ready)(void *arg), void *arg,
		  int64_t timeout_ns);

/*
 * shm_bell_arm - waiter in an epoll loop: announce an eventfd sleep on @b
 * and re-check @ready(@arg). Returns 1 when it is already ready (the bell
 * is left disarmed: go and consume), 0 when armed (now epoll_wait; the
 * notifier will write the eventfd it was given), or -EINVAL.
 */
int shm_bell_arm(struct shm_bell *b, int (*ready)(void *arg), void *arg);

/*
 * shm_bell_disarm - waiter: it is awake again (epoll returned, for this
 * eventfd or any other reason), so notifiers can stop making calls.
 */
void shm_bell_disarm(struct shm_bell *b);

/*
 * shm_eventfd_new - a non-blocking, close-on-exec eventfd for a bell
 * waiter's epoll loop; the notifier gets the same fd (over fdpass.h).
 * Returns the fd or -errno.
 */
int shm_eventfd_new(void);

/*
 * shm_eventfd_drain - reset the eventfd @efd after epoll reported it.
 * Returns the count it held (0 when nothing was pending) or -errno.
 */
int64_t shm_eventfd_drain(int efd);

#endif
