/*
 * test-erlang.c: core/erlang against figures it did not compute itself.
 *
 * Erlang C: cases solvable by hand (M/M/1, M/M/2), a published worked
 * example, the textbook factorial formula summed in long double for small
 * N, and the Halfin-Whitt limit for big floors. Erlang A: the direct
 * birth-death sum in long double, the M/M/infinity case (patience equal to
 * AHT), and the caller's own path through the queue run as a Markov chain
 * by uniformization, which shares nothing with erlang.c's negative-binomial
 * shortcut. Then the properties staffing relies on.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <time.h>

#include "erlang.h"

#define PER_HOUR(n)	((n) / 3600.0)

/* The textbook Erlang C, with factorials, in long double (small N only). */
static long double
ref_erlang_c(int n, long double a)
{
	long double term = 1, sum = 0, top;

	for (int k = 0; k < n; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	/* term is now A^N / N! */
	top = term * n / (n - a);
	return top / (sum + top);
}

/* Microseconds per call of fn, best of several rounds (the box is shared). */
static double
best_us(int (*fn)(void), int calls)
{
	double best = INFINITY;

	for (int round = 0; round < 5; round++) {
		struct timespec t0, t1;
		double us;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < calls; i++)
			assert_true(fn() > 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us = ((t1.tv_sec - t0.tv_sec) * 1e9 +
		    (t1.tv_nsec - t0.tv_nsec)) / 1e3 / calls;
		best = us < best ? us : best;
	}
	return best;
}

static void
test_erlang_b_by_hand(void **state)
{
	(void)state;
	/* B(N, A) = (A^N / N!) / sum_{k<=N} A^k / k! */
	assert_float_equal(erlang_b_blocking(1, 1), 0.5, 1e-15);
	assert_float_equal(erlang_b_blocking(2, 1), 0.2, 1e-15);
	assert_float_equal(erlang_b_blocking(3, 2), (8.0 / 6) / (1 + 2 + 2 +
	    8.0 / 6), 1e-15);
	assert_float_equal(erlang_b_blocking(0, 5), 1, 0);
	assert_float_equal(erlang_b_blocking(10, 0), 0, 0);
}

static void
test_erlang_c_by_hand(void **state)
{
	(void)state;
	/* M/M/1: C = rho, ASA = rho / (mu - lambda), P(W > t) = rho e^-(mu -
	 * lambda) t. Arrivals 1 per 10 s, AHT 6 s: rho = 0.6. */
	assert_float_equal(erlang_c_wait_probability(1, 0.6), 0.6, 1e-15);
	assert_float_equal(erlang_c_asa_s(1, 0.1, 6), 0.6 / (1.0 / 6 - 0.1),
	    1e-12);
	assert_float_equal(erlang_c_service_level(1, 0.1, 6, 5),
	    1 - 0.6 * exp(-(1.0 / 6 - 0.1) * 5), 1e-15);
	/* M/M/2 with A = 1 (rho = 1/2): C = 2 rho^2 / (1 + rho) = 1/3. */
	assert_float_equal(erlang_c_wait_probability(2, 1), 1.0 / 3, 1e-15);
}

/*
 * Call Centre Helper, "Erlang C formula - made simple with an easy worked
 * example": 100 calls in 30 minutes, AHT 180 s, target 80% in 20 s, so A = 10
 * erlangs. Its table (to the nearest 0.1%): 11 agents wait 68.2% / SL 39.0%,
 * 12: 44.9% / 64.0%, 13: 28.5% / 79.6%, 14: 17.4% / 88.8%; so 14 agents.
 */
static void
test_erlang_c_published(void **state)
{
	static const struct { int n; double wait, sl; } table[] = {
		{ 11, 0.682, 0.390 }, { 12, 0.449, 0.640 },
		{ 13, 0.285, 0.796 }, { 14, 0.174, 0.888 },
	};
	double arrival = 100 / 1800.0;

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		assert_float_equal(erlang_c_wait_probability(table[i].n, 10),
		    table[i].wait, 0.0005);
		assert_float_equal(erlang_c_service_level(table[i].n, arrival,
		    180, 20), table[i].sl, 0.0005);
	}
	assert_int_equal(erlang_c_agents_needed(arrival, 180, 0.8, 20, 100),
	    14);
	/* Looser targets need fewer; 13 agents reach 79.6%, not 80%. */
	assert_int_equal(erlang_c_agents_needed(arrival, 180, 0.79, 20, 100),
	    13);
	assert_int_equal(erlang_c_agents_needed(arrival, 180, 0.8, 20, 13), 14);
}

