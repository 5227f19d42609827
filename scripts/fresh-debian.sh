#!/usr/bin/env bash
# fresh-debian.sh: see what a newcomer sees. A brand-new Debian 12 root
# (debootstrap --variant=minbase, nothing added but make), the project in it
# as a clean checkout, and commands run there as root or as an ordinary user
# with sudo. CI proves the README's set-up with it; run it yourself before
# you change a set-up step.
#
#   scripts/fresh-debian.sh new DIR [--user NAME] [--worktree]
#       Make the root at DIR (which must not exist, or be empty): the
#       project's HEAD (`git archive`: committed work only; --worktree
#       takes the tracked files as they are in the work tree, uncommitted
#       changes included: `git add -N` a new file to take it too) in
#       DIR/work/main, and ../shared beside it in DIR/work/shared, read-only,
#       as CI has them. --user NAME adds sudo and a user NAME who may use
#       it without a password, and gives them DIR/work/main.
#   scripts/fresh-debian.sh run DIR [--user NAME] [--] COMMAND...
#       Run COMMAND in the root, in /work/main, as root or NAME, with a
#       clean environment (HOME, USER, PATH, LANG=C.UTF-8; TERM passed on;
#       nothing else of the caller's). It runs in private mount and PID
#       namespaces: /proc, /sys, /dev (the caller's terminal too), and
#       tmpfs on /dev/shm and /run are mounted for it. Its PID 1 is a shell
#       that only waits for COMMAND (so COMMAND gets Ctrl-C and SIGTERM as
#       anywhere else); when COMMAND ends, every process it left is killed
#       and every mount goes, so nothing stays on this machine. A caller
#       that wants to know whether COMMAND left processes behind must look
#       from inside, before COMMAND returns (tests/fresh/demo-tmux.sh does).
#       COMMAND's exit status is the script's.
#   scripts/fresh-debian.sh rm DIR
#       Remove a root (refused while anything is mounted under it).
#
# The base is made once a week through this machine's own apt sources and
# kept as a tarball in $WB_FRESH_CACHE (default /var/cache/wallboard-fresh);
# older ones are removed. Downloaded .deb files are kept there too
# (apt-archives/): `run` links them into the root's /var/cache/apt/archives
# before COMMAND and links back what COMMAND's apt downloaded after it, so a
# second root downloads nothing again; every package is still installed by
# the root's own apt-get. (Not a bind mount of one shared directory: apt
# locks its archives directory and fails at once, not waits, if another
# root's apt holds it, so two roots could not run `make deps` together.)
# The tarball is gzip: a minbase host has no zstd or xz, and it unpacks in
# about a second. Needs root, debootstrap, unshare and chroot (and tar,
# gzip, flock: all in minbase).
set -euo pipefail

SUITE=bookworm
CACHE="${WB_FRESH_CACHE:-/var/cache/wallboard-fresh}"
TOP="$(cd "$(dirname "$0")/.." && pwd)"
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "fresh-debian: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
	exit "${1:-2}"
}

# The mirror this machine's apt uses for Debian and for its security
# updates (deb822 .sources or one-line sources.list).
mirror_of() {
	local want="$1" uri
	uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk -v want="$want" '
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want) { print uri; exit } }')"
	[ -n "$uri" ] || uri="$(grep -hsE "^deb +(\[[^]]*\] +)?[^ ]+ +$want( |$)" \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		sed -E 's/^deb +(\[[^]]*\] +)?([^ ]+).*/\2/' | head -n 1)"
	echo "$uri"
}

# The base root as a tarball, made at most once a week.
base_tarball() {
	local week tarball tmp mirror
	week="$(date +%G-W%V)"
	tarball="$CACHE/$SUITE-minbase-$week.tar.gz"
	mkdir -p "$CACHE"
	# One debootstrap at a time; a second `new` waits and takes its tarball.
	exec 9>"$CACHE/.lock"
	flock 9
	if [ ! -s "$tarball" ]; then
		command -v debootstrap >/dev/null ||
			die "debootstrap is missing: apt-get install debootstrap"
		mkdir -p "$CACHE"
		mirror="$(mirror_of "$SUITE")"
		mirror="${mirror:-http://deb.debian.org/debian}"
		tmp="$(mktemp -d "$CACHE/base.XXXXXX")"
		echo "fresh-debian: debootstrap --variant=minbase --include=make $SUITE ($mirror)" >&2
		if ! debootstrap --variant=minbase --include=make "$SUITE" "$tmp/root" "$mirror" \
			>"$tmp/log" 2>&1; then
			tail -n 20 "$tmp/log" >&2
			rm -rf "$tmp"
			die "debootstrap failed"
		fi
		rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_*
		tar -C "$tmp/root" --numeric-owner -czf "$tmp/base.tar.gz" .
		mv "$tmp/base.tar.gz" "$tarball"
		rm -rf "$tmp"
		find "$CACHE" -maxdepth 1 -name "$SUITE-minbase-*.tar.*" ! -name "$(basename "$tarball")" \
			-delete
	fi
	exec 9>&-
	echo "$tarball"
}

