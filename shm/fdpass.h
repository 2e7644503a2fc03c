/* SPDX-License-Identifier: MIT */
/*
 * Passing file descriptors, and regions built on them, between processes
 * over UNIX sockets with SCM_RIGHTS (the way vhost-user shares guest RAM).
 *
 * Two message shapes, both one datagram each (SOCK_SEQPACKET preferred,
 * SOCK_DGRAM works; a byte stream would merge and split messages):
 *  - described fds (shm_fds_*, shm_regions_*): a small versioned header,
 *    one descriptor per fd (name, size, kind, flags), an opaque payload,
 *    and the fds as ancillary data. This is how tessera-mmu hands out
 *    regions.
 *  - a plain fd set (shm_fdset_*): the payload bytes as they are plus the
 *    fds, with the sender's credentials when the socket asks for them:
 *    the shape of the sd_notify protocol ("FDSTORE=1\nFDNAME=ram"), used
 *    by the embedded supervisor's fd store.
 * Receivers trust nothing: they check that no data or control data was
 * truncated, that counts agree, that names are terminated, and they close
 * every fd they do not hand back, whatever went wrong.
 */
#ifndef TESSERA_SHM_FDPASS_H
#define TESSERA_SHM_FDPASS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "shm/region.h"

#define SHM_MSG_MAX_FDS     64
#define SHM_MSG_MAX_PAYLOAD 4096

/*
 * Wire format of a described-fds message: this header, nfds descriptors,
 * payload_len bytes of payload, nothing else; nfds fds attached.
 */
#define SHM_MSG_MAGIC   0x544d4653u  /* bytes "SFMT" */
#define SHM_MSG_VERSION 1u

struct shm_msg_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t nfds;
	uint32_t payload_len;
};

/* One descriptor per fd, fixed layout: 64 bytes. */
struct shm_fd_desc {
	char name[SHM_NAME_MAX];   /* NUL-terminated */
	uint64_t size;
	uint32_t kind;     /* meaning chosen by the protocol using it */
	uint32_t flags;    /* for regions: SHM_REGION_* */
};

/*
 * shm_fds_send - send @n fds (0..SHM_MSG_MAX_FDS) with their descriptors
 * and @len bytes of @payload (<= SHM_MSG_MAX_PAYLOAD) as one message on
 * @sock. The fds stay the caller's. Returns 0 or -errno (-EINVAL for bad
 * counts, -EMSGSIZE for a short send).
 */
int shm_fds_send(int sock, const int *fds, const struct shm_fd_desc *descs,
		 unsigned n, const void *payload, size_t len);

/*
 * shm_fds_recv - receive one message sent by shm_fds_send: up to @max fds
 * into @fds with their descriptors into @descs, the payload into @payload
 * (capacity *@len, set to the received length). Returns the number of fds
 * (the caller owns them) or -errno: -EPROTO for a malformed message (bad
 * magic or version, counts that do not match the fds attached, truncated
 * data or control data, unterminated names, foreign control messages),
 * -EMSGSIZE when more fds or payload arrived than fit, -ECONNRESET when
 * the peer closed the connection, -EAGAIN on a non-blocking socket. On
 * error no fd is leaked and the next message can still be received.
 */
int shm_fds_recv(int sock, int *fds, struct shm_fd_desc *descs,
		 unsigned max, void *payload, size_t *len);

/*
 * shm_regions_send - send @n regions (fd, name, size, kind, flags) and
 * @len bytes of @payload (may be NULL/0) as one message. The regions stay
 * the caller's. Returns 0 or -errno.
 */
int shm_regions_send(int sock, struct shm_region *const *regions,
		     unsigned n, const void *payload, size_t len);

/*
 * shm_regions_recv - receive regions sent by shm_regions_send and adopt
 * each one (shm_region_adopt checks the fd against its descriptor; a
 * descriptor with size 0 or unknown flags is -EPROTO). @payload/@len as
 * for shm_fds_recv (@payload may be NULL when @len is NULL). On success
 * returns the count and the caller owns @out[0..count-1], unmapped; on
 * any failure every fd and region of the message is released and -errno
 * returned (the errno of the first region that failed its checks).
 */
int shm_regions_recv(int sock, struct shm_region **out, unsigned max,
		     void *payload, size_t *len);

/*
 * shm_fdset_send - send @len (>= 1) bytes of @buf with @n fds
 * (0..SHM_MSG_MAX_FDS) as one message, no header. The fds stay the
 * caller's. Returns 0 or -errno.
 */
int shm_fdset_send(int sock, const int *fds, unsigned n, const void *buf,
		   size_t len);

/*
 * shm_fdset_recv - receive one plain message: up to @cap bytes into @buf,
 * up to @max fds into @fds (count in *@nfds, the caller owns them). When
 * @cred is not NULL it receives the sender's pid/uid/gid if the socket has
 * SO_PASSCRED set, else pid 0 and uid/gid (uid_t)-1. Returns the byte
 * count, or -errno: -EMSGSIZE when the message or its fds did not fit,
 * -EPROTO for truncated control data or foreign control messages,
 * -ECONNRESET for an empty message (the peer closed a SOCK_SEQPACKET
 * connection). On error *@nfds is 0 and no fd is leaked.
 */
int shm_fdset_recv(int sock, int *fds, unsigned max, unsigned *nfds,
		   void *buf, size_t cap, struct ucred *cred);

/*
 * shm_peer_cred - the pid, uid and gid of the process at the other end of
 * the connected UNIX socket @sock, as the kernel recorded them at
 * connect() or socketpair() time. Any out pointer may be NULL. Returns 0
 * or -errno.
 */
int shm_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid);

/*
 * shm_peer_check_uid - 0 when the peer of @sock runs as our effective uid
 * or as root, -EACCES when it runs as someone else, or -errno. tessera-mmu
 * calls it on every accepted connection before handing out guest RAM.
 */
int shm_peer_check_uid(int sock);

/*
 * shm_sock_listen - a listening SOCK_SEQPACKET UNIX socket bound to
 * @path (close-on-exec). An existing file at @path is an error
 * (-EADDRINUSE): the caller decides whether a stale socket may go.
 * Returns the fd or -errno (-ENAMETOOLONG when @path does not fit).
 */
int shm_sock_listen(const char *path);

/* shm_sock_accept - accept a connection, close-on-exec. fd or -errno. */
int shm_sock_accept(int lsock);

/* shm_sock_connect - connect a SOCK_SEQPACKET socket to @path. fd or -errno. */
int shm_sock_connect(const char *path);

/* shm_sock_pair - a close-on-exec SOCK_SEQPACKET socketpair. 0 or -errno. */
int shm_sock_pair(int sv[2]);

#endif
