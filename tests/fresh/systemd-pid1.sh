#!/usr/bin/env bash
# tests/fresh/systemd-pid1.sh ROOT: the service as operations run it, under a
# real systemd, in a fresh root (scripts/fresh-debian.sh new) where `make deps
# test` has run (so systemd and python3 are there and build/ is built).
#
# systemd boots as PID 1 of private PID, mount, cgroup and UTS namespaces
# whose root is ROOT (pivot_root, not chroot: the kernel refuses user
# namespaces, which PrivateUsers= needs, to a chrooted process: 217/USER),
# with a /dev, a read-only /sys and a cgroup of its own, so that it touches
# nothing of this machine's (see "boot" below). No unit is masked. The units
# run exactly as `make install` ships them, every hardening option on
# (checked on the running daemon), except one drop-in: WatchdogSec=5s
# instead of 30 s, so the hung-loop check takes seconds; and the config's
# ports are moved to free ones, as an operator would, so the test can run
# beside a demo. Then, each one line ok/FAIL:
#
#   - systemctl enable --now wallboardd: enabled, active, with its STATUS=
#     line, in its sandbox (namespaces of its own, no capabilities, seccomp);
#   - wallboard-feed@sim (the bridges' template unit, the simulator as its
#     command) feeds it: events applied;
#   - systemctl reload with a good config: done; with a broken one: fails,
#     the journal names FILE:LINE, and the daemon runs on, same PID;
#   - kill -9 of the main PID: active again within RestartSec (2 s) plus
#     slack, with the day's figures;
#   - SIGSTOP (a hung loop): the watchdog restarts it (result watchdog);
#   - systemctl stop: within TimeoutStopSec (5 s), cleanly.
#
# Nothing is left behind: systemd is powered off, the namespaces go with it,
# and the script checks that no mount, process or cgroup of ROOT remains.
# About 20 s. Needs root and a cgroup2 hierarchy (cgroup v1 beside it is
# fine). Running it again on the same ROOT is fine.
set -u
cd "$(dirname "$0")/../.."
root="$(realpath "${1:?usage: systemd-pid1.sh ROOT}")"
PYTHON="${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}"
tmp="$(mktemp -d)"
fails=0
boot_pid=
pid1=
cg=

ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }

