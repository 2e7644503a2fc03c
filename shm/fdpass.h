/* SPDX-License-Identifier: MIT */
/*
 * Passing file descriptors, and regions built on them, between processes
 * over UNIX sockets with SCM_RIGHTS (the way vhost-user shares guest RAM).
 *
 * A message is one datagram (SOCK_SEQPACKET preferred): a header, one
 * descriptor per fd (name, size, kind), an opaque payload, and the fds as
 * ancillary data. The receiver trusts nothing: it checks the header, the
 * counts, that no control data was truncated, and closes every fd it
 * does not hand back.
 */
#ifndef TESSERA_SHM_FDPASS_H
#define TESSERA_SHM_FDPASS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shm/region.h"

#define SHM_MSG_MAX_FDS     64
#define SHM_MSG_MAX_PAYLOAD 4096

struct shm_fd_desc {
	char name[SHM_NAME_MAX];
	uint64_t size;
	uint32_t kind;     /* meaning chosen by the protocol using it */
	uint32_t flags;
};

/*
 * shm_fds_send - send @n fds (0..SHM_MSG_MAX_FDS) with their descriptors
 * and @len bytes of @payload (<= SHM_MSG_MAX_PAYLOAD) as one message on
 * @sock. Does not take ownership of the fds. Returns 0 or -errno.
 */
int shm_fds_send(int sock, const int *fds, const struct shm_fd_desc *descs,
		 unsigned n, const void *payload, size_t len);

/*
 * shm_fds_recv - receive one message from @sock: up to @max fds into @fds
 * with their descriptors into @descs, the payload into @payload (capacity
 * *@len, set to the received length). Returns the number of fds (the
 * caller owns them), 0 on orderly shutdown with *@len 0, or -errno:
 * -EPROTO for a malformed message (bad magic/version, counts that do not
 * match, truncated data or control data, unterminated names), -EMSGSIZE
 * when more fds or payload arrived than fit. On error no fd is leaked.
 */
int shm_fds_recv(int sock, int *fds, struct shm_fd_desc *descs,
		 unsigned max, void *payload, size_t *len);

/*
 * shm_regions_send - send @n regions (fd, name and size) with @kind in
 * every descriptor and no payload. Returns 0 or -errno.
 */
int shm_regions_send(int sock, struct shm_region *const *regions,
		     unsigned n, uint32_t kind);

/*
 * shm_regions_recv - receive regions sent by shm_regions_send and adopt
 * each (shm_region_adopt validates the fd against its descriptor). On
 * success returns the count and the caller owns @out[0..count-1]; on any
 * failure every fd and region is released and -errno returned.
 */
int shm_regions_recv(int sock, struct shm_region **out, unsigned max);

/*
 * shm_peer_cred - the pid, uid and gid of the process at the other end of
 * the connected UNIX socket @sock. Returns 0 or -errno.
 */
int shm_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
