/*
 * erlang.c: Erlang B, C and A.
 *
 * Erlang B comes from its recursion B(n) = A B(n-1) / (n + A B(n-1)), every
 * step a probability in [0, 1], so it is exact to rounding for any N where
 * A^N / N! would overflow long before N = 200. Erlang C follows from B.
 *
 * Erlang A (M/M/N+M, arrival rate l, service rate m = 1/AHT, abandonment
 * rate t = 1/patience). The number in the system is a birth-death chain with
 * death rate k m below N and N m + j t with j callers queued, so relative to
 * state N the states below sum to (1 - B) / B and queue state j has weight
 * u(j) = prod_{i=1..j} x / (b + i), where x = l / t and b = N m / t. An
 * arrival sees these (PASTA). With j callers ahead of it, the caller waits
 * through j + 1 stages, leaving stage i (i = 1..j+1) at rate t (b + i):
 * forward with chance (b + i - 1) / (b + i), by hanging up otherwise. So:
 *
 *   P(answered)              = b / (b + j + 1)          (a telescoping product)
 *   P(stages done by time T) = P(K >= j + 1), K ~ NegBin(b + 1, 1 - e^-tT)
 *
 * the second because a sum of exponentials at rates t (b + i), i = 1..n, is
 * distributed as the n-th of n + b exponential clocks of rate t to ring (an
 * order statistic), which for real b is the negative-binomial tail. Hanging
 * up at stage i has chance b / ((b + i - 1)(b + i)) and happens by T when
 * stages 1..i are done by T, which is P(K >= i) for the same K.
 *
 * Both sums run upward once: u(j) grows until j = x - b and then falls away
 * faster than geometrically, and is rescaled by 2^-600 whenever it gets big;
 * K's probabilities are carried as mantissa and binary exponent because
 * P(K = 0) = e^-(N m + t) T underflows on big floors.
 */
#include "erlang.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>

/* A tail is dropped once it is surely below this share of the total. */
#define ERLANG_EPSILON		1e-18
#define ERLANG_BIG		0x1p600
#define ERLANG_UNBIG		0x1p-600

/* Offered traffic in erlangs: 0 for any rate or AHT that is not positive,
 * INFINITY for one that is (or whose product is) infinite. */
static double
erlang_traffic(double arrival_per_s, double aht_s)
{
	if (!(arrival_per_s > 0) || !(aht_s > 0))
		return 0;
	if (isinf(arrival_per_s) || isinf(aht_s))
		return INFINITY;
	return arrival_per_s * aht_s;
}

static double
erlang_threshold(double threshold_s)
{
	return threshold_s > 0 ? threshold_s : 0;
}

/* The unreachable answer: one more than allowed, without overflowing. */
static int
erlang_unreachable(int max_agents)
{
	if (max_agents < 0)
		return 0;
	return max_agents == INT_MAX ? INT_MAX : max_agents + 1;
}

/* Erlang B at n agents from Erlang B at n - 1. */
static double
erlang_b_step(double b, int n, double a)
{
	return a * b / (n + a * b);
}

/* Erlang B at `to` agents from its value b at `from` <= to. */
static double
erlang_b_from(double b, int from, int to, double a)
{
	for (int n = from + 1; n <= to; n++)
		b = erlang_b_step(b, n, a);
	return b;
}

double
erlang_b_blocking(int agents, double traffic_erlangs)
{
	if (!(traffic_erlangs > 0))
		return 0;
	if (agents <= 0 || isinf(traffic_erlangs))
		return 1;
	return erlang_b_from(1, 0, agents, traffic_erlangs);
}

/* Erlang C from Erlang B at the same n > a: n B / (n - a (1 - B)). */
static double
erlang_c_from_b(double b, int n, double a)
{
	return n * b / (n - a * (1 - b));
}

double
erlang_c_wait_probability(int agents, double traffic_erlangs)
{
	double a = traffic_erlangs;

	if (!(a > 0))
		return 0;
	if (agents <= a)
		return 1;
	return erlang_c_from_b(erlang_b_blocking(agents, a), agents, a);
}

/* Service level given Erlang C's c at n > a agents. */
static double
erlang_c_sl_from_c(double c, int n, double a, double aht_s, double t)
{
	return 1 - c * exp(-(n - a) * t / aht_s);
}

