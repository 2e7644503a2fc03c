/* SPDX-License-Identifier: MIT */
/*
 * tessera-mmu: owner of one VM's shared regions (guest RAM, hart states,
 * irqchip, MMIO rings, devstate; mmu/vm.h). It creates them, parks their
 * fds in the supervisor's fd store (FDSTORE=1) so that a restarted mmu
 * adopts them from LISTEN_FDS instead of wiping guest memory, and hands
 * them out on <runtime dir>/mmu.sock (SOCK_SEQPACKET, 0600) from its one
 * epoll loop. Events: memory.allocated per region (announced once the
 * first subscriber shows up, since nobody could see them earlier),
 * memory.mapped per region handed out, memory.freed at exit. Control:
 * status and stop on mmu.ctl. READY=1 once listening; watchdog pings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "broker/pub.h"
#include "mmu/memmap.h"
#include "mmu/vm.h"
#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/log.h"
#include "services/lib/loop.h"
#include "services/lib/notify.h"
#include "services/lib/runtime.h"

struct mmud {
	struct mmu_vm *vm;
	struct ev_pub *pub;
	struct svc_ctl *ctl;
	struct svc_loop *loop;
	int listen_fd;
	int adopted;              /* regions came back from the fd store */
	int announced;            /* memory.allocated sent */
	uint64_t served, refused;
	struct timespec started;
	char sock[SVC_PATH_MAX];
};

/* Guest physical base of a region: only RAM is mapped into the guest. */
static uint64_t region_addr(const struct mmu_vm_region *d)
{
	return d->kind == MMU_VM_RAM ? mmu_memmap[MMU_MEM_RAM].base : 0;
}

/* memory.allocated for every region, once someone listens. */
static void announce(struct mmud *m)
{
	if (m->announced || !ev_pub_wants(m->pub, EV_TOPIC_MEMORY_ALLOCATED))
		return;
	for (unsigned i = 0; i < m->vm->n; i++)
		ev_emit_memory_allocated(m->pub, region_addr(&m->vm->desc[i]),
					 m->vm->desc[i].size,
					 m->vm->desc[i].name);
	m->announced = 1;
}

static int on_pub(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct mmud *m = user;
	int rc;

	(void)l, (void)fd, (void)events;
	rc = ev_pub_poll(m->pub);
	if (rc < 0)
		svc_log(SVC_LOG_WARNING, "event publisher: %s", strerror(-rc));
	announce(m);
	return 0;
}

/*
 * memory.mapped for what the client just received. mmu_vm_serve_one does
 * not say who it served; a vcpu is recognised by the hart binding it
 * changed, any other client gets the devmgr/supervisor view.
 */
static void emit_mapped(struct mmud *m, const int *before)
{
	int hart = -1;
	char by[32];

	for (unsigned h = 0; h < m->vm->cfg.nharts; h++)
		if (m->vm->hart_pid[h] != before[h])
			hart = (int)h;
	if (hart >= 0)
		snprintf(by, sizeof(by), "vcpu%d", hart);
	else
		snprintf(by, sizeof(by), "devmgr-or-supervisor");
	for (unsigned i = 0; i < m->vm->n; i++) {
		const struct mmu_vm_region *d = &m->vm->desc[i];
		int ok = hart >= 0 ? (d->roles & MMU_ROLE_VCPU) &&
				     (d->hart < 0 || d->hart == hart)
				   : (d->roles & MMU_ROLE_DEVMGR) != 0;

		if (ok)
			ev_emit_memory_mapped(m->pub, region_addr(d), d->size,
					      d->name, by);
	}
}

static int on_listen(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct mmud *m = user;
	int before[VCPU_MAX_HARTS];
	int rc;

	(void)l, (void)events;
	memcpy(before, m->vm->hart_pid, sizeof(before));
	rc = mmu_vm_serve_one(m->vm, fd);
	if (rc < 0) {
		m->refused++;
		svc_log(SVC_LOG_WARNING, "attach request refused: %s",
			strerror(-rc));
		return 0;
	}
	m->served++;
	emit_mapped(m, before);
	return 0;
}

static int on_ctl(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct mmud *m = user;
	int rc;

	(void)l, (void)fd, (void)events;
	rc = svc_ctl_handle(m->ctl);
	return rc < 0 ? rc : 0;
}

static int cmd_status(void *user, const msgpack_object *req,
		      struct svc_ctl_reply *r)
{
	struct mmud *m = user;
	struct timespec now;
	char key[SHM_NAME_MAX + 8];

