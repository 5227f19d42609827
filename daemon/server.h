/*
 * daemon/ is wallboardd: ingest (its own thread), the journal written and
 * replayed, publishing, the control socket and HTTP. It uses core/ and
 * loop/. Inside it, control.c and http.c ask the server through service.h.
 *
 * server.h: the live daemon: ZeroMQ in, snapshots and alerts out.
 */
#ifndef WALLBOARD_SERVER_H
#define WALLBOARD_SERVER_H

#include "config.h"

/* Run the daemon in the foreground with `config` (taken over: the server
 * frees it, or a reloaded one) loaded from `path`, until SIGTERM or SIGINT.
 * Returns the exit status. */
int server_run(const char *path, struct config *config);

#endif
