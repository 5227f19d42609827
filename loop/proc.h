/*
 * loop/ is what every program's event loop shares: libevent (proc.c) and
 * ZeroMQ sockets bridged into it (zsock.c). It uses core/ only; the daemon
 * and both boards run on it.
 *
 * proc.h: the event loop. The one file of loop/ that touches libevent (tmux's
 * proc.c): timers, file descriptors and signals, each owned by the object
 * it serves.
 */
#ifndef WALLBOARD_PROC_H
#define WALLBOARD_PROC_H

#include <stdint.h>

struct proc;
struct proc_timer;
struct proc_fd;
struct event_base;

struct proc *proc_new(void);
void proc_free(struct proc **);
/* Run until proc_exit; returns 0. */
int proc_loop(struct proc *);
void proc_exit(struct proc *);
/* For libevent-based edges (httpd.c's listener and bufferevents) that need
 * the base itself. */
struct event_base *proc_base(struct proc *);

/* A one-shot timer; arm it with proc_timer_after. */
struct proc_timer *proc_timer_new(struct proc *, void (*cb)(void *), void *arg);
/* (Re)arm to fire once after delay_ms (0: at the next loop turn). */
void proc_timer_after(struct proc_timer *, int64_t delay_ms);
void proc_timer_cancel(struct proc_timer *);
int proc_timer_pending(const struct proc_timer *);
void proc_timer_free(struct proc_timer **);

/* Call cb whenever fd is readable (persistent, level-triggered). */
struct proc_fd *proc_fd_new(struct proc *, int fd, void (*cb)(void *), void *arg);
void proc_fd_free(struct proc_fd **);

/* Call cb in the loop (not in the handler) when signo arrives. */
void proc_signal(struct proc *, int signo, void (*cb)(int signo, void *), void *arg);

/* Clocks, in ms: the wall clock (for event time) and a monotonic one (for
 * rates and intervals). The only clock reads in the daemon. */
int64_t proc_wall_ms(void);
int64_t proc_mono_ms(void);
/* The process's resident memory, bytes (/proc/self/statm); -1 if unknown. */
int64_t proc_rss_bytes(void);

#endif
