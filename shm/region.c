/* SPDX-License-Identifier: MIT */
/*
 * memfd-backed regions: creation with size seals, validation of regions
 * received from other processes, and mapping (2 MiB aligned for huge
 * pages when asked). See region.h.
 */
#include "shm/region.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HUGE_ALIGN (2ull << 20)

int shm_region_valid_name(const char *name)
{
	size_t n = name ? strnlen(name, SHM_NAME_MAX) : 0;

	if (n == 0 || n >= SHM_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static struct shm_region *region_alloc(int fd, const char *name,
				       uint64_t size, uint32_t flags)
{
	struct shm_region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->size = size;
	r->flags = flags;
	r->fd = fd;
	return r;
}

struct shm_region *shm_region_create(const char *name, uint64_t size,
				     uint32_t flags)
{
	char label[SHM_NAME_MAX + 8];
	uint64_t page = page_size();
	struct shm_region *r;
	int fd, err;

	if (!shm_region_valid_name(name) || size == 0 ||
	    size > SHM_REGION_MAX_SIZE || (flags & ~SHM_REGION_FLAGS)) {
		errno = EINVAL;
		return NULL;
	}
	size = (size + page - 1) & ~(page - 1);
	/* The label shows in /proc/<pid>/maps as /memfd:tessera:<name>. */
	snprintf(label, sizeof(label), "tessera:%s", name);
	fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	/* ftruncate on shmem only sets i_size: no page is allocated. */
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, SHM_SEALS) < 0)
		goto err_close_fd;
	r = region_alloc(fd, name, size, flags);
	if (!r)
		goto err_close_fd;
	return r;

err_close_fd:
	err = errno;
	close(fd);
	errno = err;
	return NULL;
}

/*
 * A received fd must be a read-write, sealed memfd of the announced size
 * (or, for @*size 0, of any sane size, stored back into @*size). Only
 * memfds created with MFD_ALLOW_SEALING can carry SHRINK and GROW seals:
 * other shmem files answer F_GET_SEALS with F_SEAL_SEAL alone, and other
 * file systems refuse F_GET_SEALS.
 */
static int check_received(int fd, uint64_t *size)
{
	struct stat st;
	int seals, fl;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return -EINVAL;
	if (*size == 0 && ((uint64_t)st.st_size > SHM_REGION_MAX_SIZE ||
			   (uint64_t)st.st_size % page_size()))
		return -EINVAL;
	if (*size != 0 && (uint64_t)st.st_size != *size)
		return -EINVAL;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		return -EINVAL;
	if ((seals & SHM_SEALS) != SHM_SEALS)
		return -EPERM;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if ((fl & O_ACCMODE) != O_RDWR)
		return -EACCES;
	*size = (uint64_t)st.st_size;
	return 0;
}

struct shm_region *shm_region_adopt(int fd, const char *name, uint64_t size)
{
	struct shm_region *r;
	int err = -EINVAL;

	if (fd < 0) {
		errno = EBADF;
		return NULL;
	}
	if (!shm_region_valid_name(name) || size > SHM_REGION_MAX_SIZE)
		goto err_close_fd;
	err = check_received(fd, &size);
	if (err < 0)
		goto err_close_fd;
	r = region_alloc(fd, name, size, 0);
	if (!r) {
		err = -ENOMEM;
		goto err_close_fd;
	}
	return r;

err_close_fd:
	close(fd);
	errno = -err;
	return NULL;
}

/*
 * Map @r at a 2 MiB boundary: reserve a larger window of address space
 * (PROT_NONE, no memory), map the region over its aligned part and give
 * back the slack. MAP_NORESERVE: a 16 GiB guest must not be charged 16 GiB
 * of commit up front.
 */
static void *map_huge(struct shm_region *r)
{
	size_t len = (size_t)r->size, win = len + HUGE_ALIGN;
	uint8_t *base, *p;
	uintptr_t a;

	base = mmap(NULL, win, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	a = ((uintptr_t)base + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
	p = mmap((void *)a, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, r->fd, 0);
	if (p == MAP_FAILED) {
		int err = errno;

		munmap(base, win);
		errno = err;
		return MAP_FAILED;
	}
	if (p > base)
		munmap(base, (size_t)(p - base));
	if (p + len < base + win)
		munmap(p + len, (size_t)(base + win - (p + len)));
	/* Best effort: refused when THP is off for shmem, which is fine. */
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

int shm_region_map(struct shm_region *r)
{
	void *p;

	if (r->addr)
		return 0;
	if (r->flags & SHM_REGION_HUGE)
		p = map_huge(r);
	else
		p = mmap(NULL, (size_t)r->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE, r->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->addr = p;
	return 0;
}

int shm_region_unmap(struct shm_region *r)
{
	if (!r->addr)
		return 0;
	if (munmap(r->addr, (size_t)r->size) < 0)
		return -errno;
	r->addr = NULL;
	return 0;
}

void shm_region_destroy(struct shm_region **pr)
{
	struct shm_region *r = pr ? *pr : NULL;

	if (!r)
		return;
	shm_region_unmap(r);
	close(r->fd);
	free(r);
	*pr = NULL;
}
