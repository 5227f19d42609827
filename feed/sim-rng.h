/*
 * sim-rng.h: the simulator's random numbers, reproducible from a seed.
 *
 * xoshiro256** seeded through splitmix64: the same seed gives the same
 * stream on every machine, which is what makes a simulated day a fixture.
 */
#ifndef WALLBOARD_SIM_RNG_H
#define WALLBOARD_SIM_RNG_H

#include <stdint.h>

struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *);
/* Uniform in [0, 1). */
double sim_rng_unit(struct sim_rng *);
/* True with probability p. */
int sim_rng_chance(struct sim_rng *, double p);
/* Uniform in [lo, hi] (integers, hi >= lo). */
int64_t sim_rng_between(struct sim_rng *, int64_t lo, int64_t hi);
/* Exponential with the given mean. */
double sim_rng_exp(struct sim_rng *, double mean);
/* Lognormal with the given mean and coefficient of variation: handle times
 * are skewed (most calls short, a few very long). */
double sim_rng_lognormal(struct sim_rng *, double mean, double cv);

/* splitmix64 of x: a stateless scramble (caller tokens from numbers). */
uint64_t sim_rng_mix(uint64_t x);

#endif
