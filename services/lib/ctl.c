/* SPDX-License-Identifier: MIT */
/*
 * Control plane server and client (see ctl.h). Requests are checked
 * structurally with ev_msgpack_check before msgpack-c unpacks them, so a
 * hostile length field cannot make the unpacker allocate gigabytes.
 */
#include "services/lib/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "broker/codec.h"
#include "broker/zctx.h"

#define CTL_DEPTH_MAX 16

struct svc_ctl_reply {
	msgpack_sbuffer fields;
	msgpack_packer pk;
	unsigned n;
	int failed;
	char error[256];
};

struct svc_ctl {
	char *ipc_file;           /* removed at destroy; libzmq leaves it */
	void *sock;
	const struct svc_ctl_cmd *cmds;
	size_t n;
	void *user;
	int own_ctx_ref;
};

struct svc_ctl *svc_ctl_new(void *zctx, const char *endpoint,
			    const struct svc_ctl_cmd *cmds, size_t n,
			    void *user)
{
	struct svc_ctl *c;
	int linger = 0, err = -EINVAL;

	if (!endpoint || (!cmds && n))
		goto err_out;
	c = calloc(1, sizeof(*c));
	if (!c) {
		err = -ENOMEM;
		goto err_out;
	}
	*c = (struct svc_ctl){ .cmds = cmds, .n = n, .user = user };
	if (!zctx) {
		zctx = ev_zctx_get();
		if (!zctx) {
			err = -ENOMEM;
			goto err_free;
		}
		c->own_ctx_ref = 1;
	}
	c->sock = zmq_socket(zctx, ZMQ_REP);
	if (!c->sock ||
	    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_bind(c->sock, endpoint) < 0) {
		err = -errno;
		goto err_close;
	}
	if (strncmp(endpoint, "ipc://", 6) == 0 && endpoint[6] != '@' &&
	    endpoint[6] != '*')
		c->ipc_file = strdup(endpoint + 6);
	return c;

err_close:
	if (c->sock)
		zmq_close(c->sock);
	if (c->own_ctx_ref)
		ev_zctx_put();
err_free:
	free(c);
err_out:
	errno = -err;
	return NULL;
}

void svc_ctl_destroy(struct svc_ctl **cp)
{
	struct svc_ctl *c;

	if (!cp || !*cp)
		return;
	c = *cp;
	zmq_close(c->sock);
	if (c->ipc_file)
		unlink(c->ipc_file);
	free(c->ipc_file);
	if (c->own_ctx_ref)
		ev_zctx_put();
	free(c);
	*cp = NULL;
}

int svc_ctl_fd(struct svc_ctl *c)
{
	int fd;
	size_t len = sizeof(fd);

	if (zmq_getsockopt(c->sock, ZMQ_FD, &fd, &len) < 0)
		return -errno;
	return fd;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void svc_ctl_reply_u64(struct svc_ctl_reply *r, const char *key, uint64_t v)
{
	pack_str(&r->pk, key);
	msgpack_pack_uint64(&r->pk, v);
	r->n++;
}

void svc_ctl_reply_i64(struct svc_ctl_reply *r, const char *key, int64_t v)
{
	pack_str(&r->pk, key);
	msgpack_pack_int64(&r->pk, v);
	r->n++;
}

void svc_ctl_reply_str(struct svc_ctl_reply *r, const char *key,
		       const char *v)
{
	pack_str(&r->pk, key);
	pack_str(&r->pk, v ? v : "");
	r->n++;
}

void svc_ctl_reply_bool(struct svc_ctl_reply *r, const char *key, int v)
{
	pack_str(&r->pk, key);
	if (v)
		msgpack_pack_true(&r->pk);
	else
		msgpack_pack_false(&r->pk);
	r->n++;
}

int svc_ctl_reply_error(struct svc_ctl_reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -EINVAL;
}

int svc_ctl_map_str(const msgpack_object *m, const char *key, char *buf,
		    size_t cap)
{
	size_t kn = strlen(key);

	if (m->type != MSGPACK_OBJECT_MAP)
		return -EINVAL;
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;
		const msgpack_object *v = &m->via.map.ptr[i].val;

		if (k->type != MSGPACK_OBJECT_STR || k->via.str.size != kn ||
		    memcmp(k->via.str.ptr, key, kn) != 0)
			continue;
		if (v->type != MSGPACK_OBJECT_STR || v->via.str.size >= cap ||
		    memchr(v->via.str.ptr, 0, v->via.str.size))
			return -EINVAL;
		memcpy(buf, v->via.str.ptr, v->via.str.size);
		buf[v->via.str.size] = '\0';
		return (int)v->via.str.size;
	}
	return -ENOENT;
}

