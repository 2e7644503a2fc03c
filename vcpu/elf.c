/* SPDX-License-Identifier: MIT */
/*
 * ELF64 and raw image loading (see elf.h). The file is treated as hostile:
 * each table's offset, entry size and count, each segment's file range and
 * memory range, and each symbol name are bounds-checked with overflow-safe
 * arithmetic before use.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vcpu/elf.h"

#define MAX_IMAGE (1ull << 32)

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Whether [off, off + n) lies within [0, len). */
static int in_file(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

/* The host address of guest [pa, pa + n) in RAM, or NULL. */
static uint8_t *in_ram(const struct vcpu_ram *ram, uint64_t pa, uint64_t n)
{
	uint64_t off = pa - ram->pa;

	if (pa < ram->pa || off > ram->size || n > ram->size - off)
		return NULL;
	return ram->base + off;
}

static int check_header(const Elf64_Ehdr *eh, size_t len, char *err,
			size_t errlen)
{
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, -ENOEXEC, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, -ENOEXEC, "not a 64-bit little-endian ELF");
	if (eh->e_machine != EM_RISCV)
		return fail(err, errlen, -ENOEXEC, "not a RISC-V ELF (machine %u)",
			    eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, -ENOEXEC, "not an executable (type %u)",
			    eh->e_type);
	if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), len))
		return fail(err, errlen, -ENOEXEC,
			    "program header table missing or truncated");
	return 0;
}

static int load_segments(const uint8_t *img, size_t len, const Elf64_Ehdr *eh,
			 const struct vcpu_ram *ram, struct vcpu_elf_info *info,
			 char *err, size_t errlen)
{
	unsigned loaded = 0;

	info->lo = UINT64_MAX;
	info->hi = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		uint8_t *dst;

		memcpy(&ph, img + eh->e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || !in_file(ph.p_offset, ph.p_filesz, len))
			return fail(err, errlen, -ENOEXEC,
				    "segment %u: file range outside the file", i);
		dst = in_ram(ram, ph.p_paddr, ph.p_memsz);
		if (!dst)
			return fail(err, errlen, -ERANGE,
				    "segment %u: 0x%llx+0x%llx outside RAM", i,
				    (unsigned long long)ph.p_paddr,
				    (unsigned long long)ph.p_memsz);
		memcpy(dst, img + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < info->lo)
			info->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > info->hi)
			info->hi = ph.p_paddr + ph.p_memsz;
		loaded++;
	}
	if (!loaded)
		return fail(err, errlen, -ENOEXEC, "no loadable segment");
	return 0;
}

/* The section header @i, when the table and the entry are in the file. */
static int section(const uint8_t *img, size_t len, const Elf64_Ehdr *eh,
		   unsigned i, Elf64_Shdr *sh)
{
	if (eh->e_shentsize != sizeof(*sh) || i >= eh->e_shnum ||
	    !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh), len))
		return -ENOEXEC;
	memcpy(sh, img + eh->e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
	return 0;
}

static void symbol_scan(const uint8_t *img, size_t len, const Elf64_Ehdr *eh,
			const Elf64_Shdr *symtab, struct vcpu_elf_info *info)
{
	Elf64_Shdr strtab;
	uint64_t n = symtab->sh_size / sizeof(Elf64_Sym);

	if (section(img, len, eh, symtab->sh_link, &strtab) < 0 ||
	    !in_file(symtab->sh_offset, symtab->sh_size, len) ||
	    !in_file(strtab.sh_offset, strtab.sh_size, len))
		return;
	for (uint64_t i = 0; i < n; i++) {
		Elf64_Sym sym;
		const char *name;
		uint64_t room;

		memcpy(&sym, img + symtab->sh_offset + i * sizeof(sym), sizeof(sym));
		if (sym.st_name >= strtab.sh_size)
			continue;
		name = (const char *)img + strtab.sh_offset + sym.st_name;
		room = strtab.sh_size - sym.st_name;
		if (room >= 7 && !memcmp(name, "tohost", 7))
			info->tohost = sym.st_value;
		else if (room >= 9 && !memcmp(name, "fromhost", 9))
			info->fromhost = sym.st_value;
	}
}

/* Find tohost/fromhost in the symbol table; a missing or malformed table
 * just means no HTIF. */
static void find_htif(const uint8_t *img, size_t len, const Elf64_Ehdr *eh,
		      struct vcpu_elf_info *info)
{
	Elf64_Shdr sh;

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (section(img, len, eh, i, &sh) < 0)
			return;
		if (sh.sh_type == SHT_SYMTAB) {
			symbol_scan(img, len, eh, &sh, info);
			return;
		}
	}
}

int vcpu_elf_load(const uint8_t *img, size_t len, const struct vcpu_ram *ram,
		  struct vcpu_elf_info *info, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	int rc;

	memset(info, 0, sizeof(*info));
	if (!img || len < sizeof(eh))
		return fail(err, errlen, -ENOEXEC, "file too short for an ELF header");
	memcpy(&eh, img, sizeof(eh));
	rc = check_header(&eh, len, err, errlen);
	if (rc < 0)
		return rc;
	rc = load_segments(img, len, &eh, ram, info, err, errlen);
	if (rc < 0)
		return rc;
	info->entry = eh.e_entry;
	find_htif(img, len, &eh, info);
	return 0;
}

int vcpu_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	uint8_t *b = NULL;
	size_t got = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		rc = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto err_close;
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		rc = -ENOMEM;
		goto err_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			goto err_free;
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = got;
	return 0;

err_free:
	free(b);
err_close:
	close(fd);
	return rc;
}

int vcpu_elf_load_file(const char *path, const struct vcpu_ram *ram,
		       struct vcpu_elf_info *info, char *err, size_t errlen)
{
	uint8_t *img;
	size_t len;
	int rc = vcpu_read_file(path, MAX_IMAGE, &img, &len);

	if (rc < 0)
		return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	rc = vcpu_elf_load(img, len, ram, info, err, errlen);
	free(img);
	return rc;
}

int64_t vcpu_raw_load_file(const char *path, uint64_t addr,
			   const struct vcpu_ram *ram, char *err, size_t errlen)
{
	uint8_t *img, *dst;
	size_t len;
	int rc = vcpu_read_file(path, MAX_IMAGE, &img, &len);

	if (rc < 0)
		return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	dst = in_ram(ram, addr, len);
	if (!dst) {
		free(img);
		return fail(err, errlen, -ERANGE, "%s: %zu bytes at 0x%llx exceed RAM",
			    path, len, (unsigned long long)addr);
	}
	memcpy(dst, img, len);
	free(img);
	return (int64_t)len;
}
