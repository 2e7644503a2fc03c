/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl [--vm NAME] COMPONENT CMD`: send {"cmd": CMD} to the
 * control endpoint of COMPONENT ("broker", "mmu", "vcpu0"...) and print
 * the reply as JSON. Exit status 0 when the reply says "ok": true.
 * --request-hex sends arbitrary bytes instead, for debugging services.
 */
#include "services/lib/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/runtime.h"

struct ctl_args {
	struct svc_common common;
	const char *endpoint;
	const char *hex;
	long timeout_ms;
};

/* Decode @hex into a new buffer; *@len its size. NULL when malformed. */
static unsigned char *from_hex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	unsigned char *b;
	unsigned v;

	if (n % 2)
		return NULL;
	b = malloc(n / 2 + 1);
	for (size_t i = 0; b && i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			free(b);
			return NULL;
		}
		b[i] = (unsigned char)v;
	}
	*len = n / 2;
	return b;
}

static int reply_ok(const msgpack_object *o)
{
	for (uint32_t i = 0; o->type == MSGPACK_OBJECT_MAP &&
	     i < o->via.map.size; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;
		const msgpack_object *v = &o->via.map.ptr[i].val;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == 2 &&
		    memcmp(k->via.str.ptr, "ok", 2) == 0)
			return v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
	}
	return 0;
}

static int call(const struct ctl_args *a, const char *ep, const char *cmd,
		msgpack_unpacked *out)
{
	unsigned char *raw;
	size_t len;
	int rc;

	if (!a->hex)
		return svc_ctl_call_cmd(NULL, ep, cmd, (int)a->timeout_ms, out);
	raw = from_hex(a->hex, &len);
	if (!raw)
		return -EINVAL;
	rc = svc_ctl_call(NULL, ep, raw, len, (int)a->timeout_ms, out);
	free(raw);
	return rc;
}

static int run(const struct ctl_args *a, const char *component,
	       const char *cmd)
{
	char dir[SVC_PATH_MAX], ep[SVC_PATH_MAX + 8];
	const char *endpoint = a->endpoint;
	msgpack_unpacked out;
	int rc = 0;

	if (!endpoint) {
		rc = svc_runtime_dir(a->common.vm, a->common.runtime_dir, 0,
				     dir, sizeof(dir));
		if (rc == 0)
			rc = svc_ctl_endpoint(dir, component, ep, sizeof(ep));
		endpoint = ep;
	}
	msgpack_unpacked_init(&out);
	if (rc == 0)
		rc = call(a, endpoint, cmd, &out);
	if (rc == -ETIMEDOUT)
		fprintf(stderr, "tessera ctl: no answer from %s within %ld ms\n",
			component, a->timeout_ms);
	else if (rc < 0)
		fprintf(stderr, "tessera ctl: %s: %s\n", component,
			strerror(-rc));
	if (rc == 0) {
		svc_ctl_print_json(stdout, &out.data);
		putchar('\n');
		rc = reply_ok(&out.data) ? 0 : -EPROTO;
	}
	msgpack_unpacked_destroy(&out);
	return rc;
}

int svc_cli_ctl(int argc, char **argv)
{
	struct ctl_args a = { .timeout_ms = 2000 };
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&a.common),
		{ "endpoint", 0, SVC_FLAG_STR, &a.endpoint, "EP",
		  "control endpoint to use instead of COMPONENT's" },
		{ "timeout", 0, SVC_FLAG_INT, &a.timeout_ms, "MS",
		  "wait this long for the reply (default 2000)" },
		{ "request-hex", 0, SVC_FLAG_STR, &a.hex, "HEX",
		  "send these raw bytes as the request (debugging)" },
	};
	size_t nf = sizeof(flags) / sizeof(flags[0]);
	int first, rc;

	rc = svc_flags_parse(flags, nf, argc, argv, &first);
	if (rc == 0 && argc - first != 2 && !(a.hex && argc - first >= 1))
		rc = -EINVAL;
	if (rc != 0) {
		if (rc == -EINVAL && argc - first != 2)
			fprintf(stderr, "%s: want COMPONENT and CMD\n", argv[0]);
		svc_flags_usage(rc == 1 ? stdout : stderr, argv[0],
				"[FLAGS] COMPONENT CMD", flags, nf);
		return rc == 1 ? SVC_EXIT_OK : SVC_EXIT_USAGE;
	}
	if (svc_common_setup(&a.common, "tessera ctl") < 0)
		return SVC_EXIT_USAGE;
	rc = run(&a, argv[first], first + 1 < argc ? argv[first + 1] : "");
	return rc < 0 ? SVC_EXIT_FAIL : SVC_EXIT_OK;
}
