# A throwaway PostgreSQL 15 and Redis on free loopback ports, for a test run or a benchmark.
# Source this file, then:
#
#   services_start [-c name=value]...   initdb a cluster in a new temporary directory and
#                                       start it (with these settings) and a Redis server
#   services_stop                       stop both and remove the directory (call it from
#                                       an EXIT trap; SERVICES_KEEP=1 keeps the directory)
#
# services_start sets SERVICES_DIR, PG_PORT, REDIS_PORT, PG_SERVER
# (postgres://postgres@127.0.0.1:<port>, no database) and REDIS_URL. As root the cluster
# runs as the postgres user (initdb refuses root); otherwise as the user running this.
# The packages come from system/packages.sh (purposes test and bench).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

_services_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_services_as_pg_owner() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

services_start() {
  SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/services.XXXXXX")
  chmod 755 "$SERVICES_DIR"
  local pg_data="$SERVICES_DIR/pg"
  mkdir -p "$pg_data"
  ((EUID != 0)) || chown postgres:postgres "$pg_data"
  PG_PORT=$(_services_free_port)
  REDIS_PORT=$(_services_free_port)
  _services_as_pg_owner "$PG_BIN/initdb" -D "$pg_data" -A trust -U postgres --no-sync >/dev/null
  # Unix socket in the cluster's own directory; fsync off: nothing here outlives the run.
  _services_as_pg_owner "$PG_BIN/pg_ctl" -D "$pg_data" -w -l "$pg_data/server.log" start \
    -o "-h 127.0.0.1 -p $PG_PORT -k $pg_data -c fsync=off $*" >/dev/null
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --pidfile "$SERVICES_DIR/redis.pid" --dir "$SERVICES_DIR" >/dev/null
  local waited=0
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    ((waited++ < 100)) || { echo "redis-server did not start" >&2; return 1; }
    sleep 0.1
  done
  PG_SERVER="postgres://postgres@127.0.0.1:$PG_PORT"
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

services_stop() {
  [[ -n ${SERVICES_DIR:-} ]] || return 0
  _services_as_pg_owner "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -m fast stop >/dev/null 2>&1 || true
  if [[ -f $SERVICES_DIR/redis.pid ]]; then
    kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
  fi
  [[ -n ${SERVICES_KEEP:-} ]] || rm -rf "$SERVICES_DIR"
  SERVICES_DIR=
}
