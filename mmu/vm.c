/* SPDX-License-Identifier: MIT */
/*
 * A VM's region table: creating and formatting the regions (tessera-mmu),
 * handing them out by role over a UNIX socket, and attaching to them
 * (every other process).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mmu/memmap.h"
#include "mmu/vm.h"
#include "shm/fdpass.h"
#include "shm/mmio.h"
#include "vcpu/state.h"

#define VM_REQ_MAGIC  0x51564d54u   /* "TMVQ" */
#define VM_REPLY_MAGIC 0x52564d54u  /* "TMVR" */

/* What a client asks: fixed size, sent as one datagram. */
struct vm_req {
	uint32_t magic;
	uint32_t hart;
	char role[16];
};

/* The payload of the answer, with or without regions. */
struct vm_reply {
	uint32_t magic;
	int32_t status;
	uint32_t nharts;
	uint32_t pad;
	uint64_t ram_size;
};

static uint64_t page_up(uint64_t n)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) & ~(page - 1);
}

uint64_t mmu_devstate_bytes(void)
{
	return page_up(sizeof(struct mmu_devstate)) +
	       (uint64_t)MMU_DEVSTATE_SLOTS * MMU_DEVSTATE_BLOCK;
}

static void add_desc(struct mmu_vm *vm, const char *name, uint64_t size,
		     uint32_t kind, uint32_t roles, int hart)
{
	struct mmu_vm_region *d = &vm->desc[vm->n++];

	snprintf(d->name, sizeof(d->name), "%s", name);
	d->size = page_up(size);
	d->kind = kind;
	d->roles = roles;
	d->hart = hart;
}

int mmu_vm_layout(struct mmu_vm *vm, const struct mmu_vm_config *cfg)
{
	const uint32_t all = MMU_ROLE_VCPU | MMU_ROLE_DEVMGR | MMU_ROLE_SUPERVISOR;
	char name[SHM_NAME_MAX];

	if (!vm || !cfg || cfg->nharts < 1 || cfg->nharts > VCPU_MAX_HARTS ||
	    cfg->ram_size > MMU_RAM_MAX_SIZE)
		return -EINVAL;
	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	if (!vm->cfg.ram_size)
		vm->cfg.ram_size = MMU_RAM_DEFAULT_SIZE;
	if (vm->cfg.ram_size != page_up(vm->cfg.ram_size))
		return -EINVAL;
	add_desc(vm, "ram", vm->cfg.ram_size, MMU_VM_RAM, all, -1);
	add_desc(vm, "irqchip", sizeof(struct vcpu_irqchip), MMU_VM_IRQCHIP,
		 all, -1);
	add_desc(vm, "devstate", mmu_devstate_bytes(), MMU_VM_DEVSTATE,
		 MMU_ROLE_DEVMGR | MMU_ROLE_SUPERVISOR, -1);
	for (unsigned h = 0; h < cfg->nharts; h++) {
		snprintf(name, sizeof(name), "vcpu-state-%u", h);
		add_desc(vm, name, sizeof(struct vcpu_state), MMU_VM_VCPU_STATE,
			 MMU_ROLE_VCPU | MMU_ROLE_SUPERVISOR, (int)h);
		snprintf(name, sizeof(name), "mmio-%u", h);
		add_desc(vm, name, shm_mmio_region_bytes(), MMU_VM_MMIO, all,
			 (int)h);
	}
	return 0;
}