	(void)req;
	clock_gettime(CLOCK_MONOTONIC, &now);
	svc_ctl_reply_i64(r, "pid", (int64_t)getpid());
	svc_ctl_reply_u64(r, "uptime_ms",
			  (uint64_t)((now.tv_sec - m->started.tv_sec) * 1000 +
				     (now.tv_nsec - m->started.tv_nsec) /
				     1000000));
	svc_ctl_reply_u64(r, "harts", m->vm->cfg.nharts);
	svc_ctl_reply_u64(r, "ram_size", m->vm->cfg.ram_size);
	svc_ctl_reply_bool(r, "adopted", m->adopted);
	svc_ctl_reply_u64(r, "clients_served", m->served);
	svc_ctl_reply_u64(r, "clients_refused", m->refused);
	svc_ctl_reply_u64(r, "regions", m->vm->n);
	for (unsigned i = 0; i < m->vm->n; i++) {
		snprintf(key, sizeof(key), "size.%s", m->vm->desc[i].name);
		svc_ctl_reply_u64(r, key, m->vm->desc[i].size);
	}
	return 0;
}

static int cmd_stop(void *user, const msgpack_object *req,
		    struct svc_ctl_reply *r)
{
	struct mmud *m = user;

	(void)req, (void)r;
	svc_loop_stop(m->loop);
	return 0;
}

static const struct svc_ctl_cmd mmu_cmds[] = {
	{ "status", cmd_status },
	{ "stop", cmd_stop },
};

/* The stored fd named @name among @n fds from LISTEN_FDS, or -1. */
static int stored_fd(char **names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names && names[i] && !strcmp(names[i], name))
			return SD_LISTEN_FDS_START + i;
	return -1;
}

/*
 * Rebuild the VM from the fds the supervisor kept for our predecessor:
 * every region of the layout must be there, with its exact size.
 */
static struct mmu_vm *vm_adopt(const struct mmu_vm_config *cfg, char **names,
			       int n)
{
	struct mmu_vm *vm = calloc(1, sizeof(*vm));
	int err;

	if (!vm)
		return NULL;
	err = mmu_vm_layout(vm, cfg);
	for (unsigned i = 0; err >= 0 && i < vm->n; i++) {
		int fd = stored_fd(names, n, vm->desc[i].name);

		if (fd < 0) {
			svc_log(SVC_LOG_ERR, "fd store lacks region %s",
				vm->desc[i].name);
			err = -ENOENT;
			break;
		}
		vm->r[i] = shm_region_adopt(fd, vm->desc[i].name,
					    vm->desc[i].size);
		if (!vm->r[i]) {
			err = -errno;
			svc_log(SVC_LOG_ERR, "stored region %s: %s",
				vm->desc[i].name, strerror(errno));
			break;
		}
		vm->r[i]->kind = vm->desc[i].kind;
		vm->r[i]->flags = vm->desc[i].kind == MMU_VM_RAM ?
				  SHM_REGION_HUGE : 0;
		err = shm_region_map(vm->r[i]);
	}
	if (err < 0) {
		mmu_vm_destroy(&vm);
		errno = -err;
	}
	return vm;
}

/* Close the stored fds vm_adopt did not take. */
static void close_unused(struct mmu_vm *vm, int n)
{
	for (int i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i, used = 0;

		for (unsigned j = 0; vm && j < vm->n; j++)
			used |= vm->r[j] && vm->r[j]->fd == fd;
		if (!used)
			close(fd);
	}
}

/* Adopt stored regions when there are any, else create and store them. */
static int vm_open(struct mmud *m, const struct mmu_vm_config *cfg)
{
	char **names = NULL;
	int n = sd_listen_fds_with_names(1, &names);

	if (n > 0) {
		m->vm = vm_adopt(cfg, names, n);
		close_unused(m->vm, n);
		m->adopted = m->vm != NULL;
	} else {
		m->vm = mmu_vm_create(cfg);
	}
	for (int i = 0; names && i < (n > 0 ? n : 0); i++)
		free(names[i]);
	free(names);
	if (!m->vm)
		return -errno;
	for (unsigned i = 0; !m->adopted && i < m->vm->n; i++) {
		int rc = svc_notify_fdstore(m->vm->desc[i].name,
					    &m->vm->r[i]->fd, 1);

		if (rc < 0)
			svc_log(SVC_LOG_WARNING, "FDSTORE %s: %s",
				m->vm->desc[i].name, strerror(-rc));
	}
	return 0;
}