/*
 * Westbay Traffic Calculators' Erlang C, as quoted in the CC-Excel support
 * forum thread "CCXLService" (January 2021): 57 calls an hour of 1110 s
 * each, 21 agents: 80.7% answered within 180 s; with 20 s instead, 23
 * agents are needed for 80%.
 */
static void
test_erlang_c_westbay(void **state)
{
	(void)state;
	assert_float_equal(erlang_c_service_level(21, PER_HOUR(57), 1110,
	    180), 0.807, 0.0005);
	assert_int_equal(erlang_c_agents_needed(PER_HOUR(57), 1110, 0.8, 180,
	    100), 21);
	assert_int_equal(erlang_c_agents_needed(PER_HOUR(57), 1110, 0.8, 20,
	    100), 23);
}

static void
test_erlang_c_matches_factorials(void **state)
{
	static const double loads[] = { 0.05, 0.9, 3.3, 10, 17.5, 48, 59.9 };

	(void)state;
	for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
		for (int n = (int)loads[i] + 1; n <= 80; n++) {
			double want = (double)ref_erlang_c(n, loads[i]);
			double got = erlang_c_wait_probability(n, loads[i]);

			if (fabs(got - want) > 1e-13 * want + 1e-300)
				fail_msg("C(%d, %g) = %.17g, want %.17g", n,
				    loads[i], got, want);
		}
	}
}

static void
test_erlang_c_service_level_shape(void **state)
{
	double prev = 0, sl;

	(void)state;
	/* 360 calls/h at AHT 240 s: A = 24 erlangs. */
	for (int n = 1; n <= 24; n++) {
		assert_float_equal(erlang_c_service_level(n, 0.1, 240, 20), 0,
		    0);
		assert_true(isinf(erlang_c_asa_s(n, 0.1, 240)));
		assert_float_equal(erlang_c_wait_probability(n, 24), 1, 0);
	}
	for (int n = 25; n <= 60; n++) {
		sl = erlang_c_service_level(n, 0.1, 240, 20);
		assert_true(sl > prev && sl < 1);
		assert_true(erlang_c_service_level(n, 0.1, 240, 30) > sl);
		prev = sl;
	}
	/* T = 0: SL is the share answered at once. */
	assert_float_equal(erlang_c_service_level(30, 0.1, 240, 0),
	    1 - erlang_c_wait_probability(30, 24), 1e-15);
	/* No traffic, or nonsense traffic: nobody waits. */
	assert_float_equal(erlang_c_service_level(3, 0, 240, 20), 1, 0);
	assert_float_equal(erlang_c_service_level(3, NAN, 240, 20), 1, 0);
	assert_float_equal(erlang_c_asa_s(3, 0.1, -1), 0, 0);
	assert_int_equal(erlang_c_agents_needed(0, 240, 0.8, 20, 100), 0);
	assert_int_equal(erlang_c_agents_needed(NAN, 240, 0.8, 20, 100), 0);
	/* Unreachable: max_agents + 1. */
	assert_int_equal(erlang_c_agents_needed(0.1, 240, 0.8, 20, 24), 25);
	assert_int_equal(erlang_c_agents_needed(0.1, 240, 0.8, 20, 27), 28);
	assert_int_equal(erlang_c_agents_needed(0.1, 240, 1, 20, 1000), 1001);
	assert_int_equal(erlang_c_agents_needed(0.1, 240, NAN, 20, 1000),
	    1001);
}

static int
big_floor_c(void)
{
	return erlang_c_agents_needed(50, 240, 0.8, 20, 20000);
}

/*
 * 50 calls/s at AHT 240 s: 12,000 erlangs. Checked against the Halfin-Whitt
 * limit C -> 1 / (1 + beta Phi(beta) / phi(beta)), beta = (N - A) / sqrt(A),
 * which is within about 1 / sqrt(A) of the truth here.
 */
