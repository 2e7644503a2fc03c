/* SPDX-License-Identifier: MIT */
/*
 * Runtime directory, endpoint names and the instance lock (see
 * runtime.h).
 */
#include "services/lib/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int svc_vm_name_valid(const char *vm)
{
	size_t n = vm ? strnlen(vm, SVC_VM_NAME_MAX) : 0;

	if (n == 0 || n == SVC_VM_NAME_MAX || vm[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = vm[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* mkdir 0700; an existing one must be a real directory, and when @strict
 * (shared /tmp) ours and closed to others. */
static int make_dir(const char *path, int strict)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (strict && (st.st_uid != getuid() || (st.st_mode & 0022)))
		return -EPERM;
	return 0;
}

static int fmt(char *buf, size_t cap, const char *f, const char *a,
	       const char *b)
{
	int n = snprintf(buf, cap, f, a, b);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Two levels under @base: base/<mid>/<vm>, both made 0700 when asked. */
static int nested(const char *base, const char *mid, const char *vm,
		  int create, int strict, char *buf, size_t cap)
{
	char parent[256];
	int rc = fmt(parent, sizeof(parent), "%s/%s", base, mid);

	if (rc == 0 && create)
		rc = make_dir(parent, strict);
	if (rc == 0)
		rc = fmt(buf, cap, "%s/%s", parent, vm);
	if (rc == 0 && create)
		rc = make_dir(buf, strict);
	return rc;
}

int svc_runtime_dir(const char *vm, const char *override, int create,
		    char *buf, size_t cap)
{
	const char *env;
	char uid_dir[32];

	if (!svc_vm_name_valid(vm))
		return -EINVAL;
	env = override ? override : getenv("RUNTIME_DIRECTORY");
	if (env && *env) {
		/* systemd separates several RuntimeDirectory= with ':'. */
		size_t n = override ? strlen(env) : strcspn(env, ":");

		if (n >= cap)
			return -ENAMETOOLONG;
		memcpy(buf, env, n);
		buf[n] = '\0';
		return create ? make_dir(buf, 0) : 0;
	}
	env = getenv("XDG_RUNTIME_DIR");
	if (env && *env)
		return nested(env, "tessera", vm, create, 0, buf, cap);
	if (geteuid() == 0)
		return nested("/run", "tessera", vm, create, 0, buf, cap);
	snprintf(uid_dir, sizeof(uid_dir), "tessera-%u", (unsigned)getuid());
	return nested("/tmp", uid_dir, vm, create, 1, buf, cap);
}

int svc_endpoint(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[SVC_PATH_MAX];
	int rc = fmt(path, sizeof(path), "%s/%s", dir, name);

	if (rc < 0)
		return rc;
	rc = snprintf(buf, cap, "ipc://%s", path);
	return rc < 0 || (size_t)rc >= cap ? -ENAMETOOLONG : 0;
}

int svc_ctl_endpoint(const char *dir, const char *component, char *buf,
		     size_t cap)
{
	char name[SVC_VM_NAME_MAX + 8];
	int rc = fmt(name, sizeof(name), "%s%s", component,
		     SVC_EP_CTL_SUFFIX);

	return rc < 0 ? rc : svc_endpoint(dir, name, buf, cap);
}

static pid_t read_holder(int fd)
{
	char b[32] = { 0 };
	long pid;

	if (pread(fd, b, sizeof(b) - 1, 0) <= 0)
		return 0;
	pid = strtol(b, NULL, 10);
	return pid > 0 ? (pid_t)pid : 0;
}

int svc_lock(const char *dir, const char *name, pid_t *holder)
{
	char path[512], pid[32];
	int fd, rc, n;

	rc = fmt(path, sizeof(path), "%s/%s", dir, name);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (holder)
			*holder = rc == -EBUSY ? read_holder(fd) : 0;
		goto err_close;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		rc = -errno;
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return rc;
}
