/* SPDX-License-Identifier: MIT */
/*
 * The MMIO server of tessera-devmgr: one thread per hart serving that
 * hart's ring pair against the device bus, plus one poll thread for the
 * devices' background work (UART input, RTC alarm). Interrupts go out
 * through vcpu_irqchip_set_line on the shared irqchip page, which also
 * wakes a hart sleeping in WFI.
 *
 * Process-agnostic: tessera-devmgr calls it after mmu_vm_attach, and the
 * tests run it inside a forked process.
 */
#ifndef TESSERA_DEVMGR_SERVER_H
#define TESSERA_DEVMGR_SERVER_H

#include <stdint.h>

#include "devmgr/bus.h"
#include "vcpu/irqchip.h"

#define DEV_SERVER_POLL_NS 2000000ll   /* background work period: 2 ms */

struct dev_server;

/*
 * dev_server_set_irq - a dev_env.set_irq that drives PLIC source @irq of
 * the irqchip @opaque (a struct vcpu_irqchip in shared memory);
 * vcpu_irqchip_set_line also wakes harts sleeping in WFI. Inline so that
 * the caller's object, not tessera_dev (linked after tessera_vcpu),
 * refers to the vcpu library.
 */
static inline void dev_server_set_irq(void *opaque, unsigned irq, int level)
{
	if (opaque)
		vcpu_irqchip_set_line(opaque, irq, level);
}

/*
 * dev_server_new - a server for @nharts harts (1..VCPU_MAX_HARTS) whose
 * ring pairs are @mmio[h] (each @bytes long, mapped) against @bus (not
 * owned; must outlive the server). Attaches every ring pair, starts no
 * thread. Returns NULL with errno set (EPROTO for a bad ring).
 */
struct dev_server *dev_server_new(struct dev_bus *bus, void *const *mmio,
				  uint64_t bytes, unsigned nharts);

/*
 * dev_server_start - start the hart threads and the poll thread.
 * Returns 0 or -errno (then no thread runs).
 */
int dev_server_start(struct dev_server *s);

/*
 * dev_server_stop - ask every thread to stop and join them (within about
 * one ring wait period, 50 ms). Idempotent.
 */
void dev_server_stop(struct dev_server *s);

/* dev_server_destroy - stop, free *@ps (NULL is fine), clear it. */
void dev_server_destroy(struct dev_server **ps);

/* dev_server_served - requests answered so far, over every hart. */
uint64_t dev_server_served(struct dev_server *s);

#endif
