/* SPDX-License-Identifier: MIT */
/*
 * tessera-vcpu: runs one hart. For now this is the standalone harness:
 * `tessera-vcpu --standalone prog.elf` builds the whole board in one
 * process (RAM, hart state, irqchip, and the UART, test finisher and RTC
 * device models instantiated in-process through the devmgr contract), loads
 * an ELF at its own addresses (--bios none semantics: the boot ROM at
 * 0x1000 starts it in M-mode with a0 = 0, a1 = the device tree), or
 * firmware at 0x80000000 and a kernel at 0x80200000 (--bios/--kernel, with
 * --initrd, --append and a virtio-blk --disk), and runs it until the guest
 * powers off. The device tree is generated from the memory map (mmu/fdt.h)
 * and placed near the top of RAM, as QEMU does. The exit status is the
 * guest's: 0 for the finisher's pass or HTIF code 0, the failure code
 * otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "devmgr/devices.h"
#include "mmu/fdt.h"
#include "mmu/memmap.h"
#include "vcpu/elf.h"
#include "vcpu/vcpu.h"


#define EXIT_LIMIT 124   /* the instruction budget ran out, like timeout(1) */
#define EXIT_SETUP 125   /* the harness could not start the guest */

struct opts {
	uint64_t ram_mib;
	uint64_t max_insns;
	int trace, stats;
	const char *bios, *kernel, *elf, *dtb, *initrd, *append, *disk;
};

static volatile sig_atomic_t got_signal;
static struct vcpu_state *g_state;

/* The console's input side as we found it, restored at exit. */
static struct {
	int fl;
	int have_tio;
	struct termios tio;
} console = { .fl = -1 };

/* Make stdin the guest's keyboard: non-blocking (the UART polls it from
 * the hart's thread) and, on a terminal, unbuffered without echo; ^C
 * still stops the harness. Returns the fd for the UART. */
static int console_open(void)
{
	struct termios raw;

	console.fl = fcntl(STDIN_FILENO, F_GETFL);
	if (console.fl < 0)
		return -1;
	if (fcntl(STDIN_FILENO, F_SETFL, console.fl | O_NONBLOCK) < 0)
		return -1;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &console.tio) == 0) {
		console.have_tio = 1;
		raw = console.tio;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_iflag &= ~(tcflag_t)ICRNL;
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	return STDIN_FILENO;
}

static void console_close(void)
{
	if (console.have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &console.tio);
	if (console.fl >= 0)
		fcntl(STDIN_FILENO, F_SETFL, console.fl);
	console.fl = -1;
	console.have_tio = 0;
}

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
		"  --kernel FILE    kernel at 0x80200000 (raw), or the ELF with --bios none\n"
		"  --dtb FILE       use this device tree instead of the generated one\n"
		"  --initrd FILE    initial ramdisk (named in the device tree)\n"
		"  --append STR     kernel command line (device tree /chosen/bootargs)\n"
		"  --disk FILE      virtio-blk disk image in virtio-mmio slot 0\n");
}

/* Resolve the image options into one boot mode; -EINVAL if they clash. */
static int settle(struct opts *o)
{
	if (o->bios && !strcmp(o->bios, "none"))
		o->bios = NULL;
	if (!o->elf && !o->bios && o->kernel) {
		o->elf = o->kernel;
		o->kernel = NULL;
	}
	if ((!o->elf && !o->bios) || (o->elf && o->bios) || o->ram_mib < 1 ||
	    o->ram_mib > (MMU_RAM_MAX_SIZE >> 20))
		return -EINVAL;
	return 0;
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
		{ "dtb", required_argument, NULL, 'd' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "disk", required_argument, NULL, 'D' },
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
		case 'd': o->dtb = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'a': o->append = optarg; break;
		case 'D': o->disk = optarg; break;
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
	return settle(o);
}

/* ---- the board: RAM, hart, irqchip, devices ---- */

#define MAX_DEVS 8

struct board {
	uint8_t *ram;
	uint64_t ram_size;
	struct vcpu_state *state;
	struct vcpu_irqchip *chip;
	struct vcpu *v;
	struct dev_env env;
	struct dev *devs[MAX_DEVS];
	void *dev_state[MAX_DEVS];
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
		struct dev *d = b->devs[i];

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
		if (b->devs[i]->ops->poll)
			b->devs[i]->ops->poll(b->devs[i]);
}

