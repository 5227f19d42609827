#!/usr/bin/env bash
# The house's layers (docs/architecture.md): every #include runs down, never
# up or across. Each folder's .c and .h files may include, with quotes, only
# headers of its own folder and of the layers the table below allows; the
# lower layers include no system header of a higher one (no ZeroMQ, libevent,
# curses, systemd or sockets in core/, pbx/ or draw/), and core/ reads no
# clock (time is passed in).
#
#   tests/layers/t-layers.sh          check the tree
#   tests/layers/t-layers.sh DIR      check another tree (the test's own
#                                     self-check plants a wrong include in a
#                                     copy and expects a failure)
set -u
here="$(cd "$(dirname "$0")/../.." && pwd)"
tree="${1:-$here}"
cd "$tree" || exit 1

# folder: the folders whose headers it may include (its own always).
declare -A MAY=(
	[core]=""
	[pbx]="core"
	[draw]="core"
	[loop]="core"
	[stream]="core"
	[daemon]="core loop stream"
	[display]="core draw loop"
	[feed]="core pbx stream"
	[tools]="core"
)
# System headers a lower layer must not use: what makes it "not pure".
FORBIDDEN_SYS='zmq\.h|event2/|curses\.h|ncurses|systemd/|sys/socket\.h|netinet/|linux/fb\.h'
LOWER="core pbx draw"
# NATS (libnats) is the stream layer's alone: no lower layer sees it.
FORBIDDEN_SYS="$FORBIDDEN_SYS|nats/"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Which folder a quoted header lives in ("" when none of the layers').
owner() {
	local h="$1" d
	for d in "${!MAY[@]}"; do
		[ -f "$d/$h" ] && { echo "$d"; return; }
	done
}

checked=0
for folder in "${!MAY[@]}"; do
	[ -d "$folder" ] || { fail "no folder $folder/"; continue; }
	for f in "$folder"/*.c "$folder"/*.h; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			n="${line%%:*}"
			h="$(echo "$line" | sed -n 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p')"
			[ -n "$h" ] || continue
			checked=$((checked + 1))
			[ -f "$folder/$h" ] && continue
			o="$(owner "$h")"
			if [ -z "$o" ]; then
				fail "$f:$n includes \"$h\", which is in no layer's folder"
			elif [[ " ${MAY[$folder]} " != *" $o "* ]]; then
				fail "$f:$n includes $o/$h: $folder/ may use only ${MAY[$folder]:-itself}"
			fi
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	done
done

for folder in $LOWER; do
	while IFS= read -r hit; do
		[ -n "$hit" ] && fail "$hit: a system header of a higher layer in $folder/"
	done < <(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<($FORBIDDEN_SYS)" \
		"$folder"/*.c "$folder"/*.h 2>/dev/null)
done
while IFS= read -r hit; do
	[ -n "$hit" ] && fail "$hit: core/ reads no clock; time is passed in"
done < <(grep -nE '\b(clock_gettime|gettimeofday|time)[[:space:]]*\([[:space:]]*(NULL|0|CLOCK_|&)' \
	core/*.c 2>/dev/null)

# Inside daemon/: the control socket and HTTP ask the server through
# service.h, never through its state (no circle server -> control -> server).
for f in daemon/control.c daemon/http.c daemon/httpd.c; do
	[ -f "$f" ] || continue
	while IFS= read -r hit; do
		[ -n "$hit" ] && fail "$f:$hit: the server's state; ask through service.h"
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(server|server-internal)\.h"' "$f")
done

# The checker itself: a wrong-way include planted in a copy must fail it.
if [ -z "${1:-}" ]; then
	copy="$(mktemp -d)"
	trap 'rm -rf "$copy"' EXIT
	cp -r core pbx draw loop stream daemon display feed tools "$copy/"
	sed -i '1i #include "zsock.h"' "$copy/core/units.c"
	sed -i '1i #include "server.h"' "$copy/display/client.c"
	sed -i '1i #include "server-internal.h"' "$copy/daemon/http.c"
	out="$(bash "$0" "$copy" 2>&1)"
	if echo "$out" | grep -q 'core/units.c:1 includes loop/zsock.h' &&
		echo "$out" | grep -q 'display/client.c:1 includes daemon/server.h' &&
		echo "$out" | grep -q 'daemon/http.c:1:.*server-internal.h": the server'; then
		echo "ok: planted wrong-way includes are caught"
	else
		fail "planted wrong-way includes were not caught: $out"
	fi
fi

if [ $fails -eq 0 ]; then
	echo "t-layers: $checked includes, all down the layers"
else
	echo "t-layers: $fails wrong"
fi
[ $fails -eq 0 ]
