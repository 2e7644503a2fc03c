/* SPDX-License-Identifier: MIT */
/*
 * The shared ZeroMQ context (see zctx.h): a reference count under a mutex.
 */
#include "broker/zctx.h"

#include <errno.h>
#include <pthread.h>
#include <zmq.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *ctx;
static unsigned refs;

void *ev_zctx_get(void)
{
	void *c;

	pthread_mutex_lock(&lock);
	if (!ctx)
		ctx = zmq_ctx_new();
	if (ctx)
		refs++;
	c = ctx;
	pthread_mutex_unlock(&lock);
	if (!c)
		errno = ENOMEM;
	return c;
}

void ev_zctx_put(void)
{
	void *c = NULL;

	pthread_mutex_lock(&lock);
	if (refs > 0 && --refs == 0) {
		c = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&lock);
	if (c)
		zmq_ctx_term(c);
}