/* Instantiate model @kind over [@base, @base + @size) with PLIC source
 * @irq and @args. A missing optional model (@required 0) is skipped. */
static int board_add_dev(struct board *b, const char *kind, uint64_t base,
			 uint64_t size, unsigned irq, const char *args,
			 int required)
{
	const struct dev_ops *ops = dev_kind_find(kind);
	void *state;
	struct dev *d;
	char name[32];

	if (!ops) {
		if (required)
			fprintf(stderr, "tessera-vcpu: no device model '%s'\n", kind);
		return -ENOENT;
	}
	if (b->ndevs == MAX_DEVS)
		return -ENOSPC;
	state = calloc(1, ops->state_size ? ops->state_size : 1);
	if (!state)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s0", kind);
	d = dev_new(ops, &b->env, name, base, size, irq, state, args, 1);
	if (!d) {
		int rc = -errno;

		fprintf(stderr, "tessera-vcpu: %s: %s\n", kind, strerror(errno));
		free(state);
		return rc;
	}
	b->devs[b->ndevs] = d;
	b->dev_state[b->ndevs++] = state;
	return 0;
}

/* A device at its memory map window. */
static int board_add_std(struct board *b, enum mmu_mem_id id, const char *kind,
			 int required)
{
	const struct mmu_mem_region *r = &mmu_memmap[id];

	return board_add_dev(b, kind, r->base, r->size, (unsigned)r->irq, NULL,
			     required);
}

/* virtio-blk on @path in virtio-mmio slot 0. */
static int board_add_disk(struct board *b, const char *path)
{
	char args[512];

	if ((size_t)snprintf(args, sizeof(args), "path=%s", path) >= sizeof(args)) {
		fprintf(stderr, "tessera-vcpu: disk path too long\n");
		return -ENAMETOOLONG;
	}
	return board_add_dev(b, "virtio-blk", mmu_memmap[MMU_MEM_VIRTIO].base,
			     MMU_VIRTIO_SLOT_SIZE, MMU_VIRTIO_IRQ_BASE, args, 1);
}

static void board_free(struct board *b)
{
	for (unsigned i = 0; i < b->ndevs; i++) {
		dev_destroy(&b->devs[i]);
		free(b->dev_state[i]);
	}
	vcpu_destroy(&b->v);
	free(b->state);
	free(b->chip);
	if (b->ram)
		munmap(b->ram, b->ram_size);
	console_close();
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
		.console_in_fd = console_open(),
		.power = board_power, .power_opaque = b, .vm_id = "standalone",
	};
	if (board_add_std(b, MMU_MEM_UART0, "uart", 1) < 0 ||
	    board_add_std(b, MMU_MEM_TEST, "test", 1) < 0)
		return -ENODEV;
	board_add_std(b, MMU_MEM_RTC, "rtc", 0);
	if (o->disk && board_add_disk(b, o->disk) < 0)
		return -ENODEV;
	b->v = vcpu_new(&(struct vcpu_config){
		.state = b->state, .chip = b->chip, .ram = b->ram,
		.ram_base = ram_base, .ram_size = b->ram_size,
		.dev_mmio = board_mmio, .dev_opaque = b,
		.poll = board_poll, .poll_opaque = b,
	});
	return b->v ? 0 : -errno;
}

/* ---- loading ---- */

#define DTB_ALIGN   (2ull << 20)
#define DTB_MAX     (64u << 10)
#define INITRD_AT   (128ull << 20)  /* offset cap, as QEMU's virt board */

/* Where the DTB goes: the last 2 MiB-aligned spot below the end of RAM
 * that holds @len bytes, as QEMU does. */
static uint64_t dtb_addr(const struct vcpu_ram *ram, size_t len)
{
	return (ram->pa + ram->size - len) & ~(DTB_ALIGN - 1);
}

