/* SPDX-License-Identifier: MIT */
/*
 * The service event loop (see loop.h). Entries are few, so they sit in a
 * list; removal inside a handler only marks the entry dead, and dead
 * entries are freed between rounds, so an epoll event already fetched
 * for a removed fd is never dispatched to freed memory.
 */
#include "services/lib/loop.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "services/lib/notify.h"

enum kind { K_STOP, K_SIGNAL, K_FD, K_ZMQ, K_TIMER };

struct entry {
	struct entry *next;
	int fd;
	enum kind kind;
	int dead;
	svc_fd_fn fn;
	svc_timer_fn tfn;
	void *user;
};

struct svc_loop {
	int ep;
	struct entry stop, sig;       /* the loop's own eventfd and signalfd */
	struct entry *entries;
	sigset_t old_mask;
	int stopping, signo, err, zmq_more;
};

static int watch(struct svc_loop *l, struct entry *e, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = e };

	return epoll_ctl(l->ep, EPOLL_CTL_ADD, e->fd, &ev) < 0 ? -errno : 0;
}

static int open_own_fds(struct svc_loop *l)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	l->stop.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->ep < 0 || l->stop.fd < 0)
		return -errno;
	if (pthread_sigmask(SIG_BLOCK, &mask, &l->old_mask) != 0)
		return -EINVAL;
	l->sig.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sig.fd < 0)
		return -errno;
	l->stop.kind = K_STOP;
	l->sig.kind = K_SIGNAL;
	if (watch(l, &l->stop, EPOLLIN) < 0 || watch(l, &l->sig, EPOLLIN) < 0)
		return -errno;
	return 0;
}

struct svc_loop *svc_loop_new(void)
{
	struct svc_loop *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return NULL;
	l->ep = l->stop.fd = l->sig.fd = -1;
	sigemptyset(&l->old_mask);
	err = open_own_fds(l);
	if (err < 0) {
		svc_loop_destroy(&l);
		errno = -err;
		return NULL;
	}
	return l;
}

/* Signals taken while we blocked them must not fire once unblocked. */
static void drain_signals(int fd)
{
	struct signalfd_siginfo si;

	while (fd >= 0 && read(fd, &si, sizeof(si)) == sizeof(si))
		;
}

void svc_loop_destroy(struct svc_loop **lp)
{
	struct svc_loop *l;
	struct entry *e;

	if (!lp || !*lp)
		return;
	l = *lp;
	while ((e = l->entries)) {
		l->entries = e->next;
		if (e->kind == K_TIMER)
			close(e->fd);
		free(e);
	}
	drain_signals(l->sig.fd);
	if (l->sig.fd >= 0) {
		close(l->sig.fd);
		pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
	}
	if (l->stop.fd >= 0)
		close(l->stop.fd);
	if (l->ep >= 0)
		close(l->ep);
	free(l);
	*lp = NULL;
}

static struct entry *find(struct svc_loop *l, int fd)
{
	for (struct entry *e = l->entries; e; e = e->next) {
		if (e->fd == fd && !e->dead)
			return e;
	}
	return NULL;
}

static int add(struct svc_loop *l, int fd, enum kind kind, uint32_t events,
	       svc_fd_fn fn, svc_timer_fn tfn, void *user)
{
	struct entry *e;
	int rc;

	if (fd < 0 || find(l, fd))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	*e = (struct entry){ .fd = fd, .kind = kind, .fn = fn, .tfn = tfn,
			     .user = user };
	rc = watch(l, e, events);
	if (rc < 0) {
		free(e);
		return rc;
	}
	e->next = l->entries;
	l->entries = e;
	return 0;
}

int svc_loop_add_fd(struct svc_loop *l, int fd, uint32_t events,
		    svc_fd_fn fn, void *user)
{
	return fn ? add(l, fd, K_FD, events, fn, NULL, user) : -EINVAL;
}

int svc_loop_add_zmq(struct svc_loop *l, int fd, svc_fd_fn fn, void *user)
{
	int rc = fn ? add(l, fd, K_ZMQ, EPOLLIN, fn, NULL, user) : -EINVAL;

	/* Messages may already wait: run it once before sleeping. */
	if (rc == 0)
		l->zmq_more = 1;
	return rc;
}

