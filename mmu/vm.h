/* SPDX-License-Identifier: MIT */
/*
 * A VM's shared regions as data, and the socket protocol that hands them
 * out.
 *
 * tessera-mmu creates every region of a VM at start (mmu_vm_create) and
 * answers each process that connects to its UNIX socket with exactly the
 * regions its role may map (mmu_vm_serve_one); the other processes call
 * mmu_vm_attach. Regions:
 *   "ram"            guest RAM                       vcpu, devmgr, supervisor
 *   "vcpu-state-N"   struct vcpu_state of hart N     vcpu N, supervisor
 *   "irqchip"        struct vcpu_irqchip             vcpu, devmgr, supervisor
 *   "mmio-N"         hart N's ring pair (shm/mmio.h) vcpu N, devmgr, supervisor
 *   "devstate"       device table + state blocks     devmgr, supervisor
 * Hart states get one region each (rather than one shared region) so that
 * the kernel, not trust, keeps a vcpu away from another hart's state.
 *
 * The devstate region starts with struct mmu_devstate: a slot per device
 * instance {kind, id, base, irq, args, state offset, state size}, each
 * owning a fixed block further on, so a restarted devmgr rebuilds every
 * instance from the region alone (devmgr/bus.h).
 */
#ifndef TESSERA_MMU_VM_H
#define TESSERA_MMU_VM_H

#include <stdint.h>

#include "shm/region.h"
#include "vcpu/irqchip.h"
#include "vcpu/state.h"

#define MMU_VM_MAX_REGIONS (4 + 2 * VCPU_MAX_HARTS)

enum mmu_vm_kind {            /* struct shm_region.kind of each region */
	MMU_VM_RAM = 1,
	MMU_VM_VCPU_STATE,
	MMU_VM_IRQCHIP,
	MMU_VM_MMIO,
	MMU_VM_DEVSTATE,
};

enum mmu_vm_role {
	MMU_ROLE_VCPU = 1u << 0,
	MMU_ROLE_DEVMGR = 1u << 1,
	MMU_ROLE_SUPERVISOR = 1u << 2,
};

/* The device-state region. */
#define MMU_DEVSTATE_MAGIC   0x5445535344455653ull  /* "TESSDEVS" */
#define MMU_DEVSTATE_VERSION 1u
#define MMU_DEVSTATE_SLOTS   16
#define MMU_DEVSTATE_BLOCK   8192u   /* state bytes per slot */

struct mmu_devstate_slot {
	uint32_t used;          /* 1 once every other field is written */
	uint32_t irq;
	char kind[16];
	char id[32];
	uint64_t base, size;    /* guest physical window */
	uint64_t state_off;     /* from the region start */
	uint64_t state_size;    /* bytes of the block in use */
	char args[288];
};

struct mmu_devstate {
	uint64_t magic;
	uint32_t version;
	uint32_t nslots;        /* MMU_DEVSTATE_SLOTS */
	uint64_t block_off;     /* first state block */
	uint64_t block_size;    /* MMU_DEVSTATE_BLOCK */
	struct mmu_devstate_slot slot[MMU_DEVSTATE_SLOTS];
};

struct mmu_vm_config {
	uint64_t ram_size;      /* 0: MMU_RAM_DEFAULT_SIZE */
	unsigned nharts;        /* 1..VCPU_MAX_HARTS */
	uint64_t reset_pc;      /* pc of every hart after reset */
};

/* One region of the table. */
struct mmu_vm_region {
	char name[SHM_NAME_MAX];
	uint64_t size;
	uint32_t kind;          /* enum mmu_vm_kind */
	uint32_t roles;         /* enum mmu_vm_role bits that may map it */
	int hart;               /* owning hart, -1 for a VM-wide region */
};

/* What mmu_vm_create returns: owned by tessera-mmu. */
struct mmu_vm {
	struct mmu_vm_config cfg;
	unsigned n;
	struct mmu_vm_region desc[MMU_VM_MAX_REGIONS];
	struct shm_region *r[MMU_VM_MAX_REGIONS];   /* mapped */
	int hart_pid[VCPU_MAX_HARTS];   /* vcpu process bound to each hart */
};

/* What a process gets from mmu_vm_attach: owned by it (mmu_vm_detach). */
struct mmu_vm_attached {
	uint32_t role;
	unsigned hart, nharts;
	uint64_t ram_size;
	unsigned n;
	struct shm_region *r[MMU_VM_MAX_REGIONS];   /* mapped */
	uint8_t *ram;
	struct vcpu_irqchip *irqchip;
	struct vcpu_state *state;          /* vcpu: its own hart's */
	void *mmio[VCPU_MAX_HARTS];        /* NULL where not given */
	struct mmu_devstate *devstate;     /* devmgr, supervisor */
	uint64_t devstate_size;
};