/* The initrd at min(RAM/2, 128 MiB) into RAM; its range in *@start/@end. */
static int load_initrd(const struct vcpu_ram *ram, const char *path,
		       uint64_t *start, uint64_t *end)
{
	uint64_t off = ram->size / 2 < INITRD_AT ? ram->size / 2 : INITRD_AT;
	char err[256];
	int64_t n = vcpu_raw_load_file(path, ram->pa + off, ram, err, sizeof(err));

	if (n < 0) {
		fprintf(stderr, "tessera-vcpu: initrd: %s\n", err);
		return (int)n;
	}
	*start = ram->pa + off;
	*end = *start + (uint64_t)n;
	if (*end > dtb_addr(ram, DTB_MAX)) {
		fprintf(stderr, "tessera-vcpu: initrd: %s does not fit below the "
			"device tree\n", path);
		return -ERANGE;
	}
	return 0;
}

/* Generate the board's DTB (or take @o->dtb) and place it; 0 on error. */
static uint64_t load_dtb(const struct vcpu_ram *ram, const struct opts *o,
			 uint64_t initrd_start, uint64_t initrd_end)
{
	struct mmu_fdt_config fc = {
		.harts = 1, .ram_size = ram->size, .bootargs = o->append,
		.initrd_start = initrd_start, .initrd_end = initrd_end,
		.virtio_slots = o->disk ? 1u : 0u,
	};
	uint8_t *img = NULL;
	size_t len;
	uint64_t at;
	int rc;

	if (o->dtb) {
		rc = vcpu_read_file(o->dtb, DTB_MAX, &img, &len);
	} else {
		img = malloc(DTB_MAX);
		rc = img ? mmu_fdt_build(img, DTB_MAX, &fc) : -ENOMEM;
		len = rc > 0 ? (size_t)rc : 0;
	}
	if (rc < 0) {
		fprintf(stderr, "tessera-vcpu: device tree %s: %s\n",
			o->dtb ? o->dtb : "(generated)", strerror(-rc));
		free(img);
		return 0;
	}
	at = dtb_addr(ram, len);
	memcpy(ram->base + (at - ram->pa), img, len);
	free(img);
	return at;
}

/* Firmware (ELF or raw) at the RAM base, then the kernel (raw). */
static int load_firmware(const struct opts *o, const struct vcpu_ram *ram,
			 uint64_t *entry)
{
	struct vcpu_elf_info info;
	char err[256];
	int64_t n;

	*entry = ram->pa;
	if (vcpu_elf_load_file(o->bios, ram, &info, NULL, 0) == 0) {
		*entry = info.entry;
	} else {
		n = vcpu_raw_load_file(o->bios, ram->pa, ram, err, sizeof(err));
		if (n < 0)
			goto err_msg;
	}
	if (o->kernel) {
		n = vcpu_raw_load_file(o->kernel, ram->pa + MMU_KERNEL_OFFSET, ram,
				       err, sizeof(err));
		if (n < 0)
			goto err_msg;
	}
	return 0;

err_msg:
	fprintf(stderr, "tessera-vcpu: %s\n", err);
	return (int)n;
}

static int load_images(struct board *b, const struct opts *o)
{
	struct vcpu_ram ram = { b->ram, mmu_memmap[MMU_MEM_RAM].base, b->ram_size };
	struct vcpu_elf_info info;
	uint64_t entry, dtb, initrd_start = 0, initrd_end = 0;
	char err[256];
	int rc;

	if (o->elf) {
		rc = vcpu_elf_load_file(o->elf, &ram, &info, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "tessera-vcpu: %s\n", err);
			return rc;
		}
		entry = info.entry;
		if (info.tohost)
			vcpu_set_htif(b->v, info.tohost, info.fromhost, STDOUT_FILENO);
	} else {
		rc = load_firmware(o, &ram, &entry);
		if (rc < 0)
			return rc;
	}
	if (o->initrd) {
		rc = load_initrd(&ram, o->initrd, &initrd_start, &initrd_end);
		if (rc < 0)
			return rc;
	}
	dtb = load_dtb(&ram, o, initrd_start, initrd_end);
	if (!dtb)
		return -EINVAL;
	vcpu_set_boot(b->v, entry, dtb);
	return 0;
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
	if (v->exit_kind == VCPU_POWER_RESET)
		fprintf(stderr, "tessera-vcpu: the guest asked for a reset; "
			"a standalone run ends there\n");
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