int mmu_devstate_format(struct mmu_devstate *ds, uint64_t bytes)
{
	if (!ds || bytes < mmu_devstate_bytes())
		return -EINVAL;
	memset(ds, 0, sizeof(*ds));
	ds->version = MMU_DEVSTATE_VERSION;
	ds->nslots = MMU_DEVSTATE_SLOTS;
	ds->block_off = page_up(sizeof(*ds));
	ds->block_size = MMU_DEVSTATE_BLOCK;
	for (unsigned i = 0; i < MMU_DEVSTATE_SLOTS; i++)
		ds->slot[i].state_off = ds->block_off +
					(uint64_t)i * MMU_DEVSTATE_BLOCK;
	__atomic_store_n(&ds->magic, MMU_DEVSTATE_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

int mmu_devstate_valid(const struct mmu_devstate *ds, uint64_t bytes)
{
	if (!ds || bytes < sizeof(*ds) ||
	    __atomic_load_n(&ds->magic, __ATOMIC_ACQUIRE) != MMU_DEVSTATE_MAGIC)
		return -EPROTO;
	if (ds->version != MMU_DEVSTATE_VERSION ||
	    ds->nslots != MMU_DEVSTATE_SLOTS ||
	    ds->block_size != MMU_DEVSTATE_BLOCK ||
	    ds->block_off < sizeof(*ds) ||
	    ds->block_off > bytes ||
	    (bytes - ds->block_off) / MMU_DEVSTATE_BLOCK < MMU_DEVSTATE_SLOTS)
		return -EPROTO;
	return 0;
}

/* Put fresh contents into region @i of @vm. */
static int format_region(struct mmu_vm *vm, unsigned i,
			 const struct mmu_vm_formatters *fmt)
{
	const struct mmu_vm_region *d = &vm->desc[i];
	void *p = vm->r[i]->addr;

	switch (d->kind) {
	case MMU_VM_IRQCHIP:
		fmt->irqchip_init(p, vm->cfg.nharts);
		return 0;
	case MMU_VM_VCPU_STATE:
		fmt->state_reset(p, (uint32_t)d->hart, vm->cfg.reset_pc);
		return 0;
	case MMU_VM_MMIO:
		return shm_mmio_format(p, d->size);
	case MMU_VM_DEVSTATE:
		return mmu_devstate_format(p, d->size);
	default:
		return 0;
	}
}

struct mmu_vm *mmu_vm_create_with(const struct mmu_vm_config *cfg,
				  const struct mmu_vm_formatters *fmt)
{
	struct mmu_vm *vm;
	int err;

	if (!fmt || !fmt->irqchip_init || !fmt->state_reset) {
		errno = EINVAL;
		return NULL;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	err = mmu_vm_layout(vm, cfg);
	if (err < 0)
		goto err_free;
	for (unsigned i = 0; i < vm->n; i++) {
		uint32_t flags = vm->desc[i].kind == MMU_VM_RAM ? SHM_REGION_HUGE : 0;

		vm->r[i] = shm_region_create(vm->desc[i].name, vm->desc[i].size,
					     flags);
		if (!vm->r[i]) {
			err = -errno;
			goto err_destroy;
		}
		vm->r[i]->kind = vm->desc[i].kind;
		err = shm_region_map(vm->r[i]);
		if (err >= 0)
			err = format_region(vm, i, fmt);
		if (err < 0)
			goto err_destroy;
	}
	return vm;
err_destroy:
	mmu_vm_destroy(&vm);
	errno = -err;
	return NULL;
err_free:
	free(vm);
	errno = -err;
	return NULL;
}

void mmu_vm_destroy(struct mmu_vm **pvm)
{
	struct mmu_vm *vm = pvm ? *pvm : NULL;

	if (!vm)
		return;
	for (unsigned i = 0; i < vm->n; i++)
		shm_region_destroy(&vm->r[i]);
	free(vm);
	*pvm = NULL;
}

struct shm_region *mmu_vm_find(const struct mmu_vm *vm, const char *name)
{
	for (unsigned i = 0; vm && name && i < vm->n; i++)
		if (!strcmp(vm->desc[i].name, name))
			return vm->r[i];
	return NULL;
}

static int parse_role(const char *role, size_t cap, uint32_t *out)
{
	if (!memchr(role, 0, cap))
		return -EPROTO;
	if (!strcmp(role, "vcpu"))
		*out = MMU_ROLE_VCPU;
	else if (!strcmp(role, "devmgr"))
		*out = MMU_ROLE_DEVMGR;
	else if (!strcmp(role, "supervisor"))
		*out = MMU_ROLE_SUPERVISOR;
	else
		return -EINVAL;
	return 0;
}

/* The regions @role (hart @hart) may have, in table order. */
static unsigned pick_regions(const struct mmu_vm *vm, uint32_t role,
			     unsigned hart, struct shm_region **out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < vm->n; i++) {
		const struct mmu_vm_region *d = &vm->desc[i];

		if (!(d->roles & role))
			continue;
		if (role == MMU_ROLE_VCPU && d->hart >= 0 &&
		    (unsigned)d->hart != hart)
			continue;
		out[n++] = vm->r[i];
	}
	return n;
}

/* Read and check one request; -errno says why it is refused. */
static int read_req(int fd, uint32_t *role, unsigned *hart, unsigned nharts)
{
	struct vm_req q;
	ssize_t n;
	int err;

	n = recv(fd, &q, sizeof(q), MSG_TRUNC);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(q) || q.magic != VM_REQ_MAGIC)
		return -EPROTO;
	err = parse_role(q.role, sizeof(q.role), role);
	if (err < 0)
		return err;
	if (*role == MMU_ROLE_VCPU && q.hart >= nharts)
		return -EINVAL;
	*hart = q.hart;
	return 0;
}

static int pid_alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH);
}

