#!/usr/bin/env bash
# bench/65_nodes_fanout.sh — a fan-out shared by two nodes on PostgreSQL (issue 12,
# "Measure"): bench/30_fanout.mjs with FANOUT_DATABASE and FANOUT_NODES=2 against a
# PostgreSQL cluster of its own (fsync and synchronous_commit on): time until the last
# e-mail is accepted by the sink, messages per second, the publish call, duplicates (must
# be 0), each node's share, the larger node's peak RSS. 30_fanout (one node, SQLite) in
# the same `make bench` is the reference.
# Knobs: NODES_FANOUT_EMAILS (default 100000), NODES_FANOUT_SMS (default 1000),
# FANOUT_CONCURRENCY, FANOUT_WAIT_S; for a million, raise BENCH_TIMEOUT too.
set -euo pipefail
cd "$(dirname "$0")/.."
export PHAROS_BIN=${PHAROS_BIN:-build/pharos}
export PG_CLUSTER_FSYNC=on
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-nfan-XXXXXX")
chmod 755 "$tmp" # the cluster runs as postgres when we are root
trap 'scripts/pg-cluster.sh destroy "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT
scripts/pg-cluster.sh init "$tmp/pg"
admin=$(scripts/pg-cluster.sh start "$tmp/pg")
psql -X -q "$admin" -c "CREATE DATABASE fanout" >/dev/null
FANOUT_DATABASE=${admin/\/postgres\?//fanout?} FANOUT_NODES=2 FANOUT_NAME=65_nodes_fanout \
  FANOUT_EMAILS=${NODES_FANOUT_EMAILS:-100000} FANOUT_SMS=${NODES_FANOUT_SMS:-1000} \
  node bench/30_fanout.mjs
