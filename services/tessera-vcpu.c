// SPDX-License-Identifier: MIT
/*
 * tessera-vcpu: runs one hart. For now this is the standalone harness:
 * `tessera-vcpu --standalone prog.elf` builds the whole board in one
 * process (RAM, hart state, irqchip, and the UART, test finisher and RTC
 * device models instantiated in-process through the devmgr contract), loads
 * an ELF at its own addresses (--bios none semantics: the boot ROM at
 * 0x1000 starts it in M-mode with a0 = 0, a1 = the DTB or 0), and runs it
 * until the guest powers off. The exit status is the guest's: 0 for the
 * finisher's pass or HTIF code 0, the failure code otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "devmgr/device.h"
#include "mmu/memmap.h"
#include "vcpu/elf.h"
#include "vcpu/vcpu.h"

#if __has_include("mmu/fdt.h")
#include "mmu/fdt.h"
#endif

#define EXIT_LIMIT 124   /* the instruction budget ran out, like timeout(1) */
#define EXIT_SETUP 125   /* the harness could not start the guest */

struct opts {
	uint64_t ram_mib;
	uint64_t max_insns;
	int trace, stats;
	const char *bios, *kernel, *elf;
};

static volatile sig_atomic_t got_signal;
static struct vcpu_state *g_state;

static void on_signal(int sig)
{
	got_signal = sig;
	if (g_state)
		__atomic_store_n(&g_state->stop, 1, __ATOMIC_RELEASE);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tessera-vcpu --standalone [options] prog.elf\n"
		"       tessera-vcpu --standalone [options] --bios FILE --kernel FILE\n"
		"  --ram MiB        guest RAM size (default 256)\n"
		"  --max-insns N    stop after N instructions (exit status 124)\n"
		"  --trace          print every instruction to stderr\n"
		"  --stats          print instret, time and MIPS to stderr at exit\n"
		"  --bios FILE      firmware at 0x80000000 (ELF or raw; 'none': no firmware)\n"
		"  --kernel FILE    kernel at 0x80200000 (raw), or the ELF with --bios none\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "standalone", no_argument, NULL, 's' },
		{ "ram", required_argument, NULL, 'r' },
		{ "max-insns", required_argument, NULL, 'n' },
		{ "trace", no_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 'S' },
		{ "bios", required_argument, NULL, 'b' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, standalone = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->ram_mib = MMU_RAM_DEFAULT_SIZE >> 20;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': standalone = 1; break;
		case 't': o->trace = 1; break;
		case 'S': o->stats = 1; break;
		case 'b': o->bios = optarg; break;
		case 'k': o->kernel = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'r': case 'n':
			errno = 0;
			if (c == 'r')
				o->ram_mib = strtoull(optarg, &end, 0);
			else
				o->max_insns = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				return -EINVAL;
			break;
		default: return -EINVAL;
		}
	}
	if (optind < argc)
		o->elf = argv[optind++];
	if (optind != argc || !standalone)
		return -EINVAL;
	if (o->bios && !strcmp(o->bios, "none"))
		o->bios = NULL;
	if (!o->elf && !o->bios && o->kernel) {
		o->elf = o->kernel;
		o->kernel = NULL;
	}
	if ((!o->elf && !o->bios) || (o->elf && o->bios) || o->ram_mib < 1 ||
	    (o->ram_mib << 20) > MMU_RAM_MAX_SIZE)
		return -EINVAL;
	return 0;
}

/* ---- device models ---- */

/*
 * Until devmgr's model table is in the tree, the harness carries the two
 * devices every guest program needs in their simplest form: a UART that
 * transmits and is always ready, and the test finisher.
 */
static int mini_attach(struct dev *d, const char *args, int fresh)
{
	(void)d;
	(void)args;
	(void)fresh;
	return 0;
}

static int mini_uart_read(struct dev *d, uint64_t off, unsigned size,
			  uint64_t *val)
{
	(void)d;
	(void)size;
	*val = off == 5 ? 0x60 : 0;   /* LSR: THRE | TEMT */
	return 0;
}

static int mini_uart_write(struct dev *d, uint64_t off, unsigned size,
			   uint64_t val)
{
	uint8_t ch = (uint8_t)val;

	(void)size;
	if (off == 0 && write(d->env->console_out_fd, &ch, 1) < 0)
		return -errno;
	return 0;
}

static int mini_test_read(struct dev *d, uint64_t off, unsigned size,
			  uint64_t *val)
{
	(void)d;
	(void)off;
	(void)size;
	*val = 0;
	return 0;
}

