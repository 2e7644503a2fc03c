/* SPDX-License-Identifier: MIT */
/*
 * Sv39/Sv48 page-table builders for the translation tests. Tables come from
 * a static pool reserved by link.ld; nothing is ever freed individually,
 * rt_pt_reset() starts the pool over.
 */
#include "rt.h"

extern char rt_pt_pool[], rt_pt_pool_end[];
static char *pt_next;

void rt_pt_reset(void)
{
	pt_next = rt_pt_pool;
}

uint64_t *rt_pt_alloc(void)
{
	uint64_t *page;

	if (!pt_next)
		pt_next = rt_pt_pool;
	if (pt_next >= rt_pt_pool_end)
		return NULL;
	page = (uint64_t *)pt_next;
	pt_next += 4096;
	memset(page, 0, 4096);
	return page;
}

static int levels_of(unsigned long mode)
{
	return mode == RT_SATP_SV48 ? 4 : 3;
}

static unsigned vpn(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static uint64_t *walk(uint64_t *root, unsigned long mode, uint64_t va,
		      int level, int create)
{
	uint64_t *table = root;

	for (int l = levels_of(mode) - 1; l > level; l--) {
		uint64_t *pte = &table[vpn(va, l)];

		if (!(*pte & PTE_V)) {
			uint64_t *next;

			if (!create || !(next = rt_pt_alloc()))
				return NULL;
			*pte = ((uint64_t)(uintptr_t)next >> 12) << 10 | PTE_V;
		} else if (*pte & PTE_RWX) {
			return NULL;
		}
		table = (uint64_t *)(uintptr_t)((*pte >> 10) << 12);
	}
	return &table[vpn(va, level)];
}

int rt_pt_map(uint64_t *root, unsigned long mode, uint64_t va, uint64_t pa,
	      int level, uint64_t flags)
{
	uint64_t *pte = walk(root, mode, va, level, 1);

	if (!pte)
		return -1;
	*pte = (pa >> 12) << 10 | flags | PTE_V;
	return 0;
}

uint64_t *rt_pt_entry(uint64_t *root, unsigned long mode, uint64_t va,
		      int level)
{
	return walk(root, mode, va, level, 0);
}

uint64_t rt_satp(unsigned long mode, uint64_t *root)
{
	return mode << 60 | (uint64_t)(uintptr_t)root >> 12;
}

int rt_pt_identity(uint64_t *root, unsigned long mode)
{
	uint64_t f = PTE_RWX | PTE_A | PTE_D;

	if (rt_pt_map(root, mode, 0, 0, 2, f) < 0)
		return -1;
	return rt_pt_map(root, mode, RT_RAM_BASE, RT_RAM_BASE, 2, f);
}
