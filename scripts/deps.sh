#!/usr/bin/env bash
# Installs what pharos needs on a Debian 12 machine, and only what is missing:
# Debian packages through apt-get (as root, or with sudo), then the npm packages
# pinned in package-lock.json (npm ci) when node_modules is missing or stale.
#   scripts/deps.sh build   — compiler and libraries for `make`
#   scripts/deps.sh test    — plus clang-format, Node.js, npm packages, Chromium, xmllint, a Java runtime
#                             (the W3C Nu checker, npm vnu-jar), PostgreSQL (the second backend's
#                             throw-away cluster, scripts/pg-cluster.sh), Prometheus Alertmanager
#                             (tests/e2e/alerts.test.mjs feeds pharos through a real one)
#   scripts/deps.sh bench   — plus wrk and nginx for `make bench`
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs="gcc make pkg-config libevent-dev libhttp-parser-dev libsqlite3-dev libpq-dev libjansson-dev libcmark-dev
  libsodium-dev libssl-dev libinih-dev libcurl4-openssl-dev zlib1g-dev libdeflate-dev libidn2-dev libicu-dev tzdata"
test_pkgs="libcmocka-dev nodejs npm chromium libxml2-utils sqlite3 curl default-jre-headless postgresql
  prometheus-alertmanager"
bench_pkgs="wrk nginx-light"
# tests/e2e/cdn_nginx.test.mjs runs nginx as a caching proxy in front of pharos;
# `make test` checks the C sources against .clang-format first (make format-check).
test_pkgs="$test_pkgs nginx-light clang-format"

want=$build_pkgs
case "${1:-build}" in
  build) ;;
  test) want="$want $test_pkgs" ;;
  bench) want="$want $test_pkgs $bench_pkgs" ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
  # NodeSource's nodejs package carries npm itself and conflicts with Debian's npm.
  [ "$p" = npm ] && command -v npm >/dev/null && continue
  missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-build}" != build ]; then
  stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