static void
test_erlang_c_big_floor(void **state)
{
	int n = big_floor_c();
	double a = 12000, us;

	(void)state;
	assert_true(n > 12000 && n < 12200);
	assert_true(erlang_c_service_level(n, 50, 240, 20) >= 0.8);
	assert_true(erlang_c_service_level(n - 1, 50, 240, 20) < 0.8);
	for (int k = 12001; k <= 12400; k += 57) {
		double beta = (k - a) / sqrt(a);
		double phi = exp(-beta * beta / 2) / sqrt(2 * M_PI);
		double cdf = 0.5 * erfc(-beta / M_SQRT2);
		double hw = 1 / (1 + beta * cdf / phi);
		double c = erlang_c_wait_probability(k, a);

		/* Observed gaps are at most 0.0013, at beta near 1. */
		assert_true(isfinite(c) && c > 0 && c < 1);
		assert_float_equal(c, hw, 0.003);
	}
	us = best_us(big_floor_c, 20);
	print_message("erlang C, 12000 erlangs: %d agents, %.1f us\n", n, us);
	assert_true(us < 1000);
}

/*
 * Erlang A by its definition, in long double: the birth-death chain summed
 * far past where its terms vanish, and the tagged caller with j ahead of it
 * run through its stages by uniformization over [0, T].
 */
struct ref_a {
	long double wait, abandoned, answered_within, abandoned_within;
};

/* P(answered by T), P(hung up by T) for a caller with j ahead. */
static void
ref_tagged(int n, double mu, double theta, int j, double t, long double *ans,
    long double *aband)
{
	static long double p[4096], q[4096];
	long double rate = n * mu + (j + 1) * theta;
	long double weight = expl(-rate * t), done_a = 0, done_b = 0;
	long double cum_a = 0, cum_b = 0, mass = 0;
	int steps = (int)(rate * t + 12 * sqrtl(rate * t) + 60);

	assert_true(j < 4096);
	for (int m = 0; m <= j; m++)
		p[m] = m == j;
	/* After k jumps (Poisson weighted) the caller is answered/gone. */
	for (int k = 0; k <= steps; k++) {
		cum_a += weight * done_a;
		cum_b += weight * done_b;
		mass += weight;
		for (int m = 0; m <= j; m++)
			q[m] = p[m] * (1 - (n * mu + (m + 1) * theta) / rate);
		for (int m = 0; m <= j; m++) {
			long double forward = p[m] * (n * mu + m * theta) / rate;

			done_b += p[m] * theta / rate;
			if (m == 0)
				done_a += forward;
			else
				q[m - 1] += forward;
		}
		for (int m = 0; m <= j; m++)
			p[m] = q[m];
		weight *= rate * t / (k + 1);
	}
	assert_true(mass > 1 - 1e-15L);
	*ans = cum_a;
	*aband = cum_b;
}

static struct ref_a
ref_erlang_a(int n, double lambda, double aht, double patience, double t)
{
	long double pi[4096], z = 0, mu = 1 / (long double)aht;
	long double theta = 1 / (long double)patience;
	struct ref_a r = { 0, 0, 0, 0 };
	int top = 4000;

	pi[0] = 1;
	for (int k = 1; k <= top; k++) {
		long double death = k <= n ? k * mu : n * mu + (k - n) * theta;

		pi[k] = pi[k - 1] * lambda / death;
	}
	for (int k = 0; k <= top; k++)
		z += pi[k];
	assert_true(pi[top] / z < 1e-30L);
	for (int k = 0; k < n; k++)
		r.answered_within += pi[k] / z;
	for (int k = n; k <= top; k++) {
		int j = k - n;
		long double ans = 0, aband = 0;

		r.wait += pi[k] / z;
		r.abandoned += pi[k] / z * (j + 1) * theta /
		    (n * mu + (j + 1) * theta);
		if (pi[k] / z < 1e-20L)
			continue;
		ref_tagged(n, (double)mu, (double)theta, j, t, &ans, &aband);
		r.answered_within += pi[k] / z * ans;
		r.abandoned_within += pi[k] / z * aband;
	}
	return r;
}

