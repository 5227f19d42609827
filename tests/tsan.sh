#!/usr/bin/env bash
# make tsan: the live tests and the NATS ones against ThreadSanitizer builds
# (build-tsan/), for data races between the daemon's loop, its ingest thread
# and its NATS reader's threads (and the feed's publishing thread).
#
# What fails this check is a race report, not a figure: under ThreadSanitizer
# the daemon runs 10 to 20 times slower, and a burst can then outlast the
# live clock's grace, so a few exact live-versus-replay comparisons of the
# live tests may differ by design (make test and make asan judge those).
# tests/tsan.supp says what is suppressed, and why.
set -u
cd "$(dirname "$0")/.."
logdir="$PWD/build-tsan/tsan-logs"
rm -rf "$logdir"
mkdir -p "$logdir"
# t-http-flood is left out: the HTTP server is the main loop's alone (no
# thread to race with), and that test judges memory and time budgets that
# mean nothing at TSan's 10x cost (a minute of failures, no race to find).
export WB_TEST_SKIP="t-http-flood.py"
# The short forms where a test has one (t-nats: a 10 s outage, not 30).
export WB_TEST_QUICK=1
export TSAN_OPTIONS="halt_on_error=0 log_path=$logdir/report suppressions=$PWD/tests/tsan.supp"
# The run's own closing line is reworded: its figures are not what is
# judged here, and a reader (or CI) must not take them for the verdict.
for group in live nats; do
	BUILD=build-tsan tests/run.sh "$group" |
		sed "s/^tests: \([0-9]* passed, [0-9]* failed\)\$/($group tests under ThreadSanitizer, figures not judged: \1)/"
	[ "${PIPESTATUS[0]}" -eq 0 ] ||
		echo "(the $group tests' figures are not judged under ThreadSanitizer; see tests/tsan.sh)"
done
if compgen -G "$logdir/report.*" >/dev/null; then
	cat "$logdir"/report.*
	echo "tsan: data races reported (above; logs in $logdir)"
	exit 1
fi
echo "tsan: no data race reported"
