/* SPDX-License-Identifier: MIT */
/*
 * The `tessera` command line: one table of subcommands, each implemented
 * in services/lib (cli.h). `tessera` with an unknown command says so,
 * prints the usage and exits 2.
 */
#include <stdio.h>
#include <string.h>

#include "services/lib/cli.h"

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cli_cmd cmds[] = {
	{ "events", svc_cli_events, "print the VM's domain events as they happen" },
	{ "status", svc_cli_status, "show the state of the VM's components" },
	{ "ctl", svc_cli_ctl, "send a control request to one component" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tessera COMMAND [FLAGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'tessera COMMAND --help' describes a command's flags.\n");
}

int main(int argc, char **argv)
{
	char prog[64];

	if (argc < 2) {
		usage(stderr);
		return SVC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return SVC_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		/* Messages then read "tessera events: ...". */
		snprintf(prog, sizeof(prog), "tessera %s", cmds[i].name);
		argv[1] = prog;
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "tessera: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return SVC_EXIT_USAGE;
}
