/* SPDX-License-Identifier: MIT */
/*
 * The control plane: each service answers msgpack requests on a ZeroMQ
 * REP socket at <runtime dir>/<component>.ctl. A request is a map with a
 * "cmd" string and any arguments; the reply is a map with "ok" (bool),
 * then either the command's fields or "error" (a string). Unknown
 * commands get {"ok": false, "error": "unknown command"}, malformed
 * requests {"ok": false, "error": "malformed request: ..."}; neither
 * disturbs the service.
 *
 * This is the low-rate plane, so it uses msgpack-c's object model, which
 * lets commands take arbitrary arguments.
 */
#ifndef TESSERA_SVC_CTL_H
#define TESSERA_SVC_CTL_H

#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>

#define SVC_CTL_REQ_MAX (64 * 1024)   /* larger requests are refused */

/* A reply under construction, handed to command handlers. */
struct svc_ctl_reply;

/*
 * A command handler: @req is the whole request map. Add fields to @r and
 * return 0 for {"ok": true, ...}; return -errno (with or without
 * svc_ctl_reply_error) for {"ok": false, "error": ...}.
 */
typedef int (*svc_ctl_fn)(void *user, const msgpack_object *req,
			  struct svc_ctl_reply *r);

struct svc_ctl_cmd {
	const char *name;
	svc_ctl_fn fn;
};

struct svc_ctl;

/*
 * svc_ctl_new - bind a REP socket at @endpoint (ZeroMQ context @zctx)
 * serving @cmds[0..@n) (kept by reference) with @user. Returns NULL with
 * errno set. The caller owns it; it belongs to the loop's thread.
 */
struct svc_ctl *svc_ctl_new(void *zctx, const char *endpoint,
			    const struct svc_ctl_cmd *cmds, size_t n,
			    void *user);

/* svc_ctl_destroy - close and free *@cp, removing its ipc:// socket
 * file; accepts NULL. */
void svc_ctl_destroy(struct svc_ctl **cp);

/* svc_ctl_fd - the socket's ZMQ_FD, for svc_loop_add_zmq. */
int svc_ctl_fd(struct svc_ctl *c);

/*
 * svc_ctl_handle - answer the requests already received, without
 * blocking. Returns the number answered, or -errno. Shaped to be called
 * from a svc_loop ZeroMQ handler.
 */
int svc_ctl_handle(struct svc_ctl *c);

/* Reply fields; names are copied. */
void svc_ctl_reply_u64(struct svc_ctl_reply *r, const char *key, uint64_t v);
void svc_ctl_reply_i64(struct svc_ctl_reply *r, const char *key, int64_t v);
void svc_ctl_reply_str(struct svc_ctl_reply *r, const char *key,
		       const char *v);
void svc_ctl_reply_bool(struct svc_ctl_reply *r, const char *key, int v);

/* svc_ctl_reply_error - the error text; returns -EINVAL for convenience. */
__attribute__((format(printf, 2, 3)))
int svc_ctl_reply_error(struct svc_ctl_reply *r, const char *fmt, ...);

/*
 * svc_ctl_map_str - the string value of @key in map @m, copied into @buf
 * (@cap bytes). Returns its length, -ENOENT when absent, -EINVAL when not
 * a string or too long.
 */
int svc_ctl_map_str(const msgpack_object *m, const char *key, char *buf,
		    size_t cap);

/*
 * svc_ctl_call - send the msgpack request @req (@len bytes) to @endpoint
 * and wait up to @timeout_ms for the reply, unpacked into @out (caller
 * initialises it with msgpack_unpacked_init and destroys it). Returns 0,
 * -ETIMEDOUT, -EBADMSG for a reply that is not one msgpack value, or
 * -errno. @zctx NULL: the process-wide context.
 */
int svc_ctl_call(void *zctx, const char *endpoint, const void *req,
		 size_t len, int timeout_ms, msgpack_unpacked *out);

/* svc_ctl_call_cmd - svc_ctl_call with the request {"cmd": @cmd}. */
int svc_ctl_call_cmd(void *zctx, const char *endpoint, const char *cmd,
		     int timeout_ms, msgpack_unpacked *out);

/* svc_ctl_print_json - print @o as JSON to @f (binary and ext as hex). */
void svc_ctl_print_json(FILE *f, const msgpack_object *o);

#endif