static void
test_erlang_a_matches_definition(void **state)
{
	static const struct {
		int n;
		double lambda, aht, patience, t;
	} cases[] = {
		{ 1, 0.1, 6, 12, 5 },           /* M/M/1+M */
		{ 3, 1 / 60.0, 180, 90, 20 },
		{ 5, 1 / 30.0, 180, 120, 20 },  /* N < A = 6 */
		{ 8, 0.05, 180, 45, 30 },       /* N < A = 9, short patience */
		{ 12, 100 / 1800.0, 180, 300, 20 },
		{ 14, 100 / 1800.0, 180, 60, 20 },
		{ 20, 0.1, 240, 600, 15 },      /* N < A = 24 */
		{ 4, 0.02, 100, 2, 10 },        /* patience << T */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct erlang_a_outcome got;
		struct ref_a want = ref_erlang_a(cases[i].n, cases[i].lambda,
		    cases[i].aht, cases[i].patience, cases[i].t);

		erlang_a_outcomes(cases[i].n, cases[i].lambda, cases[i].aht,
		    cases[i].patience, cases[i].t, &got);
		print_message("A case %zu: wait %.6f abandoned %.6f "
		    "SL %.6f abandoned within T %.6f\n", i, got.wait,
		    got.abandoned, got.answered_within, got.abandoned_within);
		assert_float_equal(got.wait, (double)want.wait, 1e-12);
		assert_float_equal(got.abandoned, (double)want.abandoned,
		    1e-12);
		assert_float_equal(got.answered_within,
		    (double)want.answered_within, 1e-12);
		assert_float_equal(got.abandoned_within,
		    (double)want.abandoned_within, 1e-12);
		assert_float_equal(erlang_a_service_level(cases[i].n,
		    cases[i].lambda, cases[i].aht, cases[i].patience,
		    cases[i].t), got.answered_within, 0);
		assert_float_equal(erlang_a_abandon_probability(cases[i].n,
		    cases[i].lambda, cases[i].aht, cases[i].patience),
		    got.abandoned, 0);
	}
}

/*
 * Patience equal to AHT: a caller leaves the system at rate 1/AHT whether
 * served or waiting, so the number present is that of M/M/infinity,
 * Poisson(A). Then P(wait) = P(X >= N) and, as lambda P(abandon) = theta
 * E[queue], P(abandon) = E[(X - N)+] / A.
 */
static void
test_erlang_a_patience_equal_aht(void **state)
{
	static const double loads[] = { 2, 10, 47.5 };

	(void)state;
	for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
		double a = loads[i];

		for (int n = 1; n < 2 * a + 10; n++) {
			long double pmf = expl(-(long double)a), below = 0;
			long double excess = 0;
			struct erlang_a_outcome out;

			for (int k = 0; k < 600; k++) {
				if (k < n)
					below += pmf;
				else
					excess += (k - n) * pmf;
				pmf *= a / (k + 1);
			}
			erlang_a_outcomes(n, a / 200, 200, 200, 20, &out);
			assert_float_equal(out.wait, (double)(1 - below),
			    1e-12);
			assert_float_equal(erlang_a_abandon_probability(n,
			    a / 200, 200, 200), (double)(excess / a), 1e-12);
		}
	}
}

static void
test_erlang_a_limits(void **state)
{
	double c_sl, prev_gap = INFINITY;

	(void)state;
	/* Patience -> infinity: Erlang C, smoothly up to the cut-over. */
	c_sl = erlang_c_service_level(14, 100 / 1800.0, 180, 20);
	for (double k = 1; k <= 1000; k *= 10) {
		double gap = fabs(erlang_a_service_level(14, 100 / 1800.0, 180,
		    k * 180, 20) - c_sl);

		assert_true(gap < prev_gap);
		prev_gap = gap;
	}
	assert_true(prev_gap < 1e-3);
	assert_float_equal(erlang_a_service_level(14, 100 / 1800.0, 180,
	    INFINITY, 20), c_sl, 0);
	assert_float_equal(erlang_a_service_level(14, 100 / 1800.0, 180, NAN,
	    20), c_sl, 0);
	assert_float_equal(erlang_a_abandon_probability(14, 100 / 1800.0, 180,
	    INFINITY), 0, 0);
	/* Patience -> 0: Erlang B, whoever finds all busy is lost. */
	assert_float_equal(erlang_a_service_level(14, 100 / 1800.0, 180, 1e-6,
	    20), 1 - erlang_b_blocking(14, 10), 1e-6);
	assert_float_equal(erlang_a_abandon_probability(14, 100 / 1800.0, 180,
	    0), erlang_b_blocking(14, 10), 1e-15);
	/* Every abandon is within an infinite T; none within T = 0. */
	{
		struct erlang_a_outcome out;

		erlang_a_outcomes(9, 0.05, 180, 60, INFINITY, &out);
		assert_float_equal(out.abandoned_within, out.abandoned, 1e-14);
		assert_float_equal(out.answered_within, 1 - out.abandoned,
		    1e-14);
		erlang_a_outcomes(9, 0.05, 180, 60, 0, &out);
		assert_float_equal(out.abandoned_within, 0, 0);
		assert_float_equal(out.answered_within, 1 - out.wait, 1e-15);
	}
}

