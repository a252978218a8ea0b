#!/usr/bin/env bash
# Run before the tests: they need git, the real go command, x/mod's sources, Ceph's radosgw, redis-server,
# buildah, a static busybox and openssl for the container builds, and the corpus of Go libraries the git
# source is checked on. When something is missing and this is a Debian machine where we are root (a CI
# runner, a fresh dev box), install it; otherwise say exactly what to run. The tests never skip for a missing
# tool.
set -euo pipefail
here=$(dirname "$0")
have_go() { [ -x /usr/lib/go-1.23/bin/go ] || [ -x /usr/lib/go-1.19/bin/go ] || [ -x /usr/bin/go ] || [ -n "${MODGATE_TEST_GO:-}" ]; }
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
have_go || missing+=(go)
[ -d /usr/share/gocode/src/golang.org/x/mod/zip/testdata ] || missing+=("golang.org/x/mod sources")
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool; do
  command -v "$tool" >/dev/null 2>&1 || { missing+=("ceph ($tool)"); break; }
done
corpus=$here/../test/git/corpus-packages.txt
corpus_installed=$(grep -v '^#' "$corpus" | xargs dpkg-query -W -f='${db:Status-Status}\n' 2>/dev/null | grep -c '^installed$' || true)
[ "$corpus_installed" = "$(grep -vc '^#' "$corpus")" ] || missing+=("the Go library corpus ($corpus)")
[ ${#missing[@]} -eq 0 ] && exit 0

echo "test dependencies missing: ${missing[*]}" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing them with $here/install-test-deps.sh" >&2
  exec bash "$here/install-test-deps.sh"
fi
echo "install them as root with: sudo bash $here/install-test-deps.sh" >&2
exit 1
