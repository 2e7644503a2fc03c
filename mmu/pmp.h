/* SPDX-License-Identifier: MIT */
/*
 * Physical memory protection (RISC-V privileged spec v1.12, 3.7): 16
 * entries, grain 4 bytes (G = 0, so NA4 is available), OFF/TOR/NA4/NAPOT,
 * the L bit, no Smepmp. The registers live in struct vcpu_state; this
 * module checks accesses against them and implements the WARL rules of
 * CSR writes, flushing the TLB (which caches PMP decisions) on a change.
 *
 * Rules: the lowest-numbered entry matching any byte of an access decides,
 * and must cover all of its bytes or the access fails. M-mode obeys only
 * locked entries. When no entry matches, M-mode succeeds and S/U fail
 * (entries are implemented, even when all are OFF).
 */
#ifndef TESSERA_MMU_PMP_H
#define TESSERA_MMU_PMP_H

#include <stdint.h>

#include "mmu/mmu.h"

#define MMU_PMP_R 0x01u
#define MMU_PMP_W 0x02u
#define MMU_PMP_X 0x04u
#define MMU_PMP_A_SHIFT 3
#define MMU_PMP_A_OFF   0u
#define MMU_PMP_A_TOR   1u
#define MMU_PMP_A_NA4   2u
#define MMU_PMP_A_NAPOT 3u
#define MMU_PMP_L 0x80u
#define MMU_PMP_ADDR_MASK ((1ull << 54) - 1)  /* pmpaddr holds pa[55:2] */

/* Returned with no permission bits when an entry only partly covers. */
#define MMU_PMP_PARTIAL 0x100

/*
 * mmu_pmp_prot - the permissions (MMU_PROT_R/W/X bits) PMP grants an
 * access of privilege @priv to every byte of [@pa, @pa + @len), @len >= 1:
 * the deciding entry's bits (all of them for M and an unlocked entry).
 * Returns MMU_PMP_PARTIAL when the deciding entry covers only part of the
 * range: an access must then fail, a page must not be cached. Pure.
 */
int mmu_pmp_prot(const struct vcpu_state *s, uint64_t pa, uint64_t len,
		 unsigned priv);

/*
 * mmu_pmp_cfg_byte - configuration byte of entry @i (0..15).
 */
static inline unsigned mmu_pmp_cfg_byte(const struct vcpu_state *s,
					unsigned i)
{
	return (unsigned)(s->pmpcfg[i / 8] >> (8 * (i % 8))) & 0xff;
}

/*
 * mmu_pmp_write_cfg - CSR write of pmpcfg@reg (0 or 2 on RV64): bytes of
 * locked entries keep their value, reserved bits 5-6 read 0, and the
 * reserved R=0 W=1 combination clears both. Flushes the TLB. Returns 0,
 * or -EINVAL for another @reg (the caller raises illegal instruction).
 */
int mmu_pmp_write_cfg(struct mmu_hart *m, unsigned reg, uint64_t val);

/*
 * mmu_pmp_write_addr - CSR write of pmpaddr@idx (0..15): ignored when
 * entry @idx is locked, or entry @idx + 1 is locked TOR; bits above 53
 * read 0. Flushes the TLB. Returns 0, or -EINVAL for a bad @idx.
 */
int mmu_pmp_write_addr(struct mmu_hart *m, unsigned idx, uint64_t val);

#endif
