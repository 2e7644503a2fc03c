/* SPDX-License-Identifier: MIT */
/*
 * tessera-devmgr: the device process of one VM. It attaches to
 * tessera-mmu as role "devmgr", builds the device bus over the shared
 * devstate region (a fresh bus with uart0, the test finisher, the rtc and
 * one virtio-blk per --disk when the slot table is empty; otherwise it
 * resumes every recorded device, so a restarted devmgr picks up exactly
 * where its predecessor died) and serves every hart's MMIO rings
 * (devmgr/server.h). Control on devmgr.ctl: status (devices from the slot
 * table), device.add {path} (virtio-blk hot-plug), device.remove {id},
 * stop. Power requests from the finisher are logged, sent as STATUS= to
 * the manager and shown by status, for the supervisor to act on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/pub.h"
#include "devmgr/bus.h"
#include "devmgr/devices.h"
#include "devmgr/server.h"
#include "mmu/memmap.h"
#include "mmu/vm.h"
#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/log.h"
#include "services/lib/loop.h"
#include "services/lib/notify.h"
#include "services/lib/runtime.h"

struct devmgrd {
	struct mmu_vm_attached a;
	int attached;
	struct dev_env env;
	struct dev_bus *bus;
	struct dev_server *srv;
	struct ev_pub *pub;
	struct svc_ctl *ctl;
	struct svc_loop *loop;
	int fresh;
	int console_fl;           /* stdin flags to restore, -1: untouched */
	/* Written by the server threads (finisher), read by the loop. */
	volatile int power_kind;  /* -1: none yet */
	volatile int power_code;
	struct timespec started;
};

static const char *power_name(int kind)
{
	switch (kind) {
	case DEV_POWER_OFF: return "poweroff";
	case DEV_POWER_FAIL: return "fail";
	case DEV_POWER_RESET: return "reset";
	default: return "none";
	}
}

/*
 * The finisher's request, on a server thread: recorded for status and
 * passed to the manager; stopping or resetting the VM is the
 * supervisor's call, not ours.
 */
static void on_power(void *opaque, int kind, int code)
{
	struct devmgrd *d = opaque;

	d->power_code = code;
	d->power_kind = kind;
	svc_log(SVC_LOG_NOTICE, "guest requested %s (code %d)",
		power_name(kind), code);
	svc_notify_status("guest requested %s (code %d)", power_name(kind),
			  code);
}

static int on_ctl(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct devmgrd *d = user;
	int rc;

	(void)l, (void)fd, (void)events;
	rc = svc_ctl_handle(d->ctl);
	return rc < 0 ? rc : 0;
}

/* Devices as the shared slot table records them: "dev.<id>": "<kind>". */
static void reply_devices(struct devmgrd *d, struct svc_ctl_reply *r)
{
	const struct mmu_devstate *ds = d->a.devstate;
	char key[48], kind[sizeof(ds->slot[0].kind) + 1];

	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++) {
		const struct mmu_devstate_slot *s = &ds->slot[i];

		if (!s->used)
			continue;
		snprintf(key, sizeof(key), "dev.%.*s", (int)sizeof(s->id),
			 s->id);
		snprintf(kind, sizeof(kind), "%.*s", (int)sizeof(s->kind),
			 s->kind);
		svc_ctl_reply_str(r, key, kind);
	}
}

static int cmd_status(void *user, const msgpack_object *req,
		      struct svc_ctl_reply *r)
{
	struct devmgrd *d = user;
	struct timespec now;

	(void)req;
	clock_gettime(CLOCK_MONOTONIC, &now);
	svc_ctl_reply_i64(r, "pid", (int64_t)getpid());
	svc_ctl_reply_u64(r, "uptime_ms",
			  (uint64_t)((now.tv_sec - d->started.tv_sec) * 1000 +
				     (now.tv_nsec - d->started.tv_nsec) /
				     1000000));
	svc_ctl_reply_bool(r, "resumed", !d->fresh);
	svc_ctl_reply_u64(r, "harts", d->a.nharts);
	svc_ctl_reply_u64(r, "devices", dev_bus_count(d->bus));
	svc_ctl_reply_u64(r, "lost", dev_bus_lost(d->bus));
	svc_ctl_reply_u64(r, "mmio_served", dev_server_served(d->srv));
	svc_ctl_reply_str(r, "power_request", power_name(d->power_kind));
	svc_ctl_reply_i64(r, "power_code", d->power_code);
	reply_devices(d, r);
	return 0;
}

static int cmd_add(void *user, const msgpack_object *req,
		   struct svc_ctl_reply *r)
{
	struct devmgrd *d = user;
	char path[256], args[300];
	int rc;

	if (svc_ctl_map_str(req, "path", path, sizeof(path)) <= 0)
		return svc_ctl_reply_error(r, "want a \"path\" string");
	snprintf(args, sizeof(args), "path=%s", path);
	rc = dev_bus_hotplug_blk(d->bus, args);
	if (rc < 0)
		return svc_ctl_reply_error(r, "cannot add %s: %s", path,
					   strerror(-rc));
	svc_log(SVC_LOG_INFO, "hot-plugged %s in virtio slot %d", path, rc);
	svc_ctl_reply_i64(r, "virtio_slot", rc);
	return 0;
}

