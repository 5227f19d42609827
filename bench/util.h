/*
 * util.h: what the in-process benchmarks share: a monotonic clock, medians,
 * pinning to one core, a config from a few lines of YAML, peak memory.
 */
#ifndef WALLBOARD_BENCH_UTIL_H
#define WALLBOARD_BENCH_UTIL_H

#include "config.h"

/* Seconds on the monotonic clock. */
double bench_seconds(void);
/* The median of v[0..n) (sorts v). */
double bench_median(double *v, int n);
/* How many runs a figure is the median of: `most`, or fewer when
 * WB_BENCH_RUNS says so (CI proves `make bench` works with 1; the figures
 * the README reports are medians of the full count). */
int bench_runs(int most);
/* 1, or 0.25 when WB_BENCH_QUICK=1: CI's proof that `make bench` runs
 * scales the longest benchmarks' days and samples by it (their figures
 * then say so); the README's figures are full-size runs. */
double bench_scale(void);
/* Run on CPU 0 only: "one core" figures, and steadier ones. */
void bench_pin(void);
/* A config from YAML text (through a temporary file), or exit. */
struct config *bench_config(const char *yaml);
/* A field of /proc/self/status in KiB ("VmHWM:", "VmRSS:"), or -1. */
long bench_status_kb(const char *field);

#endif
