/*
 * gen.h: a deterministic event-stream generator for the benchmarks.
 *
 * A floor of agents serving queues: calls arrive at a steady rate, wait,
 * are answered (or abandoned), talk, wrap up; agents take breaks. Events come
 * out as protocol-v1 JSON lines in time order.
 */
#ifndef WALLBOARD_BENCH_GEN_H
#define WALLBOARD_BENCH_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gen_params {
	int agents;
	int queues;
	int teams;
	int64_t start_ms;
	int64_t duration_ms;
	double calls_per_s;
	uint64_t seed;
	size_t max_events;      /* stop after this many (0: no limit) */
	int feeds;              /* srcs "pbx00".. (each its own seq), 0: "bench" */
	bool named_states;      /* every agent.state names the agent's team and
	                         * queues again, as the PBX bridges send them */
};

struct gen_stream {
	char *text;             /* all lines, each ending in '\n' */
	size_t len;
	size_t *offsets;        /* start of each line */
	size_t n;
};

struct gen;

/* A generator for the given floor; free with gen_free. */
struct gen *gen_new(const struct gen_params *);
void gen_free(struct gen **);

/* Replace the stream's lines with the next (up to) max_lines of the
 * stream; returns false once the stream is over and nothing was added. */
int gen_fill(struct gen *, struct gen_stream *out, size_t max_lines);

void gen_stream_free(struct gen_stream *);

#endif