/*
 * mmu_vm_layout - fill @vm->desc/@vm->n with the region table of @cfg
 * (no region created). Returns 0 or -EINVAL for a bad config.
 */
int mmu_vm_layout(struct mmu_vm *vm, const struct mmu_vm_config *cfg);

/* How the vcpu library formats its regions (vcpu/irqchip.h, state.h). */
struct mmu_vm_formatters {
	void (*irqchip_init)(struct vcpu_irqchip *c, unsigned nharts);
	void (*state_reset)(struct vcpu_state *s, uint32_t hartid,
			    uint64_t reset_pc);
};

/*
 * mmu_vm_create_with - mmu_vm_create with explicit formatters @fmt.
 * Exists because tessera_mmu links before tessera_vcpu: the inline
 * mmu_vm_create below takes the vcpu functions' addresses in the
 * caller's object, so the linker pulls them in whatever the order.
 */
struct mmu_vm *mmu_vm_create_with(const struct mmu_vm_config *cfg,
				  const struct mmu_vm_formatters *fmt);

/*
 * mmu_vm_create - create and map every region of a VM described by @cfg
 * and format it: rings empty, irqchip reset (vcpu_irqchip_init), hart
 * states reset (vcpu_state_reset), devstate with an empty slot table.
 * Returns NULL with errno set. The caller owns the result
 * (mmu_vm_destroy). Called by tessera-mmu (or a test).
 */
static inline struct mmu_vm *mmu_vm_create(const struct mmu_vm_config *cfg)
{
	static const struct mmu_vm_formatters fmt = {
		vcpu_irqchip_init, vcpu_state_reset,
	};

	return mmu_vm_create_with(cfg, &fmt);
}

/* mmu_vm_destroy - release *@pvm (NULL is fine) and clear the pointer. */
void mmu_vm_destroy(struct mmu_vm **pvm);

/*
 * mmu_vm_find - the region named @name of @vm, or NULL.
 */
struct shm_region *mmu_vm_find(const struct mmu_vm *vm, const char *name);

/*
 * mmu_vm_serve_one - accept one connection on @listen_fd (a SOCK_SEQPACKET
 * UNIX socket), check that the peer runs as our uid, read its request
 * {role, hart} and answer it with the regions the role may have, or with
 * an error status. A vcpu process is bound to the first hart it asks
 * for: asking for another hart, or for a hart whose vcpu process is still
 * alive, is refused (a restarted vcpu, with its predecessor gone, gets
 * the hart). Returns 0 when regions were handed out, else -errno
 * (-EACCES wrong uid or a forbidden hart, -EPROTO malformed request,
 * -EINVAL unknown role or hart); the VM is untouched either way, and the
 * connection is closed. A client that sends nothing is dropped after 2 s.
 */
int mmu_vm_serve_one(struct mmu_vm *vm, int listen_fd);

/*
 * mmu_vm_attach - connect to tessera-mmu at @socket_path as @role
 * ("vcpu", "devmgr", "supervisor"; @hart matters for "vcpu"), receive the
 * regions, map them and check sizes and headers (ring geometry, irqchip
 * magic, devstate magic, hart state magic). Returns 0 and fills @out, or
 * -errno: the server's refusal (-EACCES, -EINVAL) or -EPROTO for an
 * answer that does not check out. Release with mmu_vm_detach.
 */
int mmu_vm_attach(const char *socket_path, const char *role, unsigned hart,
		  struct mmu_vm_attached *out);

/* mmu_vm_detach - unmap and close what mmu_vm_attach gave. */
void mmu_vm_detach(struct mmu_vm_attached *a);

/* mmu_devstate_bytes - size of the devstate region (page rounded). */
uint64_t mmu_devstate_bytes(void);

/*
 * mmu_devstate_format - write an empty devstate header into @ds (@bytes
 * long). Returns 0 or -EINVAL when it does not fit the slot table.
 */
int mmu_devstate_format(struct mmu_devstate *ds, uint64_t bytes);

/*
 * mmu_devstate_valid - 0 when @ds (@bytes long, from another process)
 * has the right magic, version and geometry, else -EPROTO.
 */
int mmu_devstate_valid(const struct mmu_devstate *ds, uint64_t bytes);

#endif
