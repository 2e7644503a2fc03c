/* SPDX-License-Identifier: MIT */
/*
 * The domain event catalogue: every topic Tessera publishes and every field
 * of every event, in one X-macro table. Everything else about events (the C
 * structs, the tagged union, the msgpack encoder and decoder, the text and
 * JSON printers, the per-topic publish helpers) is generated from it, so a
 * new event or field is one line here and nothing else.
 *
 * EV_TOPICS(T) calls T(ID, name, "topic.string", batchable) once per topic:
 *   ID         suffix of the enum constant EV_TOPIC_<ID>
 *   name       C name of the event struct (struct ev_<name>) and of the
 *              union member in struct ev_event (ev->u.<name>); the fields
 *              come from EV_FIELDS_<name>(F, X)
 *   batchable  1 for high-frequency topics whose events a publisher may pack
 *              several to a ZeroMQ message (see codec.h, "Frames")
 *
 * EV_FIELDS_<name>(F, X) calls F(X, TYPE, field, DISPLAY) once per field, in
 * wire order; X is passed through untouched, so that a generator can tell
 * F which topic it is expanding. EV_HEADER_FIELDS(F, X) lists the header
 * every event carries before its own fields.
 *   TYPE     U32, U64 (msgpack unsigned int, range-checked), I64 (signed),
 *            STR (msgpack str, at most EV_STR_MAX - 1 bytes, no NUL),
 *            ACC (memory access kind: the one-character str "r", "w" or
 *            "x"), TIME (msgpack timestamp extension, type -1)
 *   DISPLAY  HEX or DEC for numbers in text output, TXT otherwise
 *
 * Topic strings are ZeroMQ subscription prefixes: "memory." selects every
 * memory topic, "" everything. Keep the domain before the first dot.
 */
#ifndef TESSERA_BROKER_CATALOGUE_H
#define TESSERA_BROKER_CATALOGUE_H

#define EV_HEADER_FIELDS(F, X)                                                \
	F(X, STR,  vm_id,       TXT)  /* VM instance name, unique on a host */ \
	F(X, STR,  source,      TXT)  /* publisher: "vcpu0", "mmu", "devmgr" */ \
	F(X, U64,  seq,         DEC)  /* per publisher and topic, gap-free */ \
	F(X, TIME, occurred_at, TXT)

#define EV_TOPICS(T)                                                          \
	T(CODE_BLOCK_COMPILED, code_block_compiled,                           \
	  "execution.code_block_compiled", 0)                                 \
	T(HOTSPOT_DETECTED, hotspot_detected, "execution.hotspot_detected", 0) \
	T(MEMORY_ALLOCATED, memory_allocated, "memory.allocated", 0)          \
	T(MEMORY_FREED, memory_freed, "memory.freed", 0)                      \
	T(MEMORY_MAPPED, memory_mapped, "memory.mapped", 0)                   \
	T(MEMORY_UNMAPPED, memory_unmapped, "memory.unmapped", 0)             \
	T(PAGE_FAULT, page_fault, "memory.page_fault", 1)                     \
	T(DEVICE_INTERRUPT, device_interrupt, "device.interrupt", 1)          \
	T(IO_COMPLETED, io_completed, "device.io_completed", 1)               \
	T(DEVICE_ADDED, device_added, "device.added", 0)                      \
	T(DEVICE_REMOVED, device_removed, "device.removed", 0)                \
	T(VM_STARTED, vm_started, "vm.started", 0)                            \
	T(VM_STOPPED, vm_stopped, "vm.stopped", 0)                            \
	T(COMPONENT_STARTED, component_started, "component.started", 0)       \
	T(COMPONENT_READY, component_ready, "component.ready", 0)             \
	T(COMPONENT_STOPPED, component_stopped, "component.stopped", 0)       \
	T(COMPONENT_RESTARTED, component_restarted, "component.restarted", 0)

/* vcpu (JIT): a guest block was translated. */
#define EV_FIELDS_code_block_compiled(F, X)                                   \
	F(X, U64, pc,         HEX)   /* guest address of the block */         \
	F(X, U32, block_size, DEC)   /* guest bytes translated */             \
	F(X, U32, host_size,  DEC)   /* host code bytes emitted */            \
	F(X, U64, compile_ns, DEC)