/* Bind the vcpu process at the other end of @fd to @hart, or refuse. */
static int bind_hart(struct mmu_vm *vm, int fd, unsigned hart)
{
	pid_t pid;
	int err = shm_peer_cred(fd, &pid, NULL, NULL);

	if (err < 0)
		return err;
	for (unsigned h = 0; h < vm->cfg.nharts; h++)
		if (h != hart && vm->hart_pid[h] == pid)
			return -EACCES;
	if (vm->hart_pid[hart] != pid && pid_alive(vm->hart_pid[hart]))
		return -EACCES;
	vm->hart_pid[hart] = pid;
	return 0;
}

static int answer(struct mmu_vm *vm, int fd)
{
	struct shm_region *give[MMU_VM_MAX_REGIONS];
	struct vm_reply rep = { VM_REPLY_MAGIC, 0, vm->cfg.nharts, 0,
				vm->cfg.ram_size };
	uint32_t role = 0;
	unsigned hart = 0, n = 0;
	int err;

	err = shm_peer_check_uid(fd);
	if (err >= 0)
		err = read_req(fd, &role, &hart, vm->cfg.nharts);
	if (err >= 0 && role == MMU_ROLE_VCPU)
		err = bind_hart(vm, fd, hart);
	if (err >= 0)
		n = pick_regions(vm, role, hart, give);
	rep.status = err < 0 ? err : 0;
	if (err == -ECONNRESET || err == -EAGAIN)
		return err;
	if (err < 0) {
		shm_regions_send(fd, NULL, 0, &rep, sizeof(rep));
		return err;
	}
	return shm_regions_send(fd, give, n, &rep, sizeof(rep));
}

int mmu_vm_serve_one(struct mmu_vm *vm, int listen_fd)
{
	struct timeval tv = { 2, 0 };
	int fd, err;

	if (!vm)
		return -EINVAL;
	fd = shm_sock_accept(listen_fd);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	err = answer(vm, fd);
	close(fd);
	return err;
}

static int send_req(int fd, const char *role, unsigned hart)
{
	struct vm_req q;

	memset(&q, 0, sizeof(q));
	q.magic = VM_REQ_MAGIC;
	q.hart = hart;
	if (strlen(role) >= sizeof(q.role))
		return -EINVAL;
	strcpy(q.role, role);
	if (send(fd, &q, sizeof(q), MSG_NOSIGNAL) != (ssize_t)sizeof(q))
		return -errno ? -errno : -EMSGSIZE;
	return 0;
}

/* vcpu_irqchip_valid's checks, kept here so tessera_mmu needs no symbol
 * of tessera_vcpu (it links first). */
