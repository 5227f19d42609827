/*
 * sim-rng.c: xoshiro256** and the distributions the simulator draws from.
 */
#include "sim-rng.h"

#include <math.h>

uint64_t
sim_rng_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = seed = sim_rng_mix(seed);
}

static uint64_t
sim_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s, out = sim_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rng_rotl(s[3], 45);
	return out;
}

double
sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

int
sim_rng_chance(struct sim_rng *r, double p)
{
	return sim_rng_unit(r) < p;
}

int64_t
sim_rng_between(struct sim_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(sim_rng_next(r) % (uint64_t)(hi - lo + 1));
}

double
sim_rng_exp(struct sim_rng *r, double mean)
{
	return -mean * log1p(-sim_rng_unit(r));
}

double
sim_rng_lognormal(struct sim_rng *r, double mean, double cv)
{
	double s2 = log1p(cv * cv), mu = log(mean) - s2 / 2;
	/* Box-Muller; 1 - u keeps the log away from 0. */
	double u = 1 - sim_rng_unit(r), v = sim_rng_unit(r);
	double z = sqrt(-2 * log(u)) * cos(2 * M_PI * v);

	return exp(mu + sqrt(s2) * z);
}
