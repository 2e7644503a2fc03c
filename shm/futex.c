/* SPDX-License-Identifier: MIT */
/*
 * Thin wrappers over the futex system call for words shared between
 * processes (see futex.h).
 */
#include "shm/futex.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int shm_futex_wait(uint32_t *word, uint32_t expect, int64_t timeout_ns)
{
	struct timespec ts, *tp = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tp = &ts;
	}
	if (syscall(SYS_futex, word, FUTEX_WAIT, expect, tp, NULL, 0) < 0) {
		if (errno == EAGAIN)
			return 0;
		return -errno;
	}
	return 0;
}

int shm_futex_wake(uint32_t *word, int n)
{
	long r = syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);

	return r < 0 ? -errno : (int)r;
}
