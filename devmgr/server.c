/* SPDX-License-Identifier: MIT */
/*
 * The devmgr MMIO server: hart threads blocking on their request rings,
 * and a poll thread for device background work.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devmgr/server.h"
#include "shm/mmio.h"

#define SERVE_WAIT_NS 50000000ll   /* how often a hart thread checks stop */

struct dev_server;

struct hart_srv {
	struct dev_server *s;
	struct shm_mmio_server ring;
	pthread_t thread;
	int started;
};

struct dev_server {
	struct dev_bus *bus;
	unsigned nharts;
	int running;
	struct hart_srv hart[VCPU_MAX_HARTS];
	pthread_t poller;
	int poller_started;
};

struct dev_server *dev_server_new(struct dev_bus *bus, void *const *mmio,
				  uint64_t bytes, unsigned nharts)
{
	struct dev_server *s;

	if (!bus || !mmio || nharts < 1 || nharts > VCPU_MAX_HARTS) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->bus = bus;
	s->nharts = nharts;
	for (unsigned h = 0; h < nharts; h++) {
		s->hart[h].s = s;
		if (shm_mmio_server_attach(&s->hart[h].ring, mmio[h], bytes) < 0)
			goto err_free;
	}
	return s;
err_free:
	free(s);
	errno = EPROTO;
	return NULL;
}

static int is_running(struct dev_server *s)
{
	return __atomic_load_n(&s->running, __ATOMIC_ACQUIRE);
}

static void *hart_main(void *arg)
{
	struct hart_srv *h = arg;

	while (is_running(h->s)) {
		int err = shm_mmio_serve_one(&h->ring, dev_bus_mmio, h->s->bus,
					     SERVE_WAIT_NS);

		/* A corrupt ring stays corrupt: back off instead of spinning. */
		if (err == -EPROTO) {
			struct timespec ts = { 0, SERVE_WAIT_NS };

			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

static void *poll_main(void *arg)
{
	struct dev_server *s = arg;
	struct timespec ts = { 0, DEV_SERVER_POLL_NS };

	while (is_running(s)) {
		dev_bus_poll(s->bus);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int dev_server_start(struct dev_server *s)
{
	int err;

	if (!s || is_running(s))
		return -EINVAL;
	__atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
	for (unsigned h = 0; h < s->nharts; h++) {
		err = pthread_create(&s->hart[h].thread, NULL, hart_main,
				     &s->hart[h]);
		if (err)
			goto err_stop;
		s->hart[h].started = 1;
	}
	err = pthread_create(&s->poller, NULL, poll_main, s);
	if (err)
		goto err_stop;
	s->poller_started = 1;
	return 0;
err_stop:
	dev_server_stop(s);
	return -err;
}

void dev_server_stop(struct dev_server *s)
{
	if (!s)
		return;
	__atomic_store_n(&s->running, 0, __ATOMIC_RELEASE);
	for (unsigned h = 0; h < s->nharts; h++) {
		if (s->hart[h].started)
			pthread_join(s->hart[h].thread, NULL);
		s->hart[h].started = 0;
	}
	if (s->poller_started)
		pthread_join(s->poller, NULL);
	s->poller_started = 0;
}

void dev_server_destroy(struct dev_server **ps)
{
	struct dev_server *s = ps ? *ps : NULL;

	if (!s)
		return;
	dev_server_stop(s);
	free(s);
	*ps = NULL;
}

uint64_t dev_server_served(struct dev_server *s)
{
	uint64_t n = 0;

	for (unsigned h = 0; s && h < s->nharts; h++)
		n += s->hart[h].ring.served;
	return n;
}
