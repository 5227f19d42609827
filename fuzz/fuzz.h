/*
 * fuzz.h: what the harnesses in fuzz/ share.
 *
 * Each fuzz/fuzz-NAME.c defines LLVMFuzzerTestOneInput and nothing else
 * global. It links either with libFuzzer (clang -fsanitize=fuzzer, `make
 * fuzz`) or with fuzz/driver.c, a main() that replays saved inputs (the
 * corpus test in `make test`). fuzz/common.c holds the helpers below.
 *
 * A broken invariant is reported with FUZZ_CHECK: a line on stderr naming
 * the harness's source line, then abort(), which both libFuzzer and the
 * corpus test treat as a crash.
 */
#ifndef WALLBOARD_FUZZ_H
#define WALLBOARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct alerts;
struct engine;
struct event_decoder;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);	\
} while (0)

void fuzz_fail(const char *file, int line, const char *cond,
    const char *fmt, ...) __attribute__((format(printf, 4, 5), noreturn));

/*
 * A private temporary file, made on first use and removed at exit, holding
 * exactly the given bytes. Returns its path (owned here). For the parsers
 * that read a file by name (config_load, journal_replay).
 */
const char *fuzz_temp_file(const void *data, size_t size);

/* A private, empty temporary directory, removed (with what is in it) at
 * exit. Each call empties it again. */
const char *fuzz_temp_dir(void);

/*
 * Read every figure of every scope, agent and feed of the engine: abort
 * unless every ratio is in [0,1], every count and duration is >= 0 and no
 * value is NaN or infinite. With alerts (may be NULL), evaluate them at the
 * engine's clock and check each. With snapshot, also write the snapshot
 * (with the alerts' JSON) and check that snapshot_read takes it back whole.
 */
void fuzz_check_engine(struct engine *e, struct alerts *a, int snapshot);

/* Whether len bytes of text are one whole JSON value (cJSON). */
int fuzz_json_valid(const char *text, size_t len);

/*
 * Where a PBX bridge's events go (a bridge_emit_fn): each must be a JSON
 * object, NUL-terminated at len, that event_decode accepts as it is (a
 * bridge that writes events the daemon rejects loses calls without a word);
 * it is then applied to an engine with the default config, whose figures
 * fuzz_sink_end checks. With WB_FUZZ_LENIENT set in the environment, only
 * the JSON is checked: to fuzz on past a known rejection.
 */
struct fuzz_sink {
	struct event_decoder *decoder;
	struct engine *engine;
	unsigned long events;
	int lenient;
};

void fuzz_sink_begin(struct fuzz_sink *);
void fuzz_sink_emit(const char *json, size_t len, void *sink);
void fuzz_sink_end(struct fuzz_sink *);

#endif
