#!/usr/bin/env bash
# The service as `make install` lays it out: files in place, the config never
# overwritten, ExecStart following PREFIX, the sysusers file creating the
# wallboard user and group, `systemd-analyze verify` clean, and
# `systemd-analyze security` exposure at most 2.5.
#
# verify wants the ExecStart binary to exist on this machine, and --root=
# wants a whole OS tree (sysinit.target, /bin/kill), so it checks a copy of
# the installed unit whose ExecStart points at the installed binary.
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
MAX_EXPOSURE=2.5

if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze is not installed (Debian: apt-get install systemd)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

install_to() {
	make -s install BUILD="$BUILD" DESTDIR="$1" SYSTEMDUNITDIR=/lib/systemd/system \
		SYSUSERSDIR=/usr/lib/sysusers.d "${@:2}"
}

# ---- make install ------------------------------------------------------------
root="$tmp/root"
install_to "$root" || { echo "FAIL: make install"; exit 1; }
unit="$root/lib/systemd/system/wallboardd.service"
for f in usr/local/bin/wallboardd usr/local/bin/wallboardctl \
    usr/local/bin/wallboard-feed usr/local/bin/wallboard usr/local/bin/wallboard-fb \
    etc/wallboard/wallboard.yaml lib/systemd/system/wallboardd.service \
    lib/systemd/system/wallboard-feed@.service lib/systemd/system/wallboard-fb@.service \
    usr/lib/sysusers.d/wallboard.conf usr/local/share/doc/wallboard/README.md \
    usr/local/share/doc/wallboard/protocol.md; do
	[ -f "$root/$f" ] && ok "installed /$f" || fail "make install left out /$f"
done
grep -qx 'ExecStart=/usr/local/bin/wallboardd -c /etc/wallboard/wallboard.yaml' "$unit" \
	&& ok "ExecStart in /usr/local/bin" || fail "ExecStart: $(grep ExecStart= "$unit")"
# systemctl reload asks through the control socket and waits for the answer,
# so a config with mistakes fails the reload (not a SIGHUP that always works).
grep -qx 'ExecReload=/usr/local/bin/wallboardctl -c /etc/wallboard/wallboard.yaml --timeout [0-9]*s reload' "$unit" \
	&& ok "ExecReload is wallboardctl reload" || fail "ExecReload: $(grep ExecReload= "$unit")"
# Every page a unit names in Documentation= is installed.
for u in "$root"/lib/systemd/system/wallboard*.service; do
	for doc in $(sed -n 's|^Documentation=file:||p' "$u"); do
		[ -f "$root$doc" ] && ok "$(basename "$u"): $doc installed" \
			|| fail "$(basename "$u") points at $doc, not installed"
	done
done
# Every program the README lists as installed is, and no other.
listed=$(sed -n '/^<!-- installed programs -->/,/^<!-- end -->/s/^- `\([a-z-]*\)`.*/\1/p' README.md | sort)
installed=$(ls "$root/usr/local/bin" | sort)
[ -n "$listed" ] && [ "$listed" = "$installed" ] \
	&& ok "README lists what make install installs: $(echo $installed)" \
	|| fail "README lists '$(echo $listed)', make install installs '$(echo $installed)'"
grep -q '^state_dir: /var/lib/wallboard$' "$root/etc/wallboard/wallboard.yaml" \
	&& ok "state_dir is the unit's StateDirectory" || fail "the shipped state_dir is not /var/lib/wallboard"

# A second install keeps the config a person edited.
echo "# edited" >>"$root/etc/wallboard/wallboard.yaml"
install_to "$root" >/dev/null || fail "make install, a second time"
tail -n 1 "$root/etc/wallboard/wallboard.yaml" | grep -qx '# edited' \
	&& [ -f "$root/etc/wallboard/wallboard.yaml.new" ] \
	&& ok "an existing config is kept; the shipped one is wallboard.yaml.new" \
	|| fail "make install overwrote an existing config"

# A package: PREFIX=/usr.
install_to "$tmp/pkg" PREFIX=/usr >/dev/null || fail "make install PREFIX=/usr"
grep -qx 'ExecStart=/usr/bin/wallboardd -c /etc/wallboard/wallboard.yaml' \
	"$tmp/pkg/lib/systemd/system/wallboardd.service" && [ -x "$tmp/pkg/usr/bin/wallboardd" ] \
	&& ok "PREFIX=/usr: ExecStart=/usr/bin/wallboardd" || fail "PREFIX=/usr: ExecStart not rewritten"

# ---- the wallboard user and group ---------------------------------------------
if command -v systemd-sysusers >/dev/null; then
	out=$(systemd-sysusers --dry-run --root="$root" "$root/usr/lib/sysusers.d/wallboard.conf" 2>&1)
	echo "$out" | grep -q "Creating group 'wallboard'" && echo "$out" | grep -q "Creating user 'wallboard'" \
		&& ok "sysusers creates the wallboard user and group" || fail "systemd-sysusers: $out"
fi

# ---- systemd-analyze verify ----------------------------------------------------
# Each unit, a template as one instance of it, with its commands pointing
# at the installed binaries.
mkdir -p "$tmp/verify"
for u in wallboardd.service wallboard-feed@pbx1.service wallboard-fb@tty1.service; do
	sed -e "s|^\(-\{0,1\}Exec[A-Za-z]*=[-+]*\)/|\1$root/|" \
		"$root/lib/systemd/system/$(echo "$u" | sed 's/@[^.]*\./@./')" >"$tmp/verify/$u"
	out=$(systemd-analyze verify "$tmp/verify/$u" 2>&1)
	rc=$?
	echo "$out" | grep -i "${u%%@*}"
	if [ $rc -eq 0 ] && ! echo "$out" | grep -qi "${u%%@*}"; then
		ok "systemd-analyze verify $u"
	else
		fail "systemd-analyze verify $u (exit $rc)"
	fi
done

# ---- systemd-analyze security --------------------------------------------------
# The daemon and the bridges (wallboard-fb@ has its own, in tests/fb).
for u in wallboardd.service wallboard-feed@pbx1.service; do
	out=$(systemd-analyze security --offline=true "$tmp/verify/$u" 2>&1)
	echo "$out" | grep '✗'
	level=$(echo "$out" | sed -n "s/.*Overall exposure level for $u: \([0-9.]*\).*/\1/p")
	if [ -z "$level" ]; then
		echo "$out"
		fail "$u: no exposure level from systemd-analyze security --offline=true (systemd 250 or later needed)"
	elif awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l <= m) }'; then
		ok "$u: exposure $level <= $MAX_EXPOSURE"
	else
		fail "$u: exposure $level > $MAX_EXPOSURE"
	fi
done

[ $fails -eq 0 ] && echo "t-systemd: all passed" || echo "t-systemd: $fails failed"
[ $fails -eq 0 ]
