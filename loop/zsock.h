/*
 * zsock.h: a ZeroMQ socket in the event loop.
 *
 * ZMQ_FD is edge-triggered: after each wake-up the socket is read until
 * ZMQ_EVENTS shows no ZMQ_POLLIN, and checked again after every send (a
 * send can consume the edge of a pending receive).
 */
#ifndef WALLBOARD_ZSOCK_H
#define WALLBOARD_ZSOCK_H

#include <stddef.h>
#include <zmq.h>

struct proc;
struct zsock;

/* One received message: its last frame, and how many frames came before it
 * (topics). Valid during the callback only. */
struct zsock_message {
	const char *data;
	size_t len;
	const char *topic;      /* the first frame when there are several, else NULL */
	size_t topic_len;
	size_t frames;
};

/* A socket of `type` (ZMQ_SUB, ZMQ_PUB, ZMQ_REP, ...) in the shared context. */
struct zsock *zsock_new(struct proc *, void *zctx, int type);
void zsock_free(struct zsock **);
void *zsock_raw(struct zsock *);

/* Bind or connect; on failure -1, and a sentence in err. */
int zsock_bind(struct zsock *, const char *endpoint, char *err, size_t errlen);
int zsock_connect(struct zsock *, const char *endpoint, char *err, size_t errlen);

/* Start reading: on_message for each message, then on_drained once the
 * socket has nothing more (for batch work: flush, publish). */
void zsock_watch(struct zsock *, void (*on_message)(const struct zsock_message *, void *),
    void (*on_drained)(void *), void *arg);

/* Send frames as one message (non-blocking; returns -1 if it would block or
 * failed, e.g. a PUB at its high-water mark). Re-checks for input. */
int zsock_send(struct zsock *, const void *const *frames, const size_t *lens, size_t n);

/* One whole message read straight from a socket, for a thread that owns
 * one outside the loop (ingest.c). More frames than ZSOCK_FRAMES keep the
 * first ones and the last (the event). */
#define ZSOCK_FRAMES 4
struct zsock_frames {
	zmq_msg_t f[ZSOCK_FRAMES];
	size_t n;
};
/* 1 with a message in fr (close it with zsock_frames_close), 0 when none is
 * waiting. Never blocks. */
int zsock_recv_frames(void *socket, struct zsock_frames *fr);
void zsock_frames_close(struct zsock_frames *fr);

/* Read anything that is waiting now (after a send elsewhere). */
void zsock_drain(struct zsock *);

#endif