static void
test_erlang_a_service_level_shape(void **state)
{
	double prev = 0;

	(void)state;
	/* A = 24 erlangs, patience 90 s: a finite SL even below A. */
	for (int n = 1; n <= 50; n++) {
		double sl = erlang_a_service_level(n, 0.1, 240, 90, 20);
		double ab = erlang_a_abandon_probability(n, 0.1, 240, 90);

		assert_true(sl > prev && sl < 1);
		assert_true(ab > 0 && ab < 1);
		if (n <= 24)
			assert_true(sl > erlang_c_service_level(n, 0.1, 240,
			    20));
		prev = sl;
	}
	assert_int_equal(erlang_a_agents_needed(0, 240, 90, 0.8, 20, 100), 0);
	assert_int_equal(erlang_a_agents_needed(0.1, 240, 90, 1, 20, 100),
	    101);
	assert_int_equal(erlang_a_agents_needed(0.1, 240, 90, 0.8, 20, 10),
	    11);
}

/*
 * Erlang A never needs more agents than Erlang C while mean patience is
 * longer than T. (Shorter, it can need one more: Erlang C counts as in SL a
 * caller who would have hung up before being answered, Erlang A here does
 * not. 0.01 calls/s, AHT 30 s, patience 1 s, 80% in 20 s: Erlang C's one
 * agent gives 1 - 0.3 e^(-0.7 * 20 / 30) = 81.2%; in Erlang A the one agent
 * answers about 1 - 0.3 / 1.3 = 77% at once and almost nobody else.)
 */
static void
test_erlang_a_needs_no_more_than_c(void **state)
{
	static const double rates[] = { 0.01, 0.05, 0.2, 1, 5 };
	static const double ahts[] = { 30, 180, 300 };
	static const double patiences[] = { 25, 60, 180, 600, 3600 };
	static const double targets[] = { 0.5, 0.8, 0.9, 0.95 };
	int fewer = 0, cases = 0;

	(void)state;
	for (size_t r = 0; r < 5; r++)
	for (size_t h = 0; h < 3; h++)
	for (size_t p = 0; p < 5; p++)
	for (size_t g = 0; g < 4; g++) {
		int c = erlang_c_agents_needed(rates[r], ahts[h], targets[g],
		    20, 100000);
		int a = erlang_a_agents_needed(rates[r], ahts[h], patiences[p],
		    targets[g], 20, 100000);

		if (a > c)
			fail_msg("rate %g AHT %g patience %g target %g: "
			    "Erlang A %d > Erlang C %d", rates[r], ahts[h],
			    patiences[p], targets[g], a, c);
		assert_true(erlang_a_service_level(a, rates[r], ahts[h],
		    patiences[p], 20) >= targets[g]);
		assert_true(a == 1 || erlang_a_service_level(a - 1, rates[r],
		    ahts[h], patiences[p], 20) < targets[g]);
		fewer += a < c;
		cases++;
	}
	print_message("Erlang A needed fewer agents in %d of %d cases\n",
	    fewer, cases);
	assert_true(fewer > cases / 2);
	assert_int_equal(erlang_c_agents_needed(0.01, 30, 0.8, 20, 100), 1);
	assert_int_equal(erlang_a_agents_needed(0.01, 30, 1, 0.8, 20, 100), 2);
}

/*
 * What an understaffed alert asks, "do N agents meet the target?", is
 * answered without a search (erlang_agents_meet); it must agree with the
 * search's figure for every N around it: below it short, from it on met.
 * Over Erlang C (infinite patience), Erlang A, no patience, no traffic,
 * targets of 0 and 1, and a cap on agents that the need passes.
 */
