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
    etc/wallboard/wallboard.yaml lib/systemd/system/wallboardd.service \
    usr/lib/sysusers.d/wallboard.conf; do
	[ -f "$root/$f" ] && ok "installed /$f" || fail "make install left out /$f"
done
grep -qx 'ExecStart=/usr/local/bin/wallboardd -c /etc/wallboard/wallboard.yaml' "$unit" \
	&& ok "ExecStart in /usr/local/bin" || fail "ExecStart: $(grep ExecStart= "$unit")"
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
mkdir -p "$tmp/verify"
sed "s|^ExecStart=/|ExecStart=$root/|" "$unit" >"$tmp/verify/wallboardd.service"
out=$(systemd-analyze verify "$tmp/verify/wallboardd.service" 2>&1)
rc=$?
echo "$out" | grep -i wallboardd
if [ $rc -eq 0 ] && ! echo "$out" | grep -qi wallboardd; then
	ok "systemd-analyze verify"
else
	fail "systemd-analyze verify (exit $rc)"
fi

# ---- systemd-analyze security --------------------------------------------------
out=$(systemd-analyze security --offline=true "$unit" 2>&1)
echo "$out" | grep '✗'
level=$(echo "$out" | sed -n 's/.*Overall exposure level for wallboardd.service: \([0-9.]*\).*/\1/p')
if [ -z "$level" ]; then
	echo "$out"
	fail "no exposure level from systemd-analyze security --offline=true (systemd 250 or later needed)"
elif awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l <= m) }'; then
	ok "exposure $level <= $MAX_EXPOSURE"
else
	fail "exposure $level > $MAX_EXPOSURE"
fi

[ $fails -eq 0 ] && echo "t-systemd: all passed" || echo "t-systemd: $fails failed"
[ $fails -eq 0 ]
