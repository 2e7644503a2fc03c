/* SPDX-License-Identifier: MIT */
/*
 * Where a VM's sockets live, and the lock that makes a VM name unique on
 * a host. Every endpoint of every service is derived here, in one place.
 *
 * The runtime directory of VM <vm> is, first match wins:
 *   --runtime-dir DIR (the override argument)
 *   $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=, first entry)
 *   $XDG_RUNTIME_DIR/tessera/<vm>
 *   /run/tessera/<vm> for root, /tmp/tessera-<uid>/<vm> otherwise
 * Directories created here get mode 0700; under /tmp, an existing
 * directory must belong to us and not be writable by others.
 */
#ifndef TESSERA_SVC_RUNTIME_H
#define TESSERA_SVC_RUNTIME_H

#include <stddef.h>
#include <sys/types.h>

#define SVC_VM_DEFAULT  "default"
#define SVC_VM_NAME_MAX 64          /* bytes, NUL included */
#define SVC_PATH_MAX    108         /* an ipc:// path must fit sun_path */

/* Endpoint names in the runtime directory. */
#define SVC_EP_EVENTS_IN   "events-in"    /* broker XSUB: publishers */
#define SVC_EP_EVENTS_OUT  "events-out"   /* broker XPUB: subscribers */
#define SVC_EP_CTL_SUFFIX  ".ctl"         /* "<component>.ctl": REP */

/*
 * svc_vm_name_valid - 1 when @vm is 1..SVC_VM_NAME_MAX-1 characters of
 * [A-Za-z0-9._-], not starting with a dot; else 0.
 */
int svc_vm_name_valid(const char *vm);

/*
 * svc_runtime_dir - resolve the runtime directory of VM @vm into @buf
 * (@cap bytes) following the rules above, honouring @override unless
 * NULL; create it (mode 0700) when @create. Returns 0, -EINVAL for a bad
 * VM name, -ENAMETOOLONG, -EPERM for an unsafe /tmp directory, or -errno.
 */
int svc_runtime_dir(const char *vm, const char *override, int create,
		    char *buf, size_t cap);

/*
 * svc_endpoint - "ipc://<dir>/<name>" into @buf. Returns 0, or
 * -ENAMETOOLONG when the socket path would not fit a sun_path.
 */
int svc_endpoint(const char *dir, const char *name, char *buf, size_t cap);

/*
 * svc_ctl_endpoint - the control endpoint of @component ("broker",
 * "mmu", "vcpu0") in @dir: "ipc://<dir>/<component>.ctl".
 */
int svc_ctl_endpoint(const char *dir, const char *component, char *buf,
		     size_t cap);

/*
 * svc_lock - take the exclusive lock file @name in @dir (created 0600),
 * recording our pid in it. Returns the lock's fd (keep it open for the
 * life of the process; it closes on exec), -EBUSY when another process
 * holds it (its pid in *@holder unless NULL or unknown: 0), or -errno.
 */
int svc_lock(const char *dir, const char *name, pid_t *holder);

#endif