static const struct svc_ctl_cmd *find_cmd(const struct svc_ctl *c,
					  const char *name)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->cmds[i].name, name) == 0)
			return &c->cmds[i];
	}
	return NULL;
}

/* Run the request in @data through its command, filling @r. */
static void answer(struct svc_ctl *c, const void *data, size_t size,
		   struct svc_ctl_reply *r)
{
	const struct svc_ctl_cmd *k;
	msgpack_unpacked up;
	struct ev_error err;
	char cmd[64];
	size_t off = 0;
	int rc;

	if (!data) {
		svc_ctl_reply_error(r, "malformed request: several frames");
		return;
	}
	if (size > SVC_CTL_REQ_MAX) {
		svc_ctl_reply_error(r, "malformed request: %zu bytes", size);
		return;
	}
	if (ev_msgpack_check(data, size, CTL_DEPTH_MAX, &err) < 0) {
		svc_ctl_reply_error(r, "malformed request: %s", err.msg);
		return;
	}
	msgpack_unpacked_init(&up);
	if (msgpack_unpack_next(&up, data, size, &off) !=
	    MSGPACK_UNPACK_SUCCESS || up.data.type != MSGPACK_OBJECT_MAP) {
		svc_ctl_reply_error(r, "malformed request: not a map");
		goto out;
	}
	if (svc_ctl_map_str(&up.data, "cmd", cmd, sizeof(cmd)) < 0) {
		svc_ctl_reply_error(r, "malformed request: no \"cmd\" string");
		goto out;
	}
	k = find_cmd(c, cmd);
	if (!k) {
		svc_ctl_reply_error(r, "unknown command");
		goto out;
	}
	rc = k->fn(c->user, &up.data, r);
	if (rc < 0 && !r->failed)
		svc_ctl_reply_error(r, "%s", strerror(-rc));
out:
	msgpack_unpacked_destroy(&up);
}

static void send_reply(void *sock, struct svc_ctl_reply *r)
{
	msgpack_sbuffer out;
	msgpack_packer pk;

	msgpack_sbuffer_init(&out);
	msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1 + (r->failed ? 1 : r->n));
	pack_str(&pk, "ok");
	if (r->failed) {
		msgpack_pack_false(&pk);
		pack_str(&pk, "error");
		pack_str(&pk, r->error);
	} else {
		msgpack_pack_true(&pk);
		msgpack_sbuffer_write(&out, r->fields.data, r->fields.size);
	}
	/* The client may be gone; a REP socket then drops the reply. */
	zmq_send(sock, out.data, out.size, ZMQ_DONTWAIT);
	msgpack_sbuffer_destroy(&out);
}

static void drain_parts(void *sock)
{
	zmq_msg_t p;
	int more = 1;

	zmq_msg_init(&p);
	while (more && zmq_msg_recv(&p, sock, ZMQ_DONTWAIT) >= 0)
		more = zmq_msg_more(&p);
	zmq_msg_close(&p);
}

static int handle_one(struct svc_ctl *c)
{
	struct svc_ctl_reply r = { 0 };
	zmq_msg_t m;
	int multi;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, c->sock, ZMQ_DONTWAIT) < 0) {
		int err = errno;

		zmq_msg_close(&m);
		return err == EAGAIN ? 0 : -err;
	}
	/* A REP socket must take the whole request before replying. */
	multi = zmq_msg_more(&m);
	if (multi)
		drain_parts(c->sock);
	msgpack_sbuffer_init(&r.fields);
	msgpack_packer_init(&r.pk, &r.fields, msgpack_sbuffer_write);
	answer(c, multi ? NULL : zmq_msg_data(&m), zmq_msg_size(&m), &r);
	send_reply(c->sock, &r);
	msgpack_sbuffer_destroy(&r.fields);
	zmq_msg_close(&m);
	return 1;
}

int svc_ctl_handle(struct svc_ctl *c)
{
	int n = 0, rc;

	while ((rc = handle_one(c)) > 0)
		n++;
	return rc < 0 && rc != -EINTR ? rc : n;
}