double
erlang_c_service_level(int agents, double arrival_per_s, double aht_s,
    double threshold_s)
{
	double a = erlang_traffic(arrival_per_s, aht_s);

	if (a == 0)
		return 1;
	if (agents <= a)
		return 0;
	return erlang_c_sl_from_c(erlang_c_wait_probability(agents, a), agents,
	    a, aht_s, erlang_threshold(threshold_s));
}

double
erlang_c_asa_s(int agents, double arrival_per_s, double aht_s)
{
	double a = erlang_traffic(arrival_per_s, aht_s);

	if (a == 0)
		return 0;
	if (agents <= a)
		return INFINITY;
	return erlang_c_wait_probability(agents, a) * aht_s / (agents - a);
}

int
erlang_c_agents_needed(double arrival_per_s, double aht_s, double target_sl,
    double threshold_s, int max_agents)
{
	double a = erlang_traffic(arrival_per_s, aht_s);
	double t = erlang_threshold(threshold_s), b;
	int n;

	if (a == 0)
		return 0;
	/* Also refuses a NaN target and traffic too big for an int. */
	if (!(target_sl < 1) || !(a < max_agents))
		return erlang_unreachable(max_agents);
	/* Walk B upward once; SL rises with N, so the first hit is least. */
	n = (int)floor(a) + 1;
	b = erlang_b_blocking(n, a);
	for (;;) {
		if (erlang_c_sl_from_c(erlang_c_from_b(b, n, a), n, a, aht_s,
		    t) >= target_sl)
			return n;
		if (n == max_agents)
			return erlang_unreachable(max_agents);
		b = erlang_b_step(b, ++n, a);
	}
}

/*
 * K ~ NegBin(shape, p), P(K = n) = C(n + shape - 1, n) p^n (1 - p)^shape,
 * walked upward one n at a time for its distribution function.
 */
struct erlang_nb {
	double	shape, p;
	double	mantissa;       /* P(K = n) = mantissa * 2^exponent */
	int	exponent;
	double	cdf;            /* P(K <= n) */
	double	n;
	bool	settled;        /* cdf no longer moves (all mass seen, or none) */
};

/* Start at n = 0, where P(K = 0) = e^-(shape * rate_t), p = 1 - e^-rate_t. */
static void
erlang_nb_start(struct erlang_nb *nb, double shape, double rate_t)
{
	double log0 = -shape * rate_t;

	nb->shape = shape;
	nb->p = -expm1(-rate_t);
	nb->n = 0;
	nb->mantissa = 0;
	nb->exponent = 0;
	nb->settled = false;
	if (rate_t == 0) {
		/* T = 0: K is 0, nobody's stages are done by T. */
		nb->cdf = 1;
		nb->settled = true;
		return;
	}
	if (!(log0 > -1e9)) {
		/* A billion stage completions within T: K's mass is beyond any
		 * queue length this file walks, so the cdf stays 0. */
		nb->cdf = 0;
		nb->settled = true;
		return;
	}
	if (log0 > -700) {
		nb->mantissa = exp(log0);
		nb->cdf = nb->mantissa;
		return;
	}
	nb->exponent = (int)floor(log0 / M_LN2);
	nb->mantissa = exp(log0 - nb->exponent * M_LN2);
	nb->cdf = ldexp(nb->mantissa, nb->exponent);
}

static void
erlang_nb_step(struct erlang_nb *nb)
{
	double ratio, pmf;

	if (nb->settled)
		return;
	ratio = (nb->n + nb->shape) / (nb->n + 1) * nb->p;
	pmf = nb->exponent == 0 ? nb->mantissa :
	    ldexp(nb->mantissa, nb->exponent);
	/* Past the mode the ratios only fall: the rest is below a geometric
	 * series. */
	if (ratio < 1 && pmf * ratio / (1 - ratio) <= ERLANG_EPSILON) {
		nb->cdf = 1;
		nb->settled = true;
		return;
	}
	nb->n++;
	nb->mantissa *= ratio;
	if (nb->exponent == 0) {
		nb->cdf += nb->mantissa;
		return;
	}
	/* The true value is at most 1, so exponent stays <= 0; once it is
	 * representable, fold it in and stay with plain doubles. */
	if (nb->mantissa > 0x1p512) {
		nb->mantissa = ldexp(nb->mantissa, -512);
		nb->exponent += 512;
	}
	if (nb->exponent > -512) {
		nb->mantissa = ldexp(nb->mantissa, nb->exponent);
		nb->exponent = 0;
	}
	nb->cdf += ldexp(nb->mantissa, nb->exponent);
}

