/* SPDX-License-Identifier: MIT */
/*
 * memfd-backed regions: creation with size seals, validation of regions
 * received from other processes, mapping. See region.h.
 */
#include "shm/region.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

static struct shm_region *region_alloc(int fd, const char *name,
				       uint64_t size)
{
	struct shm_region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->size = size;
	r->fd = fd;
	return r;
}

struct shm_region *shm_region_create(const char *name, uint64_t size)
{
	char label[SHM_NAME_MAX + 8];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct shm_region *r;
	int fd, err;

	if (!shm_region_valid_name(name) || size == 0 ||
	    size > (UINT64_MAX >> 2)) {
		errno = EINVAL;
		return NULL;
	}
	size = (size + page - 1) & ~(page - 1);
	snprintf(label, sizeof(label), "tessera-%s", name);
	fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, SHM_SEALS) < 0)
		goto err_close_fd;
	r = region_alloc(fd, name, size);
	if (!r)
		goto err_close_fd;
	return r;

err_close_fd:
	err = errno;
	close(fd);
	errno = err;
	return NULL;
}

/* A received fd must be a sealed memfd of exactly the announced size. */
static int check_received(int fd, uint64_t size)
{
	struct stat st;
	int seals;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		return -EINVAL;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		return -EINVAL;   /* not a memfd: sealing unsupported */
	if ((seals & SHM_SEALS) != SHM_SEALS)
		return -EPERM;
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
	if (!shm_region_valid_name(name) || size == 0)
		goto err_close_fd;
	err = check_received(fd, size);
	if (err < 0)
		goto err_close_fd;
	r = region_alloc(fd, name, size);
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

int shm_region_map(struct shm_region *r)
{
	void *p;

	if (r->addr)
		return 0;
	p = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->addr = p;
	return 0;
}

int shm_region_unmap(struct shm_region *r)
{
	if (!r->addr)
		return 0;
	if (munmap(r->addr, r->size) < 0)
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
