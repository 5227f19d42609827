#!/bin/sh
# The Debian packages each make target needs: install the missing ones, or
# name them and stop.
#
#   scripts/install-deps.sh [GOAL...]          install what GOALs need
#   scripts/install-deps.sh --check GOAL...    name what is missing, exit 1
#
# GOAL is a make target: all (the programs), demo, test, unit, asan, tsan,
# bench, fuzz, install. With none, `make deps` installs what the README's
# targets need: the programs, the demo, the tests and the benchmarks (not
# clang for `make fuzz`: ask for it, `make deps fuzz`).
#
# A package counts as present when what the build uses from it is there (a
# pkg-config module, a command, a Python module, a file), not by asking
# dpkg, so libraries built from source or another distribution's packages
# count too; what is missing is named by its Debian 12 package. Installing
# uses apt-get, through sudo when not run as root. Nothing else is
# downloaded.
set -e
PYTHON="$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)"

# GROUP: "debian-package=probe" ... where probe is pc:MODULE (pkg-config),
# cmd:COMMAND, py:MODULE (Debian's python3) or file:PATH.
BUILD_PKGS="build-essential=cmd:cc build-essential=cmd:make
build-essential=file:/usr/include/stdio.h pkg-config=cmd:pkg-config libyaml-dev=pc:yaml-0.1 libcjson-dev=pc:libcjson
libzmq3-dev=pc:libzmq libevent-dev=pc:libevent_core libsystemd-dev=pc:libsystemd
libncurses-dev=pc:ncursesw libcmocka-dev=pc:cmocka
libcairo2-dev=pc:cairo libpango1.0-dev=pc:pangocairo libdrm-dev=pc:libdrm
libnats-dev=pc:libnats"
# The demo reads the site's time zone; minbase has tzdata, a container may not.
# The framebuffer board's type (docs/framebuffer.md), found by fontconfig:
# Inter, then WenQuanYi Micro Hei for Chinese, Japanese and Korean names,
# Symbola for emoji, DejaVu Sans for the symbols the others lack.
RUN_PKGS="tzdata=file:/usr/share/zoneinfo/Europe/London
fonts-inter=file:/usr/share/fonts/opentype/inter/Inter-Bold.otf
fonts-wqy-microhei=file:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts-symbola=file:/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf
fonts-dejavu-core=file:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# The suite: Python clients of the daemon, a real terminal (tmux), the unit's
# checks (systemd-analyze, systemd-sysusers), the syscall filter's (strace),
# pgrep/kill for the tests that count processes (procps), and NATS servers
# for the JetStream tests (tests/nats/).
TEST_PKGS="python3=cmd:$PYTHON python3-yaml=py:yaml python3-zmq=py:zmq
tmux=cmd:tmux systemd=cmd:systemd-analyze strace=cmd:strace procps=cmd:pgrep
nats-server=file:/usr/sbin/nats-server"
# The JSON parser comparison (docs/json-choice.md) measures two more;
# bench-pixels reads the terminal board's screen through libvterm;
# bench-nats.py drives a NATS cluster and the daemons from Python.
BENCH_PKGS="libjson-c-dev=pc:json-c libjansson-dev=pc:jansson libvterm-dev=pc:vterm
python3-zmq=py:zmq python3-yaml=py:yaml nats-server=file:/usr/sbin/nats-server"
FUZZ_PKGS="clang=cmd:clang libclang-rt-14-dev=fuzzer"

pkgs_for() {
	case "$1" in
	all|install) echo "$BUILD_PKGS" ;;
	demo) echo "$BUILD_PKGS $RUN_PKGS" ;;
	test|unit|asan|tsan) echo "$BUILD_PKGS $RUN_PKGS $TEST_PKGS" ;;
	bench) echo "$BUILD_PKGS $RUN_PKGS $BENCH_PKGS" ;;
	fuzz) echo "$BUILD_PKGS $FUZZ_PKGS" ;;
	*) echo "$BUILD_PKGS" ;;
	esac
}

present() {
	case "$1" in
	pc:*) command -v pkg-config >/dev/null && pkg-config --exists "${1#pc:}" ;;
	cmd:*) command -v "${1#cmd:}" >/dev/null ;;
	py:*) "$PYTHON" -c "import ${1#py:}" 2>/dev/null ;;
	file:*) [ -e "${1#file:}" ] ;;
	fuzzer) command -v clang >/dev/null &&
		printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
		clang -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null ;;
	esac
}

check=
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
[ $# -gt 0 ] || set -- all demo test bench
wanted=
for goal in "$@"; do
	wanted="$wanted $(pkgs_for "$goal")"
done
missing=
for item in $wanted; do
	pkg="${item%%=*}"
	case " $missing " in *" $pkg "*) continue ;; esac
	present "${item#*=}" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ -n "$check" ]; then
	echo "make $*: missing Debian packages:$missing (\`make deps $*\` installs them)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "install-deps: no apt-get: install your distribution's equivalents of these Debian 12 packages:$missing" >&2
	exit 1
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "install-deps: not root and no sudo: as root, apt-get install$missing" >&2
		exit 1
	fi
	SUDO=sudo
fi
echo "installing:$missing"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
