/* SPDX-License-Identifier: MIT */
/*
 * One ZeroMQ context per process, shared by every publisher, subscriber
 * and proxy that does not bring its own: a context owns an I/O thread,
 * and a vcpu process with one publisher per hart needs only one.
 */
#ifndef TESSERA_BROKER_ZCTX_H
#define TESSERA_BROKER_ZCTX_H

/*
 * ev_zctx_get - the process-wide context, created on first use, with one
 * more reference. Thread-safe. Returns NULL with errno set on failure.
 */
void *ev_zctx_get(void);

/*
 * ev_zctx_put - drop a reference taken by ev_zctx_get; the last one
 * terminates the context, which waits for the sockets' linger periods,
 * so close every socket first. Thread-safe.
 */
void ev_zctx_put(void);

#endif
