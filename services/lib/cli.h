/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of the `tessera` CLI. Each takes its own argv (argv[0] is
 * "tessera <name>") and returns the process exit status: 0 success, 1
 * failure, 2 usage error. services/tessera.c lists them in its table; a
 * new subcommand is a function here and one line there.
 */
#ifndef TESSERA_SVC_CLI_H
#define TESSERA_SVC_CLI_H

#define SVC_EXIT_OK    0
#define SVC_EXIT_FAIL  1
#define SVC_EXIT_USAGE 2

/* tessera events: print the VM's domain events (cli_events.c). */
int svc_cli_events(int argc, char **argv);

/* tessera ctl: send one control request to a component (cli_ctl.c). */
int svc_cli_ctl(int argc, char **argv);

/* tessera status: each component's status reply (cli_status.c). */
int svc_cli_status(int argc, char **argv);

#endif