int svc_loop_del_fd(struct svc_loop *l, int fd)
{
	struct entry *e = find(l, fd);

	if (!e)
		return -ENOENT;
	epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	e->dead = 1;
	return 0;
}

int svc_loop_add_timer(struct svc_loop *l, uint64_t interval_ms,
		       svc_timer_fn fn, void *user)
{
	struct itimerspec its = { 0 };
	int fd, rc;

	if (!fn || interval_ms == 0)
		return -EINVAL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	its.it_interval.tv_sec = (time_t)(interval_ms / 1000);
	its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000;
	its.it_value = its.it_interval;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		rc = -errno;
		goto err_close;
	}
	rc = add(l, fd, K_TIMER, EPOLLIN, NULL, fn, user);
	if (rc < 0)
		goto err_close;
	return fd;

err_close:
	close(fd);
	return rc;
}

int svc_loop_del_timer(struct svc_loop *l, int id)
{
	struct entry *e = find(l, id);

	if (!e || e->kind != K_TIMER)
		return -ENOENT;
	return svc_loop_del_fd(l, id);
}

static int watchdog_ping(struct svc_loop *l, void *user)
{
	svc_notify_watchdog();
	return 0;
}

int svc_loop_watchdog(struct svc_loop *l)
{
	uint64_t usec;
	int rc = svc_watchdog_usec(&usec);

	if (rc <= 0)
		return rc;
	rc = svc_loop_add_timer(l, usec / 2000 ? usec / 2000 : 1,
				watchdog_ping, NULL);
	return rc < 0 ? rc : 1;
}

static void fail(struct svc_loop *l, int rc)
{
	if (l->err == 0)
		l->err = rc;
	l->stopping = 1;
}

static void dispatch(struct svc_loop *l, struct entry *e, uint32_t events)
{
	struct signalfd_siginfo si;
	uint64_t n;
	int rc = 0;

	if (e->dead)
		return;
	switch (e->kind) {
	case K_STOP:
		if (read(e->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			rc = -errno;
		l->stopping = 1;
		break;
	case K_SIGNAL:
		if (read(e->fd, &si, sizeof(si)) == sizeof(si)) {
			l->signo = (int)si.ssi_signo;
			l->stopping = 1;
		}
		break;
	case K_TIMER:
		if (read(e->fd, &n, sizeof(n)) == sizeof(n))
			rc = e->tfn(l, e->user);
		break;
	case K_FD:
		rc = e->fn(l, e->fd, events, e->user);
		break;
	case K_ZMQ:
		break;            /* run_zmq calls every one of them */
	}
	if (rc < 0)
		fail(l, rc);
}

static void run_zmq(struct svc_loop *l)
{
	int more = 0, rc;

	for (struct entry *e = l->entries; e; e = e->next) {
		if (e->kind != K_ZMQ || e->dead)
			continue;
		rc = e->fn(l, e->fd, EPOLLIN, e->user);
		if (rc < 0)
			fail(l, rc);
		else if (rc > 0)
			more = 1;
	}
	l->zmq_more = more;
}

static void reap(struct svc_loop *l)
{
	struct entry **pe = &l->entries, *e;

	while ((e = *pe)) {
		if (!e->dead) {
			pe = &e->next;
			continue;
		}
		*pe = e->next;
		if (e->kind == K_TIMER)
			close(e->fd);
		free(e);
	}
}

int svc_loop_run(struct svc_loop *l)
{
	struct epoll_event evs[32];
	int n;

	l->stopping = 0;
	l->err = 0;
	l->signo = 0;
	while (!l->stopping) {
		n = epoll_wait(l->ep, evs, 32, l->zmq_more ? 0 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++)
			dispatch(l, evs[i].data.ptr, evs[i].events);
		run_zmq(l);
		reap(l);
	}
	return l->err;
}

void svc_loop_stop(struct svc_loop *l)
{
	uint64_t one = 1;

	if (write(l->stop.fd, &one, sizeof(one)) < 0) {
		/* The counter is full: a stop is already pending. */
	}
}

int svc_loop_signal(const struct svc_loop *l)
{
	return l->signo;
}
