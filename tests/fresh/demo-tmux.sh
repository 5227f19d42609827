#!/usr/bin/env bash
# tests/fresh/demo-tmux.sh ROOT [--user NAME]: the README's first command,
# `make deps demo`, exactly as written, in a fresh root (scripts/fresh-debian.sh
# new), in a real 120x40 terminal (tmux), as a newcomer would type it.
#
#   - the board comes up (make deps installs first: minutes on a cold cache);
#   - after 15 s of the demo, the pane shows a board with figures: every
#     service-level tile read back from its big digits as a percentage
#     (tests/display/screen.py), each tile's target, and the header's data
#     age, fresh (a few seconds at most);
#   - q stops it: make exits 0 and no wallboard process is left, neither in
#     the root's PID namespace (checked there before it ends) nor on this
#     machine with the root as its root directory.
# CI runs it from .ci/run; it is not in `make test` (it needs root and a root).
set -u
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}"
root="$(realpath "${1:?usage: demo-tmux.sh ROOT [--user NAME]}")"
shift
user=
if [ "${1:-}" = --user ]; then
	user="${2:?--user needs a name}"
fi
sock="wb-fresh-$$"
tmp="$(mktemp -d)"
result="$root/var/tmp/demo-tmux-result"   # written inside the root
rm -f "$result"

cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL demo-tmux: $*"
	echo "---- the pane:"
	cat "$tmp/screen" 2>/dev/null
	exit 1
}

capture() {
	tmux -L "$sock" capture-pane -p -t demo >"$tmp/screen" 2>/dev/null
}

# In the pane: make deps demo in the root; then, still in the root's PID
# namespace, any wallboard process left (by /proc/*/comm), and make's status.
cat >"$tmp/inner.sh" <<'EOF'
make deps demo
rc=$?
sleep 1
left=
for p in /proc/[0-9]*; do
	case "$(cat "$p/comm" 2>/dev/null)" in
	wallboard*) left="$left ${p#/proc/}:$(cat "$p/comm")" ;;
	esac
done
echo "rc=$rc left=$left" >/var/tmp/demo-tmux-result
echo "DEMO-EXIT $rc"
EOF
cp "$tmp/inner.sh" "$root/var/tmp/demo-tmux-inner.sh"
chmod 755 "$root/var/tmp/demo-tmux-inner.sh"
chmod 1777 "$root/var/tmp"

tmux -L "$sock" -f /dev/null new-session -d -s demo -x 120 -y 40 \
	"scripts/fresh-debian.sh run '$root' ${user:+--user $user} -- sh /var/tmp/demo-tmux-inner.sh; sleep 600"
tmux -L "$sock" set-option -g status off >/dev/null

# Up to 15 minutes for make deps and the build, then the board.
echo "demo-tmux: make deps demo in a 120x40 pane${user:+, as $user with sudo}"
start=$SECONDS
up=
while [ $((SECONDS - start)) -lt 900 ]; do
	capture
	if grep -q 'DEMO-EXIT' "$tmp/screen" || [ -e "$result" ]; then
		fail "make deps demo ended before the board came up ($(cat "$result" 2>/dev/null))"
	fi
	if "$PYTHON" tests/display/screen.py "$tmp/screen" 2>/dev/null | grep -qE '(^| )SL: '; then
		up=1
		break
	fi
	# Progress every 20 s: the pane's last line (apt, the compiler, ...).
	if [ $(((SECONDS - start) % 20)) -lt 2 ] && [ $((SECONDS - start)) -ge 2 ]; then
		echo "demo-tmux: [$((SECONDS - start)) s] $(grep -v '^[[:space:]]*$' "$tmp/screen" |
			tail -n 1 | cut -c1-100)"
	fi
	sleep 2
done
[ -n "$up" ] || fail "no board after 15 minutes"
echo "demo-tmux: the board is up after $((SECONDS - start)) s; 15 s of the demo"
sleep 15
capture
cp "$tmp/screen" "$tmp/board"
"$PYTHON" tests/display/screen.py "$tmp/board" >"$tmp/tiles" 2>&1 || fail "screen.py could not read the board"
cat "$tmp/tiles" | sed 's/^/    /'

checks=0
# The demo board turns its pages (Now, Today): either has service levels.
sl_tiles=$(grep -cE '(^| )SL: ' "$tmp/tiles")
sl_read=$(grep -cE '(^| )SL: [0-9]{1,3}%$' "$tmp/tiles")
[ "$sl_tiles" -ge 1 ] && [ "$sl_tiles" -eq "$sl_read" ] ||
	fail "service-level tiles: $sl_tiles, of which $sl_read read as a percentage"
checks=$((checks + 1))
targets=$(grep -oE 'target [0-9]{1,3}%' "$tmp/board" | wc -l)
[ "$targets" -ge "$sl_tiles" ] || fail "$sl_tiles service-level tiles but $targets targets shown"
checks=$((checks + 1))
age=$(sed -n '1s/.* data \([0-9]*\)s .*/\1/p' "$tmp/board")
[ -n "$age" ] || fail "the header shows no data age ('data Ns')"
[ "$age" -le 5 ] || fail "the data is ${age} s old after 15 s of a live demo"
checks=$((checks + 1))
grep -q 'STALE\|DISCONNECTED' "$tmp/board" && fail "the board says it is stale or disconnected"
checks=$((checks + 1))

tmux -L "$sock" send-keys -t demo q
for _ in $(seq 100); do
	[ -s "$result" ] && break
	sleep 0.2
done
capture
[ -s "$result" ] || fail "make deps demo did not end within 20 s of q"
rc=$(sed -n 's/^rc=\([0-9]*\) .*/\1/p' "$result")
left=$(sed -n 's/.* left=\(.*\)/\1/p' "$result")
[ "$rc" = 0 ] || fail "make deps demo exited $rc after q"
[ -z "$left" ] || fail "left running in the root after q:$left"
checks=$((checks + 2))
for p in /proc/[0-9]*; do
	if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ]; then
		case "$(cat "$p/comm" 2>/dev/null)" in
		wallboard*) fail "left running on this machine: ${p#/proc/} $(cat "$p/comm")" ;;
		esac
	fi
done
checks=$((checks + 1))
echo "demo-tmux: ok: $checks checks: $sl_tiles service-level tiles with targets, data ${age} s old, q left nothing running"