/* Unpack the reply through an unpacker, which keeps its buffer alive for
 * as long as @out refers into it. */
static int unpack_reply(const void *data, size_t size, msgpack_unpacked *out)
{
	msgpack_unpacker unp;
	struct ev_error err;
	int rc = -EBADMSG;

	if (ev_msgpack_check(data, size, CTL_DEPTH_MAX, &err) < 0)
		return -EBADMSG;
	if (!msgpack_unpacker_init(&unp, size + 1))
		return -ENOMEM;
	if (msgpack_unpacker_reserve_buffer(&unp, size)) {
		memcpy(msgpack_unpacker_buffer(&unp), data, size);
		msgpack_unpacker_buffer_consumed(&unp, size);
		if (msgpack_unpacker_next(&unp, out) == MSGPACK_UNPACK_SUCCESS)
			rc = 0;
	}
	msgpack_unpacker_destroy(&unp);
	return rc;
}

static int exchange(void *sock, const char *endpoint, const void *req,
		    size_t len, int timeout_ms, msgpack_unpacked *out)
{
	zmq_pollitem_t it = { .socket = sock, .events = ZMQ_POLLIN };
	int linger = 0, rc;
	zmq_msg_t m;

	if (zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_connect(sock, endpoint) < 0 ||
	    zmq_send(sock, req, len, ZMQ_DONTWAIT) < 0)
		return -errno;
	rc = zmq_poll(&it, 1, timeout_ms);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0)
		rc = -errno;
	else
		rc = unpack_reply(zmq_msg_data(&m), zmq_msg_size(&m), out);
	zmq_msg_close(&m);
	return rc;
}

int svc_ctl_call(void *zctx, const char *endpoint, const void *req,
		 size_t len, int timeout_ms, msgpack_unpacked *out)
{
	void *ctx = zctx ? zctx : ev_zctx_get();
	void *sock;
	int rc;

	if (!ctx)
		return -ENOMEM;
	sock = zmq_socket(ctx, ZMQ_REQ);
	rc = sock ? exchange(sock, endpoint, req, len, timeout_ms, out)
		  : -errno;
	if (sock)
		zmq_close(sock);
	if (!zctx)
		ev_zctx_put();
	return rc;
}

int svc_ctl_call_cmd(void *zctx, const char *endpoint, const char *cmd,
		     int timeout_ms, msgpack_unpacked *out)
{
	msgpack_sbuffer b;
	msgpack_packer pk;
	int rc;

	msgpack_sbuffer_init(&b);
	msgpack_packer_init(&pk, &b, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	pack_str(&pk, "cmd");
	pack_str(&pk, cmd);
	rc = svc_ctl_call(zctx, endpoint, b.data, b.size, timeout_ms, out);
	msgpack_sbuffer_destroy(&b);
	return rc;
}

static void json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_hex(FILE *f, const char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)p[i]);
	fputc('"', f);
}

static void json_container(FILE *f, const msgpack_object *o)
{
	int map = o->type == MSGPACK_OBJECT_MAP;
	uint32_t n = map ? o->via.map.size : o->via.array.size;

	fputc(map ? '{' : '[', f);
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *k = map ? &o->via.map.ptr[i].key : NULL;

		if (i)
			fputc(',', f);
		if (k && k->type == MSGPACK_OBJECT_STR)
			json_str(f, k->via.str.ptr, k->via.str.size);
		else if (k)
			fputs("\"?\"", f);   /* JSON keys are strings */
		if (k)
			fputc(':', f);
		svc_ctl_print_json(f, map ? &o->via.map.ptr[i].val :
				   &o->via.array.ptr[i]);
	}
	fputc(map ? '}' : ']', f);
}

void svc_ctl_print_json(FILE *f, const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		fputs("null", f);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		fputs(o->via.boolean ? "true" : "false", f);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		fprintf(f, "%llu", (unsigned long long)o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		fprintf(f, "%lld", (long long)o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		fprintf(f, "%.17g", o->via.f64);
		break;
	case MSGPACK_OBJECT_STR:
		json_str(f, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		json_hex(f, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_EXT:
		fprintf(f, "{\"ext\":%d,\"data\":", o->via.ext.type);
		json_hex(f, o->via.ext.ptr, o->via.ext.size);
		fputc('}', f);
		break;
	case MSGPACK_OBJECT_ARRAY:
	case MSGPACK_OBJECT_MAP:
		json_container(f, o);
		break;
	}
}
