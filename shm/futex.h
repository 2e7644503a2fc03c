/* SPDX-License-Identifier: MIT */
/*
 * Cross-process futex helpers on 32-bit words in shared memory.
 *
 * The words live in memfd regions mapped MAP_SHARED by several processes,
 * so these use the non-private futex operations (keyed by the physical
 * page, not by the address space).
 */
#ifndef TESSERA_SHM_FUTEX_H
#define TESSERA_SHM_FUTEX_H

#include <stdint.h>

/*
 * shm_futex_wait - sleep while *@word == @expect, at most @timeout_ns
 * nanoseconds (< 0: no limit). Returns 0 when woken or when *@word had
 * already changed, -ETIMEDOUT, -EINTR, or another -errno.
 */
int shm_futex_wait(uint32_t *word, uint32_t expect, int64_t timeout_ns);

/*
 * shm_futex_wake - wake up to @n sleepers on @word. Returns the number of
 * sleepers woken, or -errno.
 */
int shm_futex_wake(uint32_t *word, int n);

#endif
