/* SPDX-License-Identifier: MIT */
/*
 * Named shared memory regions backed by memfd.
 *
 * tessera-mmu creates every region of a VM (guest RAM, vCPU state, irqchip,
 * MMIO rings, device state) with shm_region_create, which seals the size so
 * that no process can shrink the file under another process's mapping (a
 * shrink would turn the peer's accesses into SIGBUS). Other processes
 * receive the fd over a UNIX socket (fdpass.h) and adopt it with
 * shm_region_adopt, which checks that the fd really is such a region before
 * anyone maps it. A region is plain process-local bookkeeping around the
 * fd: the memory lives until the last fd and mapping in any process go.
 */
#ifndef TESSERA_SHM_REGION_H
#define TESSERA_SHM_REGION_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>

#define SHM_NAME_MAX 48   /* including the terminating NUL */

/* The seals every Tessera region carries. */
#define SHM_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* Guest RAM tops out at 16 GiB; leave room for RAM plus side regions. */
#define SHM_REGION_MAX_SIZE (64ull << 30)

/*
 * Region flags, kept with the region and sent along with its fd so that
 * every process maps it the same way.
 * SHM_REGION_HUGE: map at a 2 MiB aligned address and ask for transparent
 * huge pages (honoured when /sys/kernel/mm/transparent_hugepage/
 * shmem_enabled allows it); meant for guest RAM, where huge pages cut TLB
 * misses. Never makes creation or mapping touch the pages.
 */
#define SHM_REGION_HUGE   0x1u
#define SHM_REGION_FLAGS  SHM_REGION_HUGE   /* every known flag */

struct shm_region {
	char name[SHM_NAME_MAX];
	uint64_t size;      /* bytes, a multiple of the page size */
	uint32_t kind;      /* free for the protocol using it; sent with the fd */
	uint32_t flags;     /* SHM_REGION_* */
	int fd;             /* owned by the region */
	void *addr;         /* NULL while unmapped */
};

/*
 * shm_region_valid_name - 1 when @name is a usable region name: 1 to
 * SHM_NAME_MAX-1 characters of [A-Za-z0-9._-], else 0. Names end up in
 * /proc/<pid>/maps and in events, so they are kept printable.
 */
int shm_region_valid_name(const char *name);

/*
 * shm_region_create - a new sealed memfd region of @size bytes (1 to
 * SHM_REGION_MAX_SIZE, rounded up to the page size) with SHM_REGION_*
 * @flags, unmapped, kind 0. Pages are allocated on first touch: creating
 * a 16 GiB region costs no memory. Returns NULL with errno set (EINVAL for
 * a bad name, size or flag). The caller owns the result
 * (shm_region_destroy).
 */
struct shm_region *shm_region_create(const char *name, uint64_t size,
				     uint32_t flags);

/*
 * shm_region_adopt - take ownership of @fd received from another process
 * as region @name of @size bytes. Checks that @fd is a memfd opened
 * read-write, carrying SHM_SEALS, and exactly @size bytes long; @size 0
 * accepts the fd's own size (fds handed back by the supervisor's fd store
 * come with a name only). The region gets flags and kind 0; the caller
 * sets them from what came with the fd. On failure @fd is closed and NULL
 * returned with errno set: EBADF, EINVAL (bad name or size, not a regular
 * file or not a memfd), EPERM (seals missing), EACCES (not read-write).
 */
struct shm_region *shm_region_adopt(int fd, const char *name, uint64_t size);

/*
 * shm_region_map - map @r read-write and shared (idempotent), honouring
 * SHM_REGION_HUGE. Returns 0 or -errno; r->addr is set on success.
 */
int shm_region_map(struct shm_region *r);

/* shm_region_unmap - drop the mapping, if any. Returns 0 or -errno. */
int shm_region_unmap(struct shm_region *r);

/*
 * shm_region_destroy - unmap, close and free *@pr (NULL is fine) and clear
 * the caller's pointer. The memory itself lives on while any other
 * process still holds the fd or a mapping.
 */
void shm_region_destroy(struct shm_region **pr);

#endif