/* vcpu: a block crossed the hotness threshold. */
#define EV_FIELDS_hotspot_detected(F, X)                                      \
	F(X, U64, pc,              HEX)                                       \
	F(X, U64, execution_count, DEC)

/* mmu: a shared region was created or destroyed. */
#define EV_FIELDS_memory_allocated(F, X)                                      \
	F(X, U64, addr,   HEX)       /* guest physical base, 0 if not mapped */ \
	F(X, U64, size,   DEC)                                                \
	F(X, STR, region, TXT)       /* region name: "ram", "vcpu-state.0" */
#define EV_FIELDS_memory_freed(F, X) EV_FIELDS_memory_allocated(F, X)

/* mmu: a process mapped or unmapped a region. */
#define EV_FIELDS_memory_mapped(F, X)                                         \
	F(X, U64, addr,   HEX)                                                \
	F(X, U64, size,   DEC)                                                \
	F(X, STR, region, TXT)                                                \
	F(X, STR, by,     TXT)       /* the process: "vcpu0", "devmgr" */
#define EV_FIELDS_memory_unmapped(F, X) EV_FIELDS_memory_mapped(F, X)

/* vcpu page walker: a guest page fault (cause is the scause code). */
#define EV_FIELDS_page_fault(F, X)                                            \
	F(X, U64, addr,   HEX)                                                \
	F(X, U64, pc,     HEX)                                                \
	F(X, ACC, access, TXT)                                                \
	F(X, U32, cause,  DEC)

/* devmgr: a device raised its interrupt line. */
#define EV_FIELDS_device_interrupt(F, X)                                      \
	F(X, STR, device_id, TXT)    /* "uart0", "vblk1" */                   \
	F(X, U32, irq,       DEC)

/* devmgr: a device request finished. */
#define EV_FIELDS_io_completed(F, X)                                          \
	F(X, STR, device_id,         TXT)                                     \
	F(X, U64, bytes_transferred, DEC)                                     \
	F(X, STR, op,                TXT)  /* "read", "write", "flush", ... */

/* devmgr: hot-plug. */
#define EV_FIELDS_device_added(F, X)                                          \
	F(X, STR, device_id, TXT)                                             \
	F(X, STR, kind,      TXT)    /* dev_ops kind: "uart", "virtio-blk" */ \
	F(X, U64, base,      HEX)                                             \
	F(X, U32, irq,       DEC)
#define EV_FIELDS_device_removed(F, X) EV_FIELDS_device_added(F, X)

/* supervisor: the VM as a whole. */
#define EV_FIELDS_vm_started(F, X)                                            \
	F(X, U32, harts,    DEC)                                              \
	F(X, U64, ram_size, DEC)
#define EV_FIELDS_vm_stopped(F, X)                                            \
	F(X, STR, reason,    TXT)    /* "poweroff", "reset", "signal", ... */ \
	F(X, I64, exit_code, DEC)

/* each service (or its supervisor): lifecycle of one component. */
#define EV_FIELDS_component_started(F, X)                                     \
	F(X, STR, component, TXT)    /* "broker", "mmu", "devmgr", "vcpu0" */ \
	F(X, U32, pid,       DEC)
#define EV_FIELDS_component_ready(F, X) EV_FIELDS_component_started(F, X)
#define EV_FIELDS_component_stopped(F, X)                                     \
	F(X, STR, component, TXT)                                             \
	F(X, U32, pid,       DEC)                                             \
	F(X, STR, reason,    TXT)    /* "exit", "signal", "watchdog", ... */  \
	F(X, I64, status,    DEC)    /* exit status, or -signal */
#define EV_FIELDS_component_restarted(F, X)                                   \
	F(X, STR, component, TXT)                                             \
	F(X, U32, pid,       DEC)    /* the new process */                    \
	F(X, U32, restarts,  DEC)    /* restarts so far, this one included */ \
	F(X, STR, reason,    TXT)

#endif