static int irqchip_ok(const struct vcpu_irqchip *c, unsigned nharts)
{
	if (__atomic_load_n(&c->magic, __ATOMIC_ACQUIRE) != VCPU_IRQCHIP_MAGIC ||
	    c->version != VCPU_IRQCHIP_VERSION || c->nharts != nharts)
		return -EPROTO;
	return 0;
}

/* Check region @r against the table we expect, map it, look inside. */
static int adopt_region(struct mmu_vm_attached *a, const struct mmu_vm *want,
			struct shm_region *r)
{
	const struct mmu_vm_region *d = NULL;

	for (unsigned i = 0; i < want->n && !d; i++)
		if (!strcmp(want->desc[i].name, r->name))
			d = &want->desc[i];
	if (!d || d->size != r->size || d->kind != r->kind ||
	    !(d->roles & a->role) ||
	    (a->role == MMU_ROLE_VCPU && d->hart >= 0 &&
	     (unsigned)d->hart != a->hart))
		return -EPROTO;
	if (shm_region_map(r) < 0)
		return -EPROTO;
	switch (d->kind) {
	case MMU_VM_RAM:
		a->ram = r->addr;
		return 0;
	case MMU_VM_IRQCHIP:
		a->irqchip = r->addr;
		return irqchip_ok(a->irqchip, a->nharts);
	case MMU_VM_VCPU_STATE:
		a->state = r->addr;
		return a->state->magic == VCPU_STATE_MAGIC ? 0 : -EPROTO;
	case MMU_VM_DEVSTATE:
		a->devstate = r->addr;
		a->devstate_size = r->size;
		return mmu_devstate_valid(a->devstate, r->size);
	default: {
		struct shm_mmio_server probe;

		a->mmio[d->hart] = r->addr;
		return shm_mmio_server_attach(&probe, r->addr, r->size);
	}
	}
}

static int recv_answer(int fd, struct mmu_vm_attached *a)
{
	struct vm_reply rep;
	struct mmu_vm want;
	struct mmu_vm_config cfg;
	size_t len = sizeof(rep);
	int n;

	n = shm_regions_recv(fd, a->r, MMU_VM_MAX_REGIONS, &rep, &len);
	if (n < 0)
		return n;
	a->n = (unsigned)n;
	if (len != sizeof(rep) || rep.magic != VM_REPLY_MAGIC)
		return -EPROTO;
	if (rep.status < 0)
		return rep.status >= -4095 ? rep.status : -EPROTO;
	cfg = (struct mmu_vm_config){ rep.ram_size, rep.nharts, 0 };
	if (mmu_vm_layout(&want, &cfg) < 0 || rep.ram_size == 0 ||
	    (a->role == MMU_ROLE_VCPU && a->hart >= rep.nharts))
		return -EPROTO;
	a->nharts = rep.nharts;
	a->ram_size = rep.ram_size;
	for (unsigned i = 0; i < a->n; i++)
		if (adopt_region(a, &want, a->r[i]) < 0)
			return -EPROTO;
	if (!a->ram || !a->irqchip)
		return -EPROTO;
	return 0;
}

int mmu_vm_attach(const char *socket_path, const char *role, unsigned hart,
		  struct mmu_vm_attached *out)
{
	struct timeval tv = { 5, 0 };
	int fd, err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!socket_path || !role)
		return -EINVAL;
	err = parse_role(role, strlen(role) + 1, &out->role);
	if (err < 0)
		return err;
	out->hart = hart;
	fd = shm_sock_connect(socket_path);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = send_req(fd, role, hart);
	if (err >= 0)
		err = recv_answer(fd, out);
	close(fd);
	if (err < 0)
		mmu_vm_detach(out);
	return err;
}

void mmu_vm_detach(struct mmu_vm_attached *a)
{
	if (!a)
		return;
	for (unsigned i = 0; i < a->n; i++)
		shm_region_destroy(&a->r[i]);
	memset(a, 0, sizeof(*a));
}
