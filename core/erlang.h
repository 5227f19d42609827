/*
 * erlang.h: staffing arithmetic, Erlang C and Erlang A.
 *
 * Per queue: from the recent arrival rate and the hour's average handle time
 * (AHT), how many agents are needed now to meet the queue's service-level
 * target. Erlang C (M/M/N) assumes nobody hangs up; Erlang A (Palm's
 * M/M/N+M) lets each caller wait an exponential time of mean patience_s
 * before abandoning, which is what real queues do, and so needs fewer agents
 * whenever patience is short.
 *
 * Units: rates are per second, times in seconds, traffic in erlangs
 * (arrival_per_s * aht_s). Pure: no allocation, no clock, no state. No
 * factorials or powers either, so thousands of agents neither overflow nor
 * lose precision. Erlang B and C cost O(agents); Erlang A adds the length of
 * the queue it sums, about (A - N) * patience / AHT when understaffed (the
 * callers who wait before giving up) plus a few multiples of its spread.
 * Staffing a 12,000-erlang floor takes well under a millisecond either way.
 *
 * Bad input never yields NaN: no traffic (a rate or AHT that is zero,
 * negative or NaN) means nobody waits; a negative or NaN threshold is 0.
 */
#ifndef WALLBOARD_ERLANG_H
#define WALLBOARD_ERLANG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A patience longer than this many AHTs is taken as infinite: Erlang A is
 * then Erlang C exactly. So little abandonment changes no staffing figure,
 * while an overloaded queue's length (and so the work) grows with patience.
 */
#define ERLANG_A_PATIENCE_MAX_AHT	1000.0

/*
 * Erlang B: the share of arrivals that find all `agents` busy when those who
 * find them busy are lost. 1 with no agents, 0 with no traffic.
 */
double	erlang_b_blocking(int agents, double traffic_erlangs);

/*
 * Erlang C: P(wait > 0), the share of arrivals that must queue. 1 when
 * agents <= traffic (the queue grows without bound), 0 with no traffic.
 */
double	erlang_c_wait_probability(int agents, double traffic_erlangs);

/*
 * Erlang C service level: P(wait <= threshold_s) =
 * 1 - C * exp(-(N - A) * T / AHT). 0 when N <= A, 1 with no traffic.
 */
double	erlang_c_service_level(int agents, double arrival_per_s, double aht_s,
	    double threshold_s);

/*
 * Erlang C average speed of answer (mean wait over all arrivals, those not
 * waiting counted as 0): C * AHT / (N - A). INFINITY when N <= A, 0 with no
 * traffic.
 */
double	erlang_c_asa_s(int agents, double arrival_per_s, double aht_s);

/*
 * The smallest N > A whose Erlang C service level is at least target_sl
 * (a share in (0, 1)). 0 with no traffic. max_agents + 1 when max_agents do
 * not reach it, and always for a target of 1 or more, which no finite staff
 * meets: callers show that as "more than max_agents".
 */
int	erlang_c_agents_needed(double arrival_per_s, double aht_s,
	    double target_sl, double threshold_s, int max_agents);

/*
 * What becomes of an arrival in Erlang A (M/M/N+M): each share is a
 * probability per arrival, so each is also a fraction of all offered calls.
 */
struct erlang_a_outcome {
	double	wait;             /* finds every agent busy */
	double	abandoned;        /* hangs up before being answered */
	double	answered_within;  /* answered with wait <= within_s */
	double	abandoned_within; /* hangs up with wait <= within_s */
};

/*
 * The outcome shares for `agents` agents, mean patience patience_s and the
 * wait threshold within_s. patience_s <= 0 is no patience at all (Erlang B:
 * whoever would wait leaves at once); NaN, infinite or beyond
 * ERLANG_A_PATIENCE_MAX_AHT handle times is Erlang C (abandoned = 0).
 * Computed from the birth-death state probabilities with the queue-length sum
 * cut where the remaining terms are below 1e-18 of the total; the chance of
 * being answered within T with j callers ahead is a negative-binomial tail
 * (see erlang.c), so no integral is approximated.
 */
void	erlang_a_outcomes(int agents, double arrival_per_s, double aht_s,
	    double patience_s, double within_s, struct erlang_a_outcome *out);

/*
 * Erlang A service level, defined strictly: P(answered with wait <= T) over
 * ALL arrivals, so a caller who abandons, before T or after, counts as not in
 * service level (the wallboard's "standard" formula with no short-abandon
 * allowance). Other definitions follow from erlang_a_outcomes(), for example
 * answered_within / (1 - abandoned_within) when abandons within T are
 * ignored. Unlike Erlang C it is above 0 even when N <= A, because the queue
 * is kept finite by those who give up.
 */
double	erlang_a_service_level(int agents, double arrival_per_s, double aht_s,
	    double patience_s, double threshold_s);

/* Erlang A: the share of arrivals that abandon (0 for Erlang C patience). */
double	erlang_a_abandon_probability(int agents, double arrival_per_s,
	    double aht_s, double patience_s);

/*
 * The smallest N whose Erlang A service level (as erlang_a_service_level)
 * is at least target_sl. 0 with no traffic; max_agents + 1 when max_agents
 * do not reach it or target_sl >= 1. No more than erlang_c_agents_needed()
 * whenever mean patience exceeds T (checked over a grid of cases in the
 * tests); with patience at or below T it can be one more, because a caller
 * who hangs up before T is a failure here while Erlang C assumes that caller
 * would have waited. The strict SL can also be met by answering exactly the
 * target share and losing the rest: show the abandon rate next to it.
 */
int	erlang_a_agents_needed(double arrival_per_s, double aht_s,
	    double patience_s, double target_sl, double threshold_s,
	    int max_agents);

/*
 * Whether `agents` agents meet the target: exactly
 * agents >= erlang_a_agents_needed() with the same arguments (Erlang C for
 * a patience that makes Erlang A into C), but with at most one evaluation,
 * at `agents`, instead of a search. Bounds settle most cases without the
 * Erlang A series: fewer agents than target * traffic never meet it, and
 * more than meet it by Erlang C's wait probability alone (in Erlang A the
 * queue is never longer than in Erlang C, so P(wait) is never larger).
 */
bool	erlang_agents_meet(int agents, double arrival_per_s, double aht_s,
	    double patience_s, double target_sl, double threshold_s,
	    int max_agents);

/*
 * Mean patience (s) by maximum likelihood for exponential patience, where
 * every answered call's wait is a patience known only to exceed it: the
 * total wait of ALL calls (answered and abandoned) over the number
 * abandoned. INFINITY when nothing was abandoned (use Erlang C), 0 when
 * there were abandons but no waiting at all.
 */
double	erlang_patience_estimate_s(int64_t abandoned,
	    int64_t total_wait_ms_of_all_calls);

#endif