/* The attach socket: SOCK_SEQPACKET at @path, mode 0600. */
static int listen_open(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Socket, control endpoint and publisher, all registered with the loop. */
static int mmud_open(struct mmud *m, const char *dir, const char *vm)
{
	char in[SVC_PATH_MAX + 8], ctl[SVC_PATH_MAX + 8];
	int rc;

	if ((rc = svc_endpoint(dir, SVC_EP_EVENTS_IN, in, sizeof(in))) < 0 ||
	    (rc = svc_ctl_endpoint(dir, "mmu", ctl, sizeof(ctl))) < 0)
		return rc;
	if ((size_t)snprintf(m->sock, sizeof(m->sock), "%s/mmu.sock", dir) >=
	    sizeof(m->sock))
		return -ENAMETOOLONG;
	m->pub = ev_pub_new(in, vm, "mmu");
	if (!m->pub)
		return -errno;
	m->ctl = svc_ctl_new(NULL, ctl, mmu_cmds,
			     sizeof(mmu_cmds) / sizeof(mmu_cmds[0]), m);
	if (!m->ctl) {
		rc = -errno;
		svc_log(SVC_LOG_ERR, "cannot bind %s: %s", ctl, strerror(-rc));
		return rc;
	}
	m->listen_fd = listen_open(m->sock);
	if (m->listen_fd < 0) {
		svc_log(SVC_LOG_ERR, "cannot listen on %s: %s", m->sock,
			strerror(-m->listen_fd));
		return m->listen_fd;
	}
	if ((rc = ev_pub_fd(m->pub)) < 0 ||
	    (rc = svc_loop_add_zmq(m->loop, rc, on_pub, m)) < 0 ||
	    (rc = svc_loop_add_zmq(m->loop, svc_ctl_fd(m->ctl), on_ctl, m)) < 0)
		return rc;
	return svc_loop_add_fd(m->loop, m->listen_fd, EPOLLIN, on_listen, m);
}

/* memory.freed for every region; the memory itself lives on in the
 * fd store and in the processes that mapped it. */
static void announce_freed(struct mmud *m)
{
	for (unsigned i = 0; m->pub && m->vm && i < m->vm->n; i++)
		ev_emit_memory_freed(m->pub, region_addr(&m->vm->desc[i]),
				     m->vm->desc[i].size, m->vm->desc[i].name);
}

static void mmud_close(struct mmud *m)
{
	if (m->listen_fd >= 0) {
		close(m->listen_fd);
		unlink(m->sock);
	}
	svc_ctl_destroy(&m->ctl);
	ev_pub_destroy(&m->pub);
	mmu_vm_destroy(&m->vm);
	svc_loop_destroy(&m->loop);
}

static int mmu_main(const char *vm, const char *dir_override,
		    const struct mmu_vm_config *cfg)
{
	struct mmud m = { .listen_fd = -1 };
	char dir[SVC_PATH_MAX];
	pid_t holder = 0;
	int lock, rc;

	clock_gettime(CLOCK_MONOTONIC, &m.started);
	rc = svc_runtime_dir(vm, dir_override, 1, dir, sizeof(dir));
	if (rc < 0) {
		svc_log(SVC_LOG_ERR, "runtime directory: %s", strerror(-rc));
		return rc;
	}
	lock = svc_lock(dir, "mmu.lock", &holder);
	if (lock < 0) {
		svc_log(SVC_LOG_ERR, "mmu lock in %s: %s (holder pid %d)", dir,
			strerror(-lock), (int)holder);
		return lock;
	}
	m.loop = svc_loop_new();
	if (!m.loop) {
		rc = -errno;
		goto out_unlock;
	}
	rc = vm_open(&m, cfg);
	if (rc < 0) {
		svc_log(SVC_LOG_ERR, "cannot build the VM's regions: %s",
			strerror(-rc));
		goto out_close;
	}
	rc = mmud_open(&m, dir, vm);
	if (rc < 0)
		goto out_close;
	svc_loop_watchdog(m.loop);
	svc_notify_ready(m.adopted ? "serving adopted regions" :
			 "serving new regions");
	svc_log(SVC_LOG_INFO, "serving VM '%s' (%u regions, %s) on %s", vm,
		m.vm->n, m.adopted ? "adopted" : "created", m.sock);
	rc = svc_loop_run(m.loop);
	svc_notify_stopping();
	announce_freed(&m);
out_close:
	mmud_close(&m);
out_unlock:
	close(lock);
	return rc;
}

int main(int argc, char **argv)
{
	struct svc_common c = { 0 };
	long ram_mib = (long)(MMU_RAM_DEFAULT_SIZE >> 20), harts = 1;
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&c),
		{ "ram", 0, SVC_FLAG_INT, &ram_mib, "MiB",
		  "guest RAM size in MiB (default 256)" },
		{ "harts", 0, SVC_FLAG_INT, &harts, "N",
		  "number of harts (default 1)" },
	};
	size_t nflags = sizeof(flags) / sizeof(flags[0]);
	struct mmu_vm_config cfg = { 0 };
	int first = 0, rc;

	rc = svc_flags_parse(flags, nflags, argc, argv, &first);
	if (rc == 1) {
		svc_flags_usage(stdout, argv[0], "[OPTIONS]", flags, nflags);
		return 0;
	}
	if (rc < 0 || first < argc || ram_mib < 1 ||
	    (uint64_t)ram_mib > (MMU_RAM_MAX_SIZE >> 20) || harts < 1 ||
	    harts > VCPU_MAX_HARTS || svc_common_setup(&c, "tessera-mmu") < 0) {
		svc_flags_usage(stderr, argv[0], "[OPTIONS]", flags, nflags);
		return 2;
	}
	cfg.ram_size = (uint64_t)ram_mib << 20;
	cfg.nharts = (unsigned)harts;
	cfg.reset_pc = mmu_memmap[MMU_MEM_BOOTROM].base;
	rc = mmu_main(c.vm, c.runtime_dir, &cfg);
	return rc < 0 ? 1 : 0;
}
