/* SPDX-License-Identifier: MIT */
/*
 * `tessera status [--vm NAME]`: ask each component of the VM for its
 * status over the control plane and print one line per component,
 * "<component>: <reply as JSON>", or "<component>: not answering".
 * Exit status 1 when a component does not answer. Components are listed
 * in one table; a new service adds its name there.
 */
#include "services/lib/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/runtime.h"

static const char *const components[] = { "broker" };

static int ask(const char *dir, const char *component, long timeout_ms)
{
	char ep[SVC_PATH_MAX + 8];
	msgpack_unpacked reply;
	int rc = svc_ctl_endpoint(dir, component, ep, sizeof(ep));

	msgpack_unpacked_init(&reply);
	if (rc == 0)
		rc = svc_ctl_call_cmd(NULL, ep, "status", (int)timeout_ms,
				      &reply);
	printf("%s: ", component);
	if (rc == 0)
		svc_ctl_print_json(stdout, &reply.data);
	else
		printf("not answering (%s)", rc == -ETIMEDOUT ? "timed out" :
		       strerror(-rc));
	putchar('\n');
	msgpack_unpacked_destroy(&reply);
	return rc;
}

int svc_cli_status(int argc, char **argv)
{
	struct svc_common c = { 0 };
	long timeout_ms = 2000;
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&c),
		{ "timeout", 0, SVC_FLAG_INT, &timeout_ms, "MS",
		  "wait this long for each component (default 2000)" },
	};
	size_t nf = sizeof(flags) / sizeof(flags[0]);
	char dir[SVC_PATH_MAX];
	int first, rc, failed = 0;

	rc = svc_flags_parse(flags, nf, argc, argv, &first);
	if (rc != 0 || first < argc) {
		if (rc == 0)
			fprintf(stderr, "%s: unexpected argument '%s'\n",
				argv[0], argv[first]);
		svc_flags_usage(rc == 1 ? stdout : stderr, argv[0], "[FLAGS]",
				flags, nf);
		return rc == 1 ? SVC_EXIT_OK : SVC_EXIT_USAGE;
	}
	if (svc_common_setup(&c, "tessera status") < 0)
		return SVC_EXIT_USAGE;
	rc = svc_runtime_dir(c.vm, c.runtime_dir, 0, dir, sizeof(dir));
	if (rc < 0) {
		fprintf(stderr, "%s: runtime directory: %s\n", argv[0],
			strerror(-rc));
		return SVC_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++)
		failed |= ask(dir, components[i], timeout_ms) < 0;
	fflush(stdout);
	return failed ? SVC_EXIT_FAIL : SVC_EXIT_OK;
}
