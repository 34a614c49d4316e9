#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, once; a no-op when all are present.
set -eu
packages=(runc containerd crun criu busybox-static golang-go golang-github-containerd-ttrpc-dev curl socat tmux iproute2 gcc libc6-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "jshim: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
