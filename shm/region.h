/* SPDX-License-Identifier: MIT */
/*
 * Named shared memory regions backed by memfd.
 *
 * tessera-mmu creates every region of a VM (guest RAM, vCPU state, irqchip,
 * MMIO rings, device state) with shm_region_create, which seals its size so
 * that no process can shrink it under another one's mapping. Other processes
 * receive the fd over a UNIX socket (fdpass.h) and adopt it with
 * shm_region_adopt, which checks that the fd really is such a region.
 */
#ifndef TESSERA_SHM_REGION_H
#define TESSERA_SHM_REGION_H

#include <stddef.h>
#include <stdint.h>

#define SHM_NAME_MAX 48   /* including the terminating NUL */

/* The seals every Tessera region carries. */
#define SHM_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

struct shm_region {
	char name[SHM_NAME_MAX];
	uint64_t size;
	int fd;             /* owned by the region */
	void *addr;         /* NULL while unmapped */
};

/*
 * shm_region_valid_name - 1 when @name is a usable region name: 1 to
 * SHM_NAME_MAX-1 characters of [A-Za-z0-9._-], else 0.
 */
int shm_region_valid_name(const char *name);

/*
 * shm_region_create - a new sealed memfd region of @size bytes (> 0,
 * rounded up to the page size), unmapped. Pages are allocated lazily:
 * creating a 16 GiB region touches nothing. Returns NULL with errno set
 * (EINVAL for a bad name or size). The caller owns the result.
 */
struct shm_region *shm_region_create(const char *name, uint64_t size);

/*
 * shm_region_adopt - take ownership of @fd received from another process
 * as region @name of @size bytes. Checks that @fd is a memfd carrying
 * SHM_SEALS and exactly @size bytes long. On failure @fd is closed and
 * NULL returned with errno set (EINVAL, EBADF, EPERM for missing seals).
 */
struct shm_region *shm_region_adopt(int fd, const char *name, uint64_t size);

/*
 * shm_region_map - map @r read-write and shared (idempotent). Returns 0
 * or -errno.
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