/* Sums over the states of Erlang A, each relative to state N (all agents
 * busy, nobody queued) and rescaled together. */
struct erlang_a_sums {
	double	below;          /* states 0..N-1: answered at once */
	double	total, wait, abandoned, answered_within, abandoned_within;
};

static void
erlang_a_sums_rescale(struct erlang_a_sums *s)
{
	s->below *= ERLANG_UNBIG;
	s->total *= ERLANG_UNBIG;
	s->wait *= ERLANG_UNBIG;
	s->abandoned *= ERLANG_UNBIG;
	s->answered_within *= ERLANG_UNBIG;
	s->abandoned_within *= ERLANG_UNBIG;
}

/*
 * Sum over queue lengths j = 0, 1, ... of u(j) times each outcome's chance
 * (see the top of the file): x = arrival / abandonment rate, b = N service /
 * abandonment rate, loss = Erlang B at N (not 0), rate_t = T / patience.
 */
static void
erlang_a_sum(struct erlang_a_sums *s, double x, double b, double loss,
    double rate_t)
{
	struct erlang_nb nb;
	double u = 1, done_by_t, hung_up_by_t = 0, ratio, inv, inv_prev = 0;

	s->below = (1 - loss) / loss;
	s->total = s->below;
	s->wait = s->abandoned = s->answered_within = s->abandoned_within = 0;
	erlang_nb_start(&nb, b + 1, rate_t);
	for (double j = 0;; j++) {
		inv = 1 / (b + j + 1);
		done_by_t = fmax(0, 1 - nb.cdf);        /* P(K >= j + 1) */
		/* Hanging up at stage j + 1: b / ((b + j)(b + j + 1)). */
		hung_up_by_t += (j == 0 ? inv : b * inv_prev * inv) * done_by_t;
		s->total += u;
		s->wait += u;
		s->abandoned += u * (j + 1) * inv;
		s->answered_within += u * b * inv * done_by_t;
		s->abandoned_within += u * hung_up_by_t;
		ratio = x * inv;
		if (ratio < 1 && u * ratio / (1 - ratio) <= ERLANG_EPSILON *
		    s->total)
			break;
		u *= ratio;
		if (u > ERLANG_BIG) {
			u *= ERLANG_UNBIG;
			erlang_a_sums_rescale(s);
		}
		erlang_nb_step(&nb);
		inv_prev = inv;
	}
}

/* Whether patience_s makes Erlang A into Erlang C. */
static bool
erlang_a_is_c(double aht_s, double patience_s)
{
	return !(patience_s <= ERLANG_A_PATIENCE_MAX_AHT * aht_s);
}

/* The outcomes when nobody abandons (Erlang C). */
static void
erlang_a_as_c(int agents, double a, double aht_s, double t,
    struct erlang_a_outcome *out)
{
	double c = erlang_c_wait_probability(agents, a);

	out->wait = c;
	out->abandoned = 0;
	out->abandoned_within = 0;
	out->answered_within = agents <= a ? 0 :
	    erlang_c_sl_from_c(c, agents, a, aht_s, t);
}

/* Erlang A at n agents given Erlang B there (loss); a > 0, n >= 1. */
static void
erlang_a_eval(int n, double arrival_per_s, double aht_s, double patience_s,
    double t, double loss, struct erlang_a_outcome *out)
{
	struct erlang_a_sums s;

	if (loss == 0) {
		/* So overstaffed that B underflowed: nobody waits. */
		*out = (struct erlang_a_outcome){ .answered_within = 1 };
		return;
	}
	if (!(patience_s > 0)) {
		/* No patience: whoever finds all busy is lost at once. */
		*out = (struct erlang_a_outcome){ .wait = loss,
		    .abandoned = loss, .answered_within = 1 - loss,
		    .abandoned_within = loss };
		return;
	}
	erlang_a_sum(&s, arrival_per_s * patience_s, n * patience_s / aht_s,
	    loss, t / patience_s);
	out->wait = s.wait / s.total;
	out->abandoned = s.abandoned / s.total;
	out->answered_within = (s.below + s.answered_within) / s.total;
	out->abandoned_within = s.abandoned_within / s.total;
}