static int cmd_remove(void *user, const msgpack_object *req,
		      struct svc_ctl_reply *r)
{
	struct devmgrd *d = user;
	char id[32];
	int rc;

	if (svc_ctl_map_str(req, "id", id, sizeof(id)) <= 0)
		return svc_ctl_reply_error(r, "want an \"id\" string");
	rc = dev_bus_remove(d->bus, id);
	if (rc < 0)
		return svc_ctl_reply_error(r, "cannot remove %s: %s", id,
					   strerror(-rc));
	svc_log(SVC_LOG_INFO, "removed device %s", id);
	return 0;
}

static int cmd_stop(void *user, const msgpack_object *req,
		    struct svc_ctl_reply *r)
{
	struct devmgrd *d = user;

	(void)req, (void)r;
	svc_loop_stop(d->loop);
	return 0;
}

static const struct svc_ctl_cmd devmgr_cmds[] = {
	{ "status", cmd_status },
	{ "device.add", cmd_add },
	{ "device.remove", cmd_remove },
	{ "stop", cmd_stop },
};

/* A device at its memory map window. */
static int add_std(struct devmgrd *d, enum mmu_mem_id id, const char *kind,
		   const char *name)
{
	const struct mmu_mem_region *m = &mmu_memmap[id];
	int rc = dev_bus_add(d->bus, kind, name, m->base, m->size,
			     (unsigned)m->irq, NULL);

	if (rc < 0)
		svc_log(SVC_LOG_ERR, "cannot add %s: %s", name, strerror(-rc));
	return rc;
}