static int mini_test_write(struct dev *d, uint64_t off, unsigned size,
			   uint64_t val)
{
	(void)size;
	if (off != 0)
		return 0;
	switch (val & 0xffff) {
	case 0x5555: d->env->power(d->env->power_opaque, DEV_POWER_OFF, 0); break;
	case 0x3333:
		d->env->power(d->env->power_opaque, DEV_POWER_FAIL,
			      (int)((val >> 16) & 0xffff));
		break;
	case 0x7777: d->env->power(d->env->power_opaque, DEV_POWER_RESET, 0); break;
	}
	return 0;
}

static const struct dev_ops mini_uart = {
	.kind = "uart", .attach = mini_attach,
	.read = mini_uart_read, .write = mini_uart_write,
};
static const struct dev_ops mini_test = {
	.kind = "test", .attach = mini_attach,
	.read = mini_test_read, .write = mini_test_write,
};

static const struct dev_ops *harness_dev_kind(const char *kind)
{
	if (!strcmp(kind, "uart"))
		return &mini_uart;
	if (!strcmp(kind, "test"))
		return &mini_test;
	return NULL;
}

/* ---- the board: RAM, hart, irqchip, devices ---- */

#define MAX_DEVS 4

struct board {
	uint8_t *ram;
	uint64_t ram_size;
	struct vcpu_state *state;
	struct vcpu_irqchip *chip;
	struct vcpu *v;
	struct dev_env env;
	struct dev devs[MAX_DEVS];
	unsigned ndevs;
};

static void board_set_irq(void *opaque, unsigned irq, int level)
{
	struct board *b = opaque;

	vcpu_irqchip_set_line(b->chip, irq, level);
}

static void board_power(void *opaque, int kind, int code)
{
	struct board *b = opaque;

	if (b->v)
		vcpu_request_exit(b->v, kind == DEV_POWER_OFF ? VCPU_POWER_OFF :
				  kind == DEV_POWER_FAIL ? VCPU_POWER_FAIL :
				  VCPU_POWER_RESET, code);
}

static int board_mmio(void *opaque, uint64_t pa, unsigned size, int is_write,
		      uint64_t *val)
{
	struct board *b = opaque;

	for (unsigned i = 0; i < b->ndevs; i++) {
		struct dev *d = &b->devs[i];

		if (pa < d->base || pa - d->base >= d->size)
			continue;
		return is_write ? d->ops->write(d, pa - d->base, size, *val)
				: d->ops->read(d, pa - d->base, size, val);
	}
	return -ENODEV;
}

static void board_poll(void *opaque)
{
	struct board *b = opaque;

	for (unsigned i = 0; i < b->ndevs; i++)
		if (b->devs[i].ops->poll)
			b->devs[i].ops->poll(&b->devs[i]);
}

static int board_add_dev(struct board *b, const char *kind, enum mmu_mem_id id,
			 int required)
{
	const struct dev_ops *ops = harness_dev_kind(kind);
	const struct mmu_mem_region *r = &mmu_memmap[id];
	struct dev *d;
	int rc;

	if (!ops) {
		if (required)
			fprintf(stderr, "tessera-vcpu: no device model '%s'\n", kind);
		return -ENOENT;
	}
	if (b->ndevs == MAX_DEVS)
		return -ENOSPC;
	d = &b->devs[b->ndevs];
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->env = &b->env;
	snprintf(d->id, sizeof(d->id), "%s0", kind);
	d->base = r->base;
	d->size = r->size;
	d->irq = (unsigned)r->irq;
	d->state = calloc(1, ops->state_size ? ops->state_size : 1);
	if (!d->state)
		return -ENOMEM;
	rc = ops->attach(d, NULL, 1);
	if (rc < 0) {
		fprintf(stderr, "tessera-vcpu: %s: %s\n", kind, strerror(-rc));
		free(d->state);
		return rc;
	}
	b->ndevs++;
	return 0;
}

static void board_free(struct board *b)
{
	for (unsigned i = 0; i < b->ndevs; i++) {
		if (b->devs[i].ops->detach)
			b->devs[i].ops->detach(&b->devs[i]);
		free(b->devs[i].state);
	}
	vcpu_destroy(&b->v);
	free(b->state);
	free(b->chip);
	if (b->ram)
		munmap(b->ram, b->ram_size);
}

