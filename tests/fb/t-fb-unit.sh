#!/usr/bin/env bash
# systemd/wallboard-fb@.service as a TV would run it (wallboard-fb@tty1):
# `systemd-analyze verify` clean and an exposure level of at most 2.5, with
# ExecStart pointed at $BUILD (verify wants the binary to exist).
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
passed=0
failed=0
ok() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

if ! command -v systemd-analyze >/dev/null; then
	echo "systemd-analyze missing: skipped"
	echo "0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/local/bin/|$PWD/$BUILD/|g" systemd/wallboard-fb@.service \
	>"$tmp/wallboard-fb@tty1.service"
if out=$(systemd-analyze verify "$tmp/wallboard-fb@tty1.service" 2>&1) &&
    [ -z "$out" ]; then
	ok "systemd-analyze verify wallboard-fb@tty1"
else
	fail "systemd-analyze verify: $out"
fi
level=$(systemd-analyze security --offline=true \
	"$tmp/wallboard-fb@tty1.service" 2>&1 |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -n "$level" ] && awk "BEGIN { exit !($level <= 2.5) }"; then
	ok "exposure level $level (at most 2.5)"
else
	fail "exposure level '${level}' (at most 2.5)"
fi
grep -q '^DeviceAllow=/dev/fb0 rw' systemd/wallboard-fb@.service &&
	grep -q '^DevicePolicy=closed' systemd/wallboard-fb@.service &&
	ok "devices: closed, but for the framebuffer and the tty" ||
	fail "devices: DevicePolicy=closed with DeviceAllow=/dev/fb0"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