void
erlang_a_outcomes(int agents, double arrival_per_s, double aht_s,
    double patience_s, double within_s, struct erlang_a_outcome *out)
{
	double a = erlang_traffic(arrival_per_s, aht_s);
	double t = erlang_threshold(within_s);

	if (a == 0) {
		*out = (struct erlang_a_outcome){ .answered_within = 1 };
		return;
	}
	if (erlang_a_is_c(aht_s, patience_s)) {
		erlang_a_as_c(agents, a, aht_s, t, out);
		return;
	}
	if (agents <= 0 || isinf(a)) {
		/* Everyone waits until they give up. */
		*out = (struct erlang_a_outcome){ .wait = 1, .abandoned = 1,
		    .abandoned_within = patience_s > 0 ?
		    -expm1(-t / patience_s) : 1 };
		return;
	}
	erlang_a_eval(agents, arrival_per_s, aht_s, patience_s, t,
	    erlang_b_blocking(agents, a), out);
}

double
erlang_a_service_level(int agents, double arrival_per_s, double aht_s,
    double patience_s, double threshold_s)
{
	struct erlang_a_outcome out;

	erlang_a_outcomes(agents, arrival_per_s, aht_s, patience_s,
	    threshold_s, &out);
	return out.answered_within;
}

double
erlang_a_abandon_probability(int agents, double arrival_per_s, double aht_s,
    double patience_s)
{
	struct erlang_a_outcome out;

	erlang_a_outcomes(agents, arrival_per_s, aht_s, patience_s, 0, &out);
	return out.abandoned;
}

/*
 * One staffing search. Every N tried lies above the last N that fell short,
 * so Erlang B is kept there and each trial steps it up from that point
 * rather than from 0: a whole search costs O(N) steps of B, not O(N log N).
 */
struct erlang_a_search {
	double	arrival_per_s, aht_s, patience_s, t, a, target;
	int	base;           /* below every N still to be tried */
	double	base_loss;      /* Erlang B at base */
};

/* Whether n agents meet the target; if not, n becomes the new base. */
static bool
erlang_a_search_meets(struct erlang_a_search *s, int n)
{
	struct erlang_a_outcome out;
	double loss = erlang_b_from(s->base_loss, s->base, n, s->a);

	erlang_a_eval(n, s->arrival_per_s, s->aht_s, s->patience_s, s->t, loss,
	    &out);
	if (out.answered_within >= s->target)
		return true;
	s->base = n;
	s->base_loss = loss;
	return false;
}

/* The least N in (s->base, hi] meeting the target, given that hi does:
 * SL rises with N. */
static int
erlang_a_search_bisect(struct erlang_a_search *s, int hi)
{
	while (hi - s->base > 1) {
		int mid = s->base + (hi - s->base) / 2;

		if (erlang_a_search_meets(s, mid))
			hi = mid;
	}
	return hi;
}

/*
 * Start from Erlang C's answer, which nearly always suffices; when it does
 * not (short patience against T), gallop up. Then gallop down before
 * bisecting: with long patience the answer is close to Erlang C's, and a
 * trial far below A would walk a long queue.
 */
static int
erlang_a_search_run(struct erlang_a_search *s, int hi, int max_agents)
{
	int least = s->base + 1;

	hi = hi > max_agents ? max_agents : hi < least ? least : hi;
	for (int step = 1; !erlang_a_search_meets(s, hi); step *= 2) {
		if (hi == max_agents)
			return erlang_unreachable(max_agents);
		hi = max_agents - hi > step ? hi + step : max_agents;
	}
	for (int step = 1; hi - step > s->base; step *= 2) {
		if (!erlang_a_search_meets(s, hi - step))
			break;
		hi -= step;
	}
	return erlang_a_search_bisect(s, hi);
}

