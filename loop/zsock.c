/*
 * zsock.c: ZeroMQ sockets bridged into the loop through ZMQ_FD.
 */
#include "zsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "proc.h"
#include "xalloc.h"

struct zsock {
	struct proc *proc;
	void *socket;
	struct proc_fd *fd;
	void (*on_message)(const struct zsock_message *, void *);
	void (*on_drained)(void *);
	void *arg;
	int draining;
};

struct zsock *
zsock_new(struct proc *p, void *zctx, int type)
{
	struct zsock *z = xcalloc(1, sizeof *z);
	int linger = 0;

	z->socket = zmq_socket(zctx, type);
	if (z->socket == NULL)
		fatalx("zmq_socket: %s", zmq_strerror(errno));
	zmq_setsockopt(z->socket, ZMQ_LINGER, &linger, sizeof linger);
	z->proc = p;
	return z;
}

void
zsock_free(struct zsock **zp)
{
	struct zsock *z = zp ? *zp : NULL;

	if (z == NULL)
		return;
	proc_fd_free(&z->fd);
	zmq_close(z->socket);
	free(z);
	*zp = NULL;
}

void *
zsock_raw(struct zsock *z)
{
	return z->socket;
}

static int
zsock_result(int rc, const char *what, const char *endpoint, char *err, size_t errlen)
{
	if (rc != 0)
		snprintf(err, errlen, "cannot %s %s: %s", what, endpoint, zmq_strerror(errno));
	return rc == 0 ? 0 : -1;
}

int
zsock_bind(struct zsock *z, const char *endpoint, char *err, size_t errlen)
{
	return zsock_result(zmq_bind(z->socket, endpoint), "bind", endpoint, err, errlen);
}

int
zsock_connect(struct zsock *z, const char *endpoint, char *err, size_t errlen)
{
	return zsock_result(zmq_connect(z->socket, endpoint), "connect to", endpoint,
	    err, errlen);
}

static int
zsock_readable(struct zsock *z)
{
	int events = 0;
	size_t len = sizeof events;

	if (zmq_getsockopt(z->socket, ZMQ_EVENTS, &events, &len) != 0)
		return 0;
	return (events & ZMQ_POLLIN) != 0;
}

int
zsock_recv_frames(void *socket, struct zsock_frames *fr)
{
	int more = 1;

	fr->n = 0;
	while (more) {
		zmq_msg_t *f = &fr->f[fr->n < ZSOCK_FRAMES ? fr->n : ZSOCK_FRAMES - 1];

		if (fr->n >= ZSOCK_FRAMES)  /* keep the last frame: it is the event */
			zmq_msg_close(f);
		zmq_msg_init(f);
		if (zmq_msg_recv(f, socket, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(f);
			return fr->n > 0;
		}
		more = zmq_msg_more(f);
		if (fr->n < ZSOCK_FRAMES)
			fr->n++;
	}
	return 1;
}

void
zsock_frames_close(struct zsock_frames *fr)
{
	for (size_t i = 0; i < fr->n; i++)
		zmq_msg_close(&fr->f[i]);
	fr->n = 0;
}

void
zsock_drain(struct zsock *z)
{
	struct zsock_frames fr;
	struct zsock_message m;
	int got = 0;

	if (z->draining || z->on_message == NULL)
		return;
	z->draining = 1;
	/* Receive until there is nothing (EAGAIN), then ask ZMQ_EVENTS once:
	 * that both confirms the queue is empty and re-arms the edge of ZMQ_FD,
	 * without a ZMQ_EVENTS call per message at full load. */
	for (;;) {
		if (!zsock_recv_frames(z->socket, &fr) &&
		    (!zsock_readable(z) || !zsock_recv_frames(z->socket, &fr)))
			break;
		m.data = zmq_msg_data(&fr.f[fr.n - 1]);
		m.len = zmq_msg_size(&fr.f[fr.n - 1]);
		m.topic = fr.n > 1 ? zmq_msg_data(&fr.f[0]) : NULL;
		m.topic_len = fr.n > 1 ? zmq_msg_size(&fr.f[0]) : 0;
		m.frames = fr.n;
		z->on_message(&m, z->arg);
		zsock_frames_close(&fr);
		got = 1;
	}
	z->draining = 0;
	if (got && z->on_drained != NULL)
		z->on_drained(z->arg);
}

static void
zsock_wake(void *arg)
{
	zsock_drain(arg);
}

void
zsock_watch(struct zsock *z, void (*on_message)(const struct zsock_message *, void *),
    void (*on_drained)(void *), void *arg)
{
	int fd;
	size_t len = sizeof fd;

	z->on_message = on_message;
	z->on_drained = on_drained;
	z->arg = arg;
	if (zmq_getsockopt(z->socket, ZMQ_FD, &fd, &len) != 0)
		fatalx("ZMQ_FD: %s", zmq_strerror(errno));
	z->fd = proc_fd_new(z->proc, fd, zsock_wake, z);
	zsock_drain(z);     /* anything that came before we watched */
}

int
zsock_send(struct zsock *z, const void *const *frames, const size_t *lens, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (zmq_send(z->socket, frames[i], lens[i],
		    ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0)) < 0)
			rc = -1;
	zsock_drain(z);
	return rc;
}