static void
test_agents_meet_agrees_with_needed(void **state)
{
	static const double rates[] = { 0, 0.003, 0.05, 0.2, 1, 5, 40 };
	static const double ahts[] = { 30, 180, 300 };
	static const double patiences[] = { 0, 8, 25, 60, 600, INFINITY };
	static const double targets[] = { 0, 0.5, 0.8, 0.95, 1 };
	static const int caps[] = { 3, 100000 };
	int checked = 0;

	(void)state;
	for (size_t r = 0; r < sizeof rates / sizeof *rates; r++)
	for (size_t h = 0; h < sizeof ahts / sizeof *ahts; h++)
	for (size_t p = 0; p < sizeof patiences / sizeof *patiences; p++)
	for (size_t g = 0; g < sizeof targets / sizeof *targets; g++)
	for (size_t m = 0; m < 2; m++) {
		int need = erlang_a_agents_needed(rates[r], ahts[h],
		    patiences[p], targets[g], 20, caps[m]);
		int lo = need > 40 ? need - 40 : 0;

		for (int n = lo; n <= need + 3; n++) {
			bool meet = erlang_agents_meet(n, rates[r], ahts[h],
			    patiences[p], targets[g], 20, caps[m]);

			if (meet != (n >= need))
				fail_msg("rate %g AHT %g patience %g target %g "
				    "cap %d: %d agents %s, but %d needed",
				    rates[r], ahts[h], patiences[p], targets[g],
				    caps[m], n, meet ? "meet it" : "fall short",
				    need);
			checked++;
		}
	}
	print_message("%d staffing answers agree with the search\n", checked);
}

static double big_patience;

static int
big_floor_a(void)
{
	return erlang_a_agents_needed(50, 240, big_patience, 0.8, 20, 20000);
}

static void
test_erlang_a_big_floor(void **state)
{
	static const double patiences[] = { 5, 30, 120, 600, 3600, 200000 };
	int c = big_floor_c();

	(void)state;
	for (size_t i = 0; i < sizeof patiences / sizeof patiences[0]; i++) {
		struct erlang_a_outcome out;
		int n;
		double us;

		big_patience = patiences[i];
		n = big_floor_a();
		assert_true(n > 0 && n <= c);
		erlang_a_outcomes(n, 50, 240, big_patience, 20, &out);
		assert_true(isfinite(out.wait) && isfinite(out.abandoned) &&
		    isfinite(out.abandoned_within));
		assert_true(out.answered_within >= 0.8);
		assert_true(erlang_a_service_level(n - 1, 50, 240,
		    big_patience, 20) < 0.8);
		/* One trial, far below A, stays finite and cheap. */
		erlang_a_outcomes(6000, 50, 240, big_patience, 20, &out);
		assert_true(isfinite(out.answered_within) &&
		    out.abandoned > 0.49 && out.abandoned < 1);
		us = best_us(big_floor_a, 3);
		print_message("erlang A, 12000 erlangs, patience %g s: %d "
		    "agents (C: %d), abandon %.4f, %.0f us\n", big_patience,
		    n, c, erlang_a_abandon_probability(n, 50, 240,
		    big_patience), us);
		/* About 0.5 ms here; the margin is for a busy machine. */
		assert_true(us < 2000);
	}
}

static void
test_patience_estimate(void **state)
{
	(void)state;
	/* 4 abandons, waits totalling 10 minutes: 150 s. */
	assert_float_equal(erlang_patience_estimate_s(4, 600000), 150, 1e-12);
	assert_true(isinf(erlang_patience_estimate_s(0, 600000)));
	assert_float_equal(erlang_patience_estimate_s(3, 0), 0, 0);
	/* Infinite patience is Erlang C. */
	assert_float_equal(erlang_a_service_level(14, 100 / 1800.0, 180,
	    erlang_patience_estimate_s(0, 5000), 20),
	    erlang_c_service_level(14, 100 / 1800.0, 180, 20), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_b_by_hand),
		cmocka_unit_test(test_erlang_c_by_hand),
		cmocka_unit_test(test_erlang_c_published),
		cmocka_unit_test(test_erlang_c_westbay),
		cmocka_unit_test(test_erlang_c_matches_factorials),
		cmocka_unit_test(test_erlang_c_service_level_shape),
		cmocka_unit_test(test_erlang_c_big_floor),
		cmocka_unit_test(test_erlang_a_matches_definition),
		cmocka_unit_test(test_erlang_a_patience_equal_aht),
		cmocka_unit_test(test_erlang_a_limits),
		cmocka_unit_test(test_agents_meet_agrees_with_needed),
		cmocka_unit_test(test_erlang_a_service_level_shape),
		cmocka_unit_test(test_erlang_a_needs_no_more_than_c),
		cmocka_unit_test(test_erlang_a_big_floor),
		cmocka_unit_test(test_patience_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