# A command inside the booted system (its namespaces and root).
ns() {
	nsenter -t "$pid1" -m -p -r -w /usr/bin/env -i \
		PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
show() { ns systemctl show -p "$2" --value "$1"; }

cleanup() {
	local c
	# Interrupted: a check waiting in a subshell stops first.
	for c in $(cat /proc/$$/task/*/children 2>/dev/null); do
		[ "$c" != "$boot_pid" ] && kill "$c" 2>/dev/null
	done
	if [ -n "$pid1" ] && kill -0 "$pid1" 2>/dev/null; then
		ns systemctl poweroff >/dev/null 2>&1 || kill -s RTMIN+4 "$pid1" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$boot_pid" 2>/dev/null || break
			sleep 0.2
		done
	fi
	[ -n "$boot_pid" ] && kill -9 "$boot_pid" 2>/dev/null
	[ -n "$boot_pid" ] && wait "$boot_pid" 2>/dev/null
	rm_cgroup
	rm -rf "$tmp"
}

# systemd's cgroup, its children first (what systemd left of them).
rm_cgroup() {
	[ -n "$cg" ] && [ -d "$cg" ] || return 0
	[ -e "$cg/cgroup.kill" ] && echo 1 >"$cg/cgroup.kill" 2>/dev/null
	find "$cg" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
	rmdir "$cg" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# distinct free loopback ports below the ephemeral range
free_ports() {
	"$PYTHON" tests/live/ports.py "$1"
}

# ---- install, as the README says ------------------------------------------------
scripts/fresh-debian.sh run "$root" -- make -s install >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL make install"; exit 1; }
ok "make install"
conf="$root/etc/wallboard/wallboard.yaml"
# The shipped config (a second run finds the one the first edited, kept).
cp "$root/work/main/config/wallboard.yaml" "$conf"
read -r ingest publish http < <(free_ports 3)
sed -i -e "s|\"tcp://\*:7410\"|\"tcp://127.0.0.1:$ingest\"|" \
	-e "s|\"tcp://\*:7411\"|\"tcp://127.0.0.1:$publish\"|" \
	-e "s|\"127.0.0.1:7412\"|\"127.0.0.1:$http\"|" "$conf"
grep -q "127.0.0.1:$ingest" "$conf" || { echo "FAIL could not move the config's ports"; exit 1; }
cp "$conf" "$tmp/good.yaml"

mkdir -p "$root/etc/systemd/system/wallboardd.service.d"
cat >"$root/etc/systemd/system/wallboardd.service.d/test-watchdog.conf" <<'EOF'
# tests/fresh/systemd-pid1.sh: a hung loop is caught in 5 s, not 30.
[Service]
WatchdogSec=5s
EOF
# The simulator as a bridge instance: the last half hour at once, then live
# at ten times real time.
cat >"$root/etc/wallboard/feed-sim.env" <<EOF
WALLBOARD_FEED_ARGS="sim -c /etc/wallboard/wallboard.yaml --rate 3 --speed 10 --floor-clock 09:30 --start $(( ($(date +%s) - 1800) * 1000 )) --warmup 30m --endpoint tcp://127.0.0.1:$ingest"
EOF
: >"$root/etc/machine-id"
# A second run starts as the first: the unit not enabled yet (the day's
# journal in /var/lib/wallboard is kept, hence the counts below are deltas).
rm -f "$root/etc/systemd/system/multi-user.target.wants/wallboardd.service"

# ---- boot ------------------------------------------------------------------------
# The booted system may touch nothing of this machine's but its own cgroup:
#   - cgroups: a cgroup of its own under this machine's cgroup2 hierarchy,
#     and a cgroup namespace rooted there, so its /sys/fs/cgroup is that
#     subtree alone (systemd writes init.scope, system.slice... into the
#     root of whatever it is given, and two runs at once would share them);
#     removed when it is powered off;
#   - /dev: a tmpfs with null, zero, full, random, urandom, tty and its own
#     ptys, as systemd-nspawn makes it. Not this machine's /dev: there, the
#     root's getty@tty1..6 and console-getty ran agetty on this machine's
#     consoles and left them chown'ed root:tty; without /dev/console and
#     /dev/tty0 their conditions skip them (nothing is masked);
#   - /sys and /proc/sys read-only (cgroup2 read-write): systemd-sysctl and
#     systemd-udevd skip themselves on a read-only /proc/sys and /sys, as in
#     any container, instead of setting this machine's kernel variables;
#   - a UTS namespace: systemd sets the host name from the root's
#     /etc/hostname.
cg_mnt=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
[ -n "$cg_mnt" ] || { echo "FAIL no cgroup2 hierarchy on this machine"; exit 1; }
cg="$cg_mnt$(sed -n 's/^0:://p' /proc/self/cgroup)"
cg="${cg%/}/wallboard-pid1.$$"
mkdir "$cg" || { echo "FAIL cannot make a cgroup for systemd ($cg)"; exit 1; }
cat >"$tmp/boot.sh" <<'EOF'
set -e
R="$1"
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
for p in sys sysrq-trigger; do
	[ -e "$R/proc/$p" ] || continue
	mount --bind "$R/proc/$p" "$R/proc/$p"
	mount -o remount,bind,ro "$R/proc/$p"
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
mount -t tmpfs -o mode=755,nosuid dev "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3
mknod -m 666 "$R/dev/zero" c 1 5
mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8
mknod -m 666 "$R/dev/urandom" c 1 9
mknod -m 666 "$R/dev/tty" c 5 0
mkdir -m 755 "$R/dev/pts"
mkdir -m 1777 "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
mkdir -p "$R/run/oldroot"
cd "$R"
pivot_root . run/oldroot
umount -l /run/oldroot
exec env -i container=wallboard-test PATH=/usr/sbin:/usr/bin:/sbin:/bin /lib/systemd/systemd --system
EOF
# The subshell enters the cgroup, then becomes unshare: the new namespaces'
# cgroup root is that cgroup.
(
	echo "$BASHPID" >"$cg/cgroup.procs" &&
	exec unshare --mount --propagation private --pid --fork --kill-child --cgroup --uts \
		bash "$tmp/boot.sh" "$root"
) >"$tmp/boot.log" 2>&1 </dev/null &
boot_pid=$!
for _ in $(seq 100); do
	pid1=$(cat "/proc/$boot_pid/task/$boot_pid/children" 2>/dev/null | awk '{ print $1 }')
	[ -n "$pid1" ] && [ "$(readlink "/proc/$pid1/exe" 2>/dev/null)" = /usr/lib/systemd/systemd ] && break
	[ -n "$pid1" ] && [ "$(readlink "/proc/$pid1/exe" 2>/dev/null)" = /lib/systemd/systemd ] && break
	pid1=
	kill -0 "$boot_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$pid1" ] || { cat "$tmp/boot.log"; echo "FAIL systemd did not start"; exit 1; }
state=
for _ in $(seq 150); do
	state=$(ns systemctl is-system-running 2>/dev/null)
	case "$state" in running|degraded) break ;; esac
	sleep 0.2
done
case "$state" in
running) ok "systemd $(ns systemctl --version | head -n 1 | awk '{ print $2 }') booted as PID 1: running" ;;
degraded) ok "systemd booted as PID 1: degraded:"; ns systemctl --failed --no-pager --plain | sed 's/^/      /' ;;
*) echo "FAIL systemd did not come up: '$state'"; cat "$tmp/boot.log"; exit 1 ;;
esac

# ---- enable --now ------------------------------------------------------------------
ns systemctl enable --now wallboardd >"$tmp/out" 2>&1
if [ "$(show wallboardd ActiveState)" = active ] && [ "$(show wallboardd UnitFileState)" = enabled ]; then
	ok "systemctl enable --now wallboardd: enabled, active"
else
	fail "wallboardd is $(show wallboardd ActiveState) ($(show wallboardd Result)):"
	ns journalctl -u wallboardd --no-pager | tail -n 20
	exit 1
fi
for _ in $(seq 50); do          # the first STATUS= comes with a heartbeat
	status_text=$(show wallboardd StatusText)
	[ -n "$status_text" ] && break
	sleep 0.1
done
[[ "$status_text" == *"events/s"* ]] && ok "STATUS: $status_text" || fail "no STATUS line: '$status_text'"

# The sandbox is in force, not just configured: no drop-in but the test's,
# and the main process in user, mount, IPC and UTS namespaces of its own
# (PrivateUsers=, PrivateTmp=/ProtectSystem=..., PrivateIPC=,
# ProtectHostname=), with no capabilities, no_new_privs and a seccomp filter.
main_pid=$(show wallboardd MainPID)
dropins=$(show wallboardd DropInPaths)
own=
for n in user mnt ipc uts; do
	[ "$(ns readlink "/proc/$main_pid/ns/$n")" != "$(ns readlink /proc/1/ns/$n)" ] && own="$own $n"
done
sandbox=$(ns awk '/^(CapBnd|NoNewPrivs|Seccomp):/ { printf "%s%s%s", sep, $1, $2; sep = " " }' "/proc/$main_pid/status")
if [ "$dropins" = /etc/systemd/system/wallboardd.service.d/test-watchdog.conf ] &&
	[ "$own" = " user mnt ipc uts" ] &&
	[ "$sandbox" = "CapBnd:0000000000000000 NoNewPrivs:1 Seccomp:2" ]; then
	ok "every hardening option on: namespaces of its own:$own; $sandbox"
else
	fail "the sandbox: drop-ins '$dropins', namespaces of its own:'$own', $sandbox"
fi

# ---- a feed, as a bridge instance -------------------------------------------------
# "applied" counts the events replayed from the day's journal too (a second
# run on the root has some): the feed must add ten.
applied_now() {
	ns wallboardctl status --json 2>/dev/null |
		"$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["applied"])' 2>/dev/null
}
applied0=$(applied_now)
ns systemctl start wallboard-feed@sim >"$tmp/out" 2>&1
added=0
for _ in $(seq 100); do
	applied=$(applied_now)
	added=$(( ${applied:-0} - ${applied0:-0} ))
	[ "$added" -ge 10 ] && break
	sleep 0.1
done
if [ -n "$applied0" ] && [ "$added" -ge 10 ] && [ "$(show wallboard-feed@sim ActiveState)" = active ]; then
	ok "wallboard-feed@sim active (sandboxed as shipped): $added events applied"
else
	fail "wallboard-feed@sim: $(show wallboard-feed@sim ActiveState), $added events applied (${applied0:-no status} before)"
	ns journalctl -u wallboard-feed@sim --no-pager | tail -n 10
fi
sleep 2
ns systemctl stop wallboard-feed@sim

# Wait up to $2 tenths of a second for the daemon to be active again under
# another PID than $1; prints the new one.
restarted() {
	local p
	for _ in $(seq "$2"); do
		p=$(show wallboardd MainPID)
		if [ "$p" != 0 ] && [ "$p" != "$1" ] && [ "$(show wallboardd ActiveState)" = active ]; then
			echo "$p"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# The day's counts, as the boards have them, for every scope: what time
# passing cannot change (occupancy, say, can).
figures() {
	ns wallboardctl snapshot 2>/dev/null | "$PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
keep = ("offered", "answered", "answered_in_sl", "abandoned", "short_abandoned",
        "handled", "talk_ms")
print(json.dumps({k: {f: v["windows"]["today"].get(f) for f in keep}
                  for k, v in s["scopes"].items()}, sort_keys=True))'
}

# ---- reload --------------------------------------------------------------------------
main_pid=$(show wallboardd MainPID)
if ns systemctl reload wallboardd >"$tmp/out" 2>&1; then
	ok "systemctl reload, good config: done"
else
	fail "systemctl reload of the shipped config failed: $(cat "$tmp/out")"
fi
printf 'no_such_key: 1\n' >>"$conf"
bad_line=$(grep -n '^no_such_key' "$conf" | cut -d: -f1)
since=$(ns date '+%Y-%m-%d %H:%M:%S')
sleep 1
if ns systemctl reload wallboardd >"$tmp/out" 2>&1; then
	fail "systemctl reload of a broken config returned 0"
else
	ok "systemctl reload, broken config: fails (exit $?)"
fi
ns journalctl -u wallboardd --since "$since" --no-pager -o cat >"$tmp/journal" 2>&1
if grep -q "/etc/wallboard/wallboard.yaml:$bad_line:" "$tmp/journal"; then
	ok "the journal names the line: $(grep -m 1 "/etc/wallboard/wallboard.yaml:$bad_line:" "$tmp/journal")"
else
	fail "the journal does not name wallboard.yaml:$bad_line:"; cat "$tmp/journal"
fi
[ "$(show wallboardd ActiveState)" = active ] && [ "$(show wallboardd MainPID)" = "$main_pid" ] &&
	ok "the daemon runs on with its config (PID $main_pid)" ||
	fail "after a refused reload: $(show wallboardd ActiveState), PID $(show wallboardd MainPID)"
cp "$tmp/good.yaml" "$conf"

# ---- kill -9 ---------------------------------------------------------------------------
before=$(figures)
restarts=$(show wallboardd NRestarts)
ns kill -9 "$main_pid"
t0=$(date +%s%N)
new_pid=$(restarted "$main_pid" 100)
took=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ -n "$new_pid" ] && [ "$took" -le 5000 ]; then
	ok "kill -9: active again in $took ms (RestartSec=2s), PID $new_pid"
else
	fail "kill -9: not active again within 5 s (${took} ms, PID ${new_pid:-none})"
fi
after=$(figures)
offered=$(echo "$before" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["all"]["offered"] or 0)' 2>/dev/null)
if [ -n "$before" ] && [ "$before" = "$after" ] && [ "${offered:-0}" -gt 0 ]; then
	ok "the day's figures after kill -9 are those before it ($offered calls offered today)"
else
	fail "the day's figures changed across kill -9"
	echo "before: ${before:0:300}"; echo "after:  ${after:0:300}"
fi

# ---- a hung loop -----------------------------------------------------------------------
main_pid=$(show wallboardd MainPID)
restarts=$(show wallboardd NRestarts)
since=$(ns date '+%Y-%m-%d %H:%M:%S')
ns kill -STOP "$main_pid"
new_pid=$(restarted "$main_pid" 200)   # 5 s of watchdog, its abort, RestartSec
# Result= is reset by the restart; the journal keeps it.
if [ -n "$new_pid" ] && [ "$(show wallboardd NRestarts)" -gt "$restarts" ] &&
	ns journalctl -u wallboardd --since "$since" --no-pager -o cat |
		grep -q "Failed with result 'watchdog'"; then
	ok "SIGSTOP: the watchdog restarted it (result watchdog, PID $new_pid)"
else
	fail "SIGSTOP: no watchdog restart (PID ${new_pid:-none}, restarts $(show wallboardd NRestarts))"
	ns journalctl -u wallboardd --no-pager -o cat | tail -n 8
fi

# ---- stop ----------------------------------------------------------------------------------
t0=$(date +%s%N)
ns systemctl stop wallboardd
took=$(( ($(date +%s%N) - t0) / 1000000 ))
result=$(show wallboardd Result)
if [ "$(show wallboardd ActiveState)" = inactive ] && [ "$result" = success ] && [ "$took" -lt 5000 ]; then
	ok "systemctl stop: inactive in $took ms (TimeoutStopSec=5s), result $result"
else
	fail "systemctl stop: $(show wallboardd ActiveState), result $result, in $took ms"
fi

# ---- nothing left ----------------------------------------------------------------------------
ns systemctl poweroff >/dev/null 2>&1 || kill -s RTMIN+4 "$pid1" 2>/dev/null
gone=
for _ in $(seq 150); do
	if ! kill -0 "$boot_pid" 2>/dev/null; then
		gone=1
		break
	fi
	sleep 0.2
done
wait "$boot_pid" 2>/dev/null
[ -n "$gone" ] && ok "systemctl poweroff: systemd and its namespaces gone" ||
	fail "systemd still running 30 s after poweroff"
pid1=
boot_pid=
left=$(awk -v d="$root" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo | wc -l)
procs=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && procs=$((procs + 1))
done
# Every process systemd started is in its cgroup (a cgroup namespace cannot
# be left), whatever its root.
cgprocs=$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l)
rm_cgroup
[ -d "$cg" ] && cgleft=1 || cgleft=0
if [ "$left" -eq 0 ] && [ "$procs" -eq 0 ] && [ "$cgprocs" -eq 0 ] && [ "$cgleft" -eq 0 ]; then
	ok "no mount, process or cgroup of the root left"
else
	fail "left behind: $left mounts, $procs processes in the root, $cgprocs in its cgroup, cgroup kept: $cgleft"
fi

[ $fails -eq 0 ] && echo "systemd-pid1: all passed" || echo "systemd-pid1: $fails failed"
[ $fails -eq 0 ]