int
erlang_a_agents_needed(double arrival_per_s, double aht_s, double patience_s,
    double target_sl, double threshold_s, int max_agents)
{
	struct erlang_a_search s;
	double a = erlang_traffic(arrival_per_s, aht_s);
	int least;

	if (a == 0)
		return 0;
	if (erlang_a_is_c(aht_s, patience_s))
		return erlang_c_agents_needed(arrival_per_s, aht_s, target_sl,
		    threshold_s, max_agents);
	if (!(target_sl < 1) || max_agents < 1 || !(a < INT_MAX / 2))
		return erlang_unreachable(max_agents);
	/* Answered calls are at most N / AHT a second, so SL <= N / A. */
	least = target_sl > 0 ? (int)ceil(target_sl * a) : 1;
	least = least < 1 ? 1 : least;
	if (least > max_agents)
		return erlang_unreachable(max_agents);
	s = (struct erlang_a_search){ .arrival_per_s = arrival_per_s,
	    .aht_s = aht_s, .patience_s = patience_s,
	    .t = erlang_threshold(threshold_s), .a = a, .target = target_sl,
	    .base = least - 1, .base_loss = erlang_b_blocking(least - 1, a) };

	return erlang_a_search_run(&s, erlang_c_agents_needed(arrival_per_s,
	    aht_s, target_sl, threshold_s, max_agents), max_agents);
}

/*
 * An upper bound on Erlang C at n >= a + 1 agents, in O(1): Erlang B is
 * P(X = n) / P(X <= n) for X ~ Poisson(a), and P(X <= n) >= 1/2 once n is
 * at least the median (which is below a + 1/3), so B <= 2 P(X = n) and
 * C = n B / (n - a (1 - B)) <= n B / (n - a). Spares the O(n) walk of B
 * when a queue has far more agents than traffic.
 */
static double
erlang_c_bound(int n, double a)
{
	double log_p = -a + n * log(a) - lgamma(n + 1.0);

	return n * fmin(1, 2 * exp(log_p)) / (n - a);
}

/* Far enough above the target that rounding cannot matter. */
#define ERLANG_SURELY(x, target)	((x) >= (target) + 1e-9)

bool
erlang_agents_meet(int n, double arrival_per_s, double aht_s,
    double patience_s, double target_sl, double threshold_s, int max_agents)
{
	double a = erlang_traffic(arrival_per_s, aht_s);
	double t = erlang_threshold(threshold_s), loss;
	struct erlang_a_outcome out;
	int least;

	if (a == 0)
		return n >= 0;
	if (erlang_a_is_c(aht_s, patience_s)) {
		/* As erlang_c_agents_needed: N > A, then SL at N. */
		if (!(target_sl < 1) || !(a < max_agents))
			return n >= erlang_unreachable(max_agents);
		if (n > max_agents)
			return true;
		if (n <= (int)floor(a))
			return false;
		if (n >= a + 1 && ERLANG_SURELY(1 - erlang_c_bound(n, a),
		    target_sl))
			return true;    /* SL >= 1 - C */
		return erlang_c_sl_from_c(erlang_c_from_b(erlang_b_blocking(n, a),
		    n, a), n, a, aht_s, t) >= target_sl;
	}
	/* As erlang_a_agents_needed: its answer lies in [least, max_agents]
	 * or is max_agents + 1, and it is the least N meeting the target. */
	if (!(target_sl < 1) || max_agents < 1 || !(a < INT_MAX / 2))
		return n >= erlang_unreachable(max_agents);
	least = target_sl > 0 ? (int)ceil(target_sl * a) : 1;
	least = least < 1 ? 1 : least;
	if (least > max_agents)
		return n >= erlang_unreachable(max_agents);
	if (n > max_agents)
		return true;
	if (n < least)
		return false;
	if (n >= a + 1 && ERLANG_SURELY(1 - erlang_c_bound(n, a), target_sl))
		return true;
	/* The same Erlang B the search steps to n (the same steps from 0). */
	loss = erlang_b_blocking(n, a);
	if (n > a && ERLANG_SURELY(1 - erlang_c_from_b(loss, n, a), target_sl))
		return true;
	erlang_a_eval(n, arrival_per_s, aht_s, patience_s, t, loss, &out);
	return out.answered_within >= target_sl;
}

double
erlang_patience_estimate_s(int64_t abandoned, int64_t total_wait_ms_of_all_calls)
{
	if (abandoned <= 0)
		return INFINITY;
	if (total_wait_ms_of_all_calls <= 0)
		return 0;
	return (double)total_wait_ms_of_all_calls / 1000.0 / (double)abandoned;
}
