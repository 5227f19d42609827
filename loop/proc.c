/*
 * proc.c: the event loop, on libevent.
 */
#include "proc.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

#define PROC_SIGNALS 8

struct proc_signal_handler {
	struct event *ev;
	void (*cb)(int, void *);
	void *arg;
	int signo;
};

struct proc {
	struct event_base *base;
	struct proc_signal_handler signals[PROC_SIGNALS];
	int n_signals;
};

struct proc_timer {
	struct event *ev;
	void (*cb)(void *);
	void *arg;
};

struct proc_fd {
	struct event *ev;
	void (*cb)(void *);
	void *arg;
};

struct proc *
proc_new(void)
{
	struct proc *p = xcalloc(1, sizeof *p);

	p->base = event_base_new();
	if (p->base == NULL)
		fatalx("cannot create the event loop");
	return p;
}

void
proc_free(struct proc **pp)
{
	struct proc *p = pp ? *pp : NULL;

	if (p == NULL)
		return;
	for (int i = 0; i < p->n_signals; i++)
		event_free(p->signals[i].ev);
	event_base_free(p->base);
	free(p);
	*pp = NULL;
}

int
proc_loop(struct proc *p)
{
	event_base_dispatch(p->base);
	return 0;
}

void
proc_exit(struct proc *p)
{
	event_base_loopbreak(p->base);
}

struct event_base *
proc_base(struct proc *p)
{
	return p->base;
}

static void
proc_timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct proc_timer *t = arg;

	t->cb(t->arg);
}

struct proc_timer *
proc_timer_new(struct proc *p, void (*cb)(void *), void *arg)
{
	struct proc_timer *t = xcalloc(1, sizeof *t);

	t->cb = cb;
	t->arg = arg;
	t->ev = evtimer_new(p->base, proc_timer_fire, t);
	return t;
}

void
proc_timer_after(struct proc_timer *t, int64_t delay_ms)
{
	struct timeval tv;

	if (delay_ms < 0)
		delay_ms = 0;
	tv.tv_sec = (time_t)(delay_ms / 1000);
	tv.tv_usec = (suseconds_t)(delay_ms % 1000) * 1000;
	evtimer_add(t->ev, &tv);
}

void
proc_timer_cancel(struct proc_timer *t)
{
	evtimer_del(t->ev);
}

int
proc_timer_pending(const struct proc_timer *t)
{
	return evtimer_pending(t->ev, NULL);
}

void
proc_timer_free(struct proc_timer **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	event_free((*tp)->ev);
	free(*tp);
	*tp = NULL;
}

static void
proc_fd_fire(evutil_socket_t fd, short what, void *arg)
{
	struct proc_fd *f = arg;

	f->cb(f->arg);
}

struct proc_fd *
proc_fd_new(struct proc *p, int fd, void (*cb)(void *), void *arg)
{
	struct proc_fd *f = xcalloc(1, sizeof *f);

	f->cb = cb;
	f->arg = arg;
	f->ev = event_new(p->base, fd, EV_READ | EV_PERSIST, proc_fd_fire, f);
	event_add(f->ev, NULL);
	return f;
}

void
proc_fd_free(struct proc_fd **fp)
{
	if (fp == NULL || *fp == NULL)
		return;
	event_free((*fp)->ev);
	free(*fp);
	*fp = NULL;
}

static void
proc_signal_fire(evutil_socket_t fd, short what, void *arg)
{
	struct proc_signal_handler *h = arg;

	h->cb(h->signo, h->arg);
}

void
proc_signal(struct proc *p, int signo, void (*cb)(int, void *), void *arg)
{
	struct proc_signal_handler *h;

	if (p->n_signals == PROC_SIGNALS)
		fatalx("too many signal handlers");
	h = &p->signals[p->n_signals++];
	h->cb = cb;
	h->arg = arg;
	h->signo = signo;
	h->ev = evsignal_new(p->base, signo, proc_signal_fire, h);
	evsignal_add(h->ev, NULL);
}

int64_t
proc_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
proc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
proc_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long long size, resident;
	int n;

	if (f == NULL)
		return -1;
	n = fscanf(f, "%lld %lld", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (int64_t)sysconf(_SC_PAGESIZE) : -1;
}
