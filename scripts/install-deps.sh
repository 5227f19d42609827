#!/bin/sh
# Install the Debian packages wallboard needs to build, test and run, if any
# are missing. Uses sudo when not run as root. Nothing else is downloaded.
set -e
PACKAGES="build-essential pkg-config libyaml-dev libcjson-dev libzmq3-dev
libevent-dev libsystemd-dev libncurses-dev libcmocka-dev tzdata python3
python3-yaml python3-zmq tmux systemd strace"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
