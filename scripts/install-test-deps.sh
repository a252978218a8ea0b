#!/usr/bin/env bash
# Installs what the test suite needs on a Debian bookworm machine: git, the real go command (1.23 from
# bookworm-backports, else Debian's 1.19), golang.org/x/mod's sources, whose test vectors the suite reads,
# buildah with a static busybox and openssl, which build generated Dockerfiles offline (test/scaffold), Ceph
# (monitor, OSD, radosgw and their tools), the real S3 service the S3 store is tested against, redis-server,
# which replicas coordinate through, and the corpus of real Go libraries (Debian golang-*-dev sources) that
# the git source is checked on.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# Retries apt while another process holds the dpkg lock (common on a freshly booted machine).
apt_retry() {
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if "$@"; then return 0; fi
    echo "apt busy or failing (attempt $attempt), retrying in 5s" >&2
    sleep 5
  done
  "$@"
}

# Enables bookworm-backports by copying the machine's own Debian source stanza, so no host is named here.
enable_backports() {
  local src=/etc/apt/sources.list.d/debian.sources dst=/etc/apt/sources.list.d/modgate-backports.sources
  if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then return 0; fi
  if [ ! -f "$src" ]; then
    echo "no $src to derive bookworm-backports from; falling back to Debian's default Go" >&2
    return 0
  fi
  awk 'BEGIN{RS="";ORS="\n\n"} NR==1' "$src" | sed 's/^Suites:.*/Suites: bookworm-backports/' >"$dst"
}

enable_backports
apt_retry apt-get update -q
packages=(git ca-certificates openssh-client openssl golang-golang-x-mod-dev buildah busybox-static ceph-mon ceph-osd ceph-common radosgw redis-server)
# Source-only packages with no dependencies of their own: they add files under /usr/share/gocode and nothing else.
mapfile -t corpus < <(grep -v '^#' "$(dirname "$0")/../test/git/corpus-packages.txt")
packages+=("${corpus[@]}")
if apt-cache show golang-1.23-go >/dev/null 2>&1; then
  packages+=(golang-1.23-go)
else
  echo "golang-1.23-go is not available; installing Debian's golang-go (1.19) instead" >&2
  packages+=(golang-go)
fi
apt_retry apt-get install -y -q --no-install-recommends "${packages[@]}"