static int board_init(struct board *b, const struct opts *o)
{
	const uint64_t ram_base = mmu_memmap[MMU_MEM_RAM].base;

	memset(b, 0, sizeof(*b));
	b->ram_size = o->ram_mib << 20;
	b->ram = mmap(NULL, b->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->ram == MAP_FAILED) {
		b->ram = NULL;
		return -errno;
	}
	b->state = aligned_alloc(64, (sizeof(*b->state) + 63) & ~(size_t)63);
	b->chip = aligned_alloc(64, (sizeof(*b->chip) + 63) & ~(size_t)63);
	if (!b->state || !b->chip)
		return -ENOMEM;
	vcpu_state_reset(b->state, 0, mmu_memmap[MMU_MEM_BOOTROM].base);
	vcpu_irqchip_init(b->chip, 1);
	b->env = (struct dev_env){
		.ram = b->ram, .ram_base = ram_base, .ram_size = b->ram_size,
		.set_irq = board_set_irq, .irq_opaque = b,
		.console_out_fd = STDOUT_FILENO,
		.console_in_fd = isatty(STDIN_FILENO) ? -1 : STDIN_FILENO,
		.power = board_power, .power_opaque = b, .vm_id = "standalone",
	};
	if (board_add_dev(b, "uart", MMU_MEM_UART0, 1) < 0 ||
	    board_add_dev(b, "test", MMU_MEM_TEST, 1) < 0)
		return -ENODEV;
	board_add_dev(b, "rtc", MMU_MEM_RTC, 0);
	b->v = vcpu_new(&(struct vcpu_config){
		.state = b->state, .chip = b->chip, .ram = b->ram,
		.ram_base = ram_base, .ram_size = b->ram_size,
		.dev_mmio = board_mmio, .dev_opaque = b,
		.poll = board_poll, .poll_opaque = b,
	});
	return b->v ? 0 : -errno;
}

/* ---- loading ---- */

static int load_images(struct board *b, const struct opts *o)
{
	struct vcpu_ram ram = { b->ram, mmu_memmap[MMU_MEM_RAM].base, b->ram_size };
	struct vcpu_elf_info info;
	uint64_t entry = ram.pa, dtb = 0;
	char err[256];
	int64_t n;
	int rc;

	if (o->elf || (o->bios && vcpu_elf_load_file(o->bios, &ram, &info, NULL,
						       0) == 0)) {
		if (o->elf) {
			rc = vcpu_elf_load_file(o->elf, &ram, &info, err, sizeof(err));
			if (rc < 0)
				goto err_msg;
		}
		entry = info.entry;
		if (info.tohost)
			vcpu_set_htif(b->v, info.tohost, info.fromhost, STDOUT_FILENO);
	} else {
		n = vcpu_raw_load_file(o->bios, ram.pa, &ram, err, sizeof(err));
		if (n < 0) {
			rc = (int)n;
			goto err_msg;
		}
	}
	if (o->kernel) {
		n = vcpu_raw_load_file(o->kernel, ram.pa + MMU_KERNEL_OFFSET, &ram,
				       err, sizeof(err));
		if (n < 0) {
			rc = (int)n;
			goto err_msg;
		}
	}
	vcpu_set_boot(b->v, entry, dtb);
	return 0;

err_msg:
	fprintf(stderr, "tessera-vcpu: %s\n", err);
	return rc;
}

/* ---- main ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exit_status(const struct vcpu *v, int why)
{
	if (why == VCPU_EXIT_LIMIT) {
		fprintf(stderr, "tessera-vcpu: instruction limit reached at pc 0x%llx\n",
			(unsigned long long)v->s->pc);
		return EXIT_LIMIT;
	}
	if (why == VCPU_EXIT_STOP) {
		fprintf(stderr, "tessera-vcpu: stopped by signal %d\n", (int)got_signal);
		return 128 + (int)got_signal;
	}
	if (v->exit_kind == VCPU_POWER_FAIL) {
		int code = v->exit_code & 0xff;

		return code ? code : 1;
	}
	return 0;
}

static void print_stats(const struct vcpu *v, double secs)
{
	fprintf(stderr,
		"tessera-vcpu: instret %llu, executed %llu, %.3f s, %.1f MIPS, "
		"wfi sleeps %llu, TLB walks %llu\n",
		(unsigned long long)v->s->minstret, (unsigned long long)v->insns,
		secs, secs > 0 ? v->insns / secs / 1e6 : 0.0,
		(unsigned long long)v->wfi_sleeps,
		(unsigned long long)v->mmu->walks);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct board b;
	struct opts o;
	double t0;
	int rc, why;

	if (parse(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	rc = board_init(&b, &o);
	if (rc < 0) {
		fprintf(stderr, "tessera-vcpu: cannot build the board: %s\n",
			strerror(-rc));
		board_free(&b);
		return EXIT_SETUP;
	}
	if (load_images(&b, &o) < 0) {
		board_free(&b);
		return EXIT_SETUP;
	}
	g_state = b.state;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	b.v->trace = o.trace ? stderr : NULL;
	t0 = now_s();
	why = vcpu_run(b.v, o.max_insns);
	if (o.stats)
		print_stats(b.v, now_s() - t0);
	rc = exit_status(b.v, why);
	g_state = NULL;
	board_free(&b);
	return rc;
}
