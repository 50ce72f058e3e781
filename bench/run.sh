#!/usr/bin/env bash
# make bench: start a throwaway PostgreSQL 15 and Redis on free loopback ports (as .ci/run
# does), run bench/harness.py against them, stop them. Arguments go to the harness
# (e.g. --quick, --only queries throughput).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/bench.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/15/bin | head -n 1)
pg_data="$work/pg"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
redis_port=$(free_port)
mkdir -p "$pg_data"
chown postgres:postgres "$pg_data"

cleanup() {
  su postgres -c "$pg_bin/pg_ctl -D $pg_data -m fast stop" >/dev/null 2>&1 || true
  [[ -f "$work/redis.pid" ]] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap "exit 143" TERM INT  # so that a stopped run also stops its servers

su postgres -c "$pg_bin/initdb -D $pg_data -A trust -U postgres --no-sync" >/dev/null
# Durability settings as a production server keeps them, but fsync: the disk of this
# machine is shared, and a benchmark of fsync is not what this measures.
su postgres -c "$pg_bin/pg_ctl -D $pg_data -w -l $pg_data/server.log start \
  -o '-h 127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c shared_buffers=256MB'" >/dev/null
redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save '' --appendonly no \
  --pidfile "$work/redis.pid" --dir "$work" >/dev/null

export BENCH_DATABASE="postgres://postgres@127.0.0.1:$pg_port"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
uv run --frozen python -m bench.harness --work "$work" "$@"