write_sources() {
	local root="$1" mirror security
	mirror="$(mirror_of "$SUITE")"
	security="$(mirror_of "$SUITE-security")"
	cat >"$root/etc/apt/sources.list" <<EOF
deb ${mirror:-http://deb.debian.org/debian} $SUITE main
deb ${mirror:-http://deb.debian.org/debian} $SUITE-updates main
deb ${security:-http://deb.debian.org/debian-security} $SUITE-security main
EOF
}

# Mounts under DIR, deepest first (from this namespace's view).
mounts_under() {
	local dir
	dir="$(realpath "$1")"
	awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

# The command run in the new namespaces (as their PID 1's child): mount what
# the root needs, then chroot. Everything mounted here goes with the
# namespace.
inside() {
	local root="$1" user="$2"
	shift 2
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
	mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$root/run"
	debs_in "$root"
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	# --default-signal: the host side runs unshare in the background, so
	# it and this shell inherit SIGINT and SIGQUIT ignored; COMMAND must not.
	local env=(env --default-signal=INT,QUIT -i "PATH=$PATH_IN" "TERM=${TERM:-dumb}"
		LANG=C.UTF-8)
	# Not exec: this shell stays PID 1 and COMMAND runs as its child. The
	# kernel gives a namespace's PID 1 no signal it has no handler for, so
	# COMMAND as PID 1 would ignore Ctrl-C and SIGTERM; bash also reaps the
	# orphans reparented to it while it waits.
	local rc=0
	if [ -z "$user" ]; then
		chroot "$root" "${env[@]}" HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
			sh -c 'cd /work/main && exec "$@"' sh "$@" || rc=$?
	else
		chroot "$root" "${env[@]}" runuser -u "$user" -- \
			sh -c 'cd /work/main && exec "$@"' sh "$@" || rc=$?
	fi
	debs_out "$root" || true
	exit "$rc"
}

# The shared .deb cache into the root's apt archives (hard links when on
# the same file system), and back out: only whole files, each appearing in
# the cache at once (link or rename), so roots may share it concurrently.
debs_in() {
	local archives="$1/var/cache/apt/archives" debs
	mkdir -p "$CACHE/apt-archives" "$archives/partial"
	debs=("$CACHE"/apt-archives/*.deb)
	[ -e "${debs[0]}" ] || return 0
	cp -n -l "${debs[@]}" "$archives/" 2>/dev/null || cp -n "${debs[@]}" "$archives/"
}
debs_out() {
	local f dest tmp
	for f in "$1"/var/cache/apt/archives/*.deb; do
		[ -f "$f" ] || continue
		dest="$CACHE/apt-archives/${f##*/}"
		[ -e "$dest" ] && continue
		ln "$f" "$dest" 2>/dev/null && continue
		[ -e "$dest" ] && continue
		tmp="$(mktemp "$CACHE/apt-archives/.deb.XXXXXX")" &&
			cp "$f" "$tmp" && chmod 644 "$tmp" && mv -f "$tmp" "$dest" ||
			rm -f "$tmp"
	done
	return 0
}

cmd_run() {
	local root="" user=""
	[ $# -gt 0 ] || usage
	root="$(realpath "$1")"
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--user) user="${2:?--user needs a name}"; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || die "run: no command"
	[ -x "$root/bin/sh" ] && [ -d "$root/work/main" ] || die "$root is not a fresh root"
	[ "$(id -u)" -eq 0 ] || die "run: needs root (namespaces, chroot)"
	# A PID namespace: when the command ends, its PID 1 goes and the
	# kernel kills whatever it left behind. --kill-child: the same if
	# unshare dies. unshare blocks SIGTERM and SIGINT, so this script, if
	# told to stop (TERM, HUP), kills it; Ctrl-C reaches COMMAND itself
	# (same process group). In the background only to be able to trap:
	# stdin and the terminal stay COMMAND's.
	local pid rc
	unshare --mount --propagation private --pid --fork --kill-child \
		env WB_FRESH_CACHE="$CACHE" bash "$0" __inside "$root" "$user" "$@" 0<&0 &
	pid=$!
	trap 'kill -KILL "$pid" 2>/dev/null' TERM HUP
	trap '' INT
	while :; do
		rc=0
		wait "$pid" || rc=$?
		kill -0 "$pid" 2>/dev/null || break
	done
	trap - TERM HUP INT
	return "$rc"
}

cmd_new() {
	local root="" user="" worktree=""
	[ $# -gt 0 ] || usage
	root="$1"
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--user) user="${2:?--user needs a name}"; shift 2 ;;
		--worktree) worktree=1; shift ;;
		*) die "new: unknown option '$1'" ;;
		esac
	done
	[ "$(id -u)" -eq 0 ] || die "new: needs root (debootstrap, chroot)"
	if [ -e "$root" ] && [ -n "$(ls -A "$root")" ]; then
		die "$root exists and is not empty"
	fi
	mkdir -p "$root"
	root="$(realpath "$root")"
	local tarball
	tarball="$(base_tarball)"
	tar -C "$root" --numeric-owner -xzf "$tarball"
	write_sources "$root"
	# The shared .deb cache takes what the root's apt downloaded after each
	# run: apt-get keeps it by default, but `apt` does not, nor would an
	# image's docker-clean; say it, and refuse a config that cleans.
	printf 'APT::Keep-Downloaded-Packages "true";\nBinary::apt::APT::Keep-Downloaded-Packages "true";\n' \
		>"$root/etc/apt/apt.conf.d/00fresh-debian-keep-debs"
	if grep -lsE 'archives/\*\.deb|Keep-Downloaded-Packages +"?(false|0)' \
		"$root"/etc/apt/apt.conf.d/* | grep -v 00fresh-debian; then
		die "new: the root's apt config deletes downloaded packages (above)"
	fi
	# As an installer leaves it: the machine's name resolves (sudo asks).
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
		"$(cat /proc/sys/kernel/hostname)" >"$root/etc/hosts"

	# The project as CI has it: a clean checkout, ../shared beside it.
	mkdir -p "$root/work/main"
	if [ -n "$worktree" ]; then
		git -C "$TOP" ls-files -z --cached |
			(cd "$TOP" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
			tar -C "$TOP" --null -T - -cf - | tar -C "$root/work/main" -xf -
	else
		git -C "$TOP" archive HEAD | tar -C "$root/work/main" -xf -
	fi
	if [ -d "$TOP/../shared" ]; then
		cp -a "$TOP/../shared" "$root/work/shared"
		chmod -R a-w "$root/work/shared"
	fi

	if [ -n "$user" ]; then
		# An ordinary user with sudo, as on a workstation.
		cmd_run "$root" -- sh -c '
			apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo \
				>/dev/null' || die "new: could not install sudo"
		chroot "$root" useradd --create-home --shell /bin/bash "$user"
		echo "$user ALL=(ALL) NOPASSWD: ALL" >"$root/etc/sudoers.d/$user"
		chmod 440 "$root/etc/sudoers.d/$user"
		chroot "$root" chown -R "$user:$user" /work/main
	fi
	echo "fresh-debian: $root: Debian $(cat "$root/etc/debian_version") minbase," \
		"the project in /work/main${user:+, user $user with sudo}"
}

cmd_rm() {
	[ $# -eq 1 ] || usage
	local root="$1" left
	[ -d "$root" ] || return 0
	left="$(mounts_under "$root")"
	[ -z "$left" ] || die "rm: still mounted under $root: $left"
	chmod -R u+w "$root/work/shared" 2>/dev/null || true
	rm -rf --one-file-system "$root"
}

case "${1:-}" in
new) shift; cmd_new "$@" ;;
run) shift; cmd_run "$@" ;;
rm) shift; cmd_rm "$@" ;;
__inside) shift; inside "$@" ;;
-h|--help) usage 0 ;;
*) usage ;;
esac