/* The board of a new VM: console, finisher, rtc, and the disks. */
static int add_board(struct devmgrd *d, const struct svc_strlist *disks)
{
	char args[300];
	int rc;

	if ((rc = add_std(d, MMU_MEM_UART0, "uart", "uart0")) < 0 ||
	    (rc = add_std(d, MMU_MEM_TEST, "test", "test0")) < 0 ||
	    (rc = add_std(d, MMU_MEM_RTC, "rtc", "rtc0")) < 0)
		return rc;
	for (unsigned i = 0; i < disks->n; i++) {
		if ((size_t)snprintf(args, sizeof(args), "path=%s",
				     disks->v[i]) >= sizeof(args))
			return -ENAMETOOLONG;
		rc = dev_bus_hotplug_blk(d->bus, args);
		if (rc < 0) {
			svc_log(SVC_LOG_ERR, "cannot add disk %s: %s",
				disks->v[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* An empty slot table means nobody built this VM's devices yet. */
static int devstate_empty(const struct mmu_devstate *ds)
{
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++)
		if (ds->slot[i].used)
			return 0;
	return 1;
}

/* Size of the "mmio-0" region we were given (all rings are alike). */
static uint64_t ring_bytes(const struct mmu_vm_attached *a)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->r[i] && !strcmp(a->r[i]->name, "mmio-0"))
			return a->r[i]->size;
	return 0;
}

static void env_init(struct devmgrd *d, const char *vm, int console_in)
{
	d->env.ram = d->a.ram;
	d->env.ram_base = mmu_memmap[MMU_MEM_RAM].base;
	d->env.ram_size = d->a.ram_size;
	d->env.set_irq = dev_server_set_irq;
	d->env.irq_opaque = d->a.irqchip;
	d->env.console_out_fd = STDOUT_FILENO;
	d->env.console_in_fd = -1;
	d->env.power = on_power;
	d->env.power_opaque = d;
	d->env.pub = d->pub;
	d->env.vm_id = vm;
	if (!console_in)
		return;
	d->console_fl = fcntl(STDIN_FILENO, F_GETFL);
	if (d->console_fl >= 0 &&
	    fcntl(STDIN_FILENO, F_SETFL, d->console_fl | O_NONBLOCK) == 0)
		d->env.console_in_fd = STDIN_FILENO;
}

/* Attach, build or resume the bus, start serving the rings. */
static int devices_open(struct devmgrd *d, const char *dir, const char *vm,
			const struct svc_strlist *disks, int console_in)
{
	char sock[SVC_PATH_MAX];
	int rc;

	if ((size_t)snprintf(sock, sizeof(sock), "%s/mmu.sock", dir) >=
	    sizeof(sock))
		return -ENAMETOOLONG;
	rc = mmu_vm_attach(sock, "devmgr", 0, &d->a);
	if (rc < 0) {
		svc_log(SVC_LOG_ERR, "cannot attach to %s: %s", sock,
			strerror(-rc));
		return rc;
	}
	d->attached = 1;
	env_init(d, vm, console_in);
	d->fresh = devstate_empty(d->a.devstate);
	d->bus = dev_bus_new(d->a.devstate, d->a.devstate_size, &d->env,
			     d->fresh);
	if (!d->bus)
		return -errno;
	if (d->fresh && (rc = add_board(d, disks)) < 0)
		return rc;
	if (!d->fresh && disks->n)
		svc_log(SVC_LOG_NOTICE, "resuming: --disk ignored, the VM "
			"keeps its recorded devices");
	if (dev_bus_lost(d->bus))
		svc_log(SVC_LOG_WARNING, "%u recorded devices could not be "
			"resumed", dev_bus_lost(d->bus));
	d->srv = dev_server_new(d->bus, d->a.mmio, ring_bytes(&d->a),
				d->a.nharts);
	if (!d->srv)
		return -errno;
	return dev_server_start(d->srv);
}

static int ctl_open(struct devmgrd *d, const char *dir)
{
	char ctl[SVC_PATH_MAX + 8];
	int rc;

	if ((rc = svc_ctl_endpoint(dir, "devmgr", ctl, sizeof(ctl))) < 0)
		return rc;
	d->ctl = svc_ctl_new(NULL, ctl, devmgr_cmds,
			     sizeof(devmgr_cmds) / sizeof(devmgr_cmds[0]), d);
	if (!d->ctl) {
		rc = -errno;
		svc_log(SVC_LOG_ERR, "cannot bind %s: %s", ctl, strerror(-rc));
		return rc;
	}
	return svc_loop_add_zmq(d->loop, svc_ctl_fd(d->ctl), on_ctl, d);
}

static void devmgrd_close(struct devmgrd *d)
{
	dev_server_destroy(&d->srv);
	dev_bus_destroy(&d->bus);
	if (d->attached)
		mmu_vm_detach(&d->a);
	svc_ctl_destroy(&d->ctl);
	ev_pub_destroy(&d->pub);
	svc_loop_destroy(&d->loop);
	if (d->console_fl >= 0)
		fcntl(STDIN_FILENO, F_SETFL, d->console_fl);
}

static int devmgr_main(const char *vm, const char *dir_override,
		       const struct svc_strlist *disks, int console_in)
{
	struct devmgrd d = { .console_fl = -1, .power_kind = -1 };
	char dir[SVC_PATH_MAX], in[SVC_PATH_MAX + 8];
	pid_t holder = 0;
	int lock, rc;

	clock_gettime(CLOCK_MONOTONIC, &d.started);
	rc = svc_runtime_dir(vm, dir_override, 1, dir, sizeof(dir));
	if (rc < 0) {
		svc_log(SVC_LOG_ERR, "runtime directory: %s", strerror(-rc));
		return rc;
	}
	lock = svc_lock(dir, "devmgr.lock", &holder);
	if (lock < 0) {
		svc_log(SVC_LOG_ERR, "devmgr lock in %s: %s (holder pid %d)",
			dir, strerror(-lock), (int)holder);
		return lock;
	}
	d.loop = svc_loop_new();
	if (!d.loop) {
		rc = -errno;
		goto out_unlock;
	}
	if ((rc = svc_endpoint(dir, SVC_EP_EVENTS_IN, in, sizeof(in))) < 0)
		goto out_close;
	d.pub = ev_pub_new(in, vm, "devmgr");
	if (!d.pub)
		svc_log(SVC_LOG_WARNING, "no event publisher: %s",
			strerror(errno));
	if ((rc = devices_open(&d, dir, vm, disks, console_in)) < 0 ||
	    (rc = ctl_open(&d, dir)) < 0)
		goto out_close;
	svc_loop_watchdog(d.loop);
	svc_notify_ready(d.fresh ? "serving new devices" :
			 "serving resumed devices");
	svc_log(SVC_LOG_INFO, "serving VM '%s': %u devices (%s)", vm,
		dev_bus_count(d.bus), d.fresh ? "new" : "resumed");
	rc = svc_loop_run(d.loop);
	svc_notify_stopping();
out_close:
	devmgrd_close(&d);
out_unlock:
	close(lock);
	return rc;
}

int main(int argc, char **argv)
{
	struct svc_common c = { 0 };
	struct svc_strlist disks = { 0 };
	int console_in = 0;
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&c),
		{ "disk", 0, SVC_FLAG_LIST, &disks, "FILE",
		  "a virtio-blk disk image (repeatable; new VMs only)" },
		{ "console-fd", 0, SVC_FLAG_BOOL, &console_in, NULL,
		  "feed stdin to uart0 (its output always goes to stdout)" },
	};
	size_t nflags = sizeof(flags) / sizeof(flags[0]);
	int first = 0, rc;

	rc = svc_flags_parse(flags, nflags, argc, argv, &first);
	if (rc == 1) {
		svc_flags_usage(stdout, argv[0], "[OPTIONS]", flags, nflags);
		return 0;
	}
	if (rc < 0 || first < argc ||
	    svc_common_setup(&c, "tessera-devmgr") < 0) {
		svc_flags_usage(stderr, argv[0], "[OPTIONS]", flags, nflags);
		return 2;
	}
	rc = devmgr_main(c.vm, c.runtime_dir, &disks, console_in);
	return rc < 0 ? 1 : 0;
}
