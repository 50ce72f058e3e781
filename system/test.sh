#!/usr/bin/env bash
# make test: every test CI runs, nothing skipped. Arguments go to pytest (both runs).
#
# With DATABASE_URL set (as .ci/run sets it) the whole suite runs once against that
# database. Otherwise it runs on SQLite, and then the tests marked `services` (a real
# Celery worker on Redis, PostgreSQL's row locks, pg_dump/pg_restore) run against a
# throwaway PostgreSQL 15 and Redis on free loopback ports (system/services.sh), stopped
# when they finish.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
# Compiled modules are kept (__pycache__, git-ignored) even where the environment says
# not to: every process of a run (pytest's workers, the servers and commands the tests
# start) would otherwise compile Django and each library from source, seconds apiece.
unset PYTHONDONTWRITEBYTECODE
pytest=("$UV" run --frozen pytest)
# The ten slowest tests are listed at the end of every run: where the next minute goes.
parallel=(-n 2 --dist worksteal --durations=10)

if [[ -n ${DATABASE_URL:-} ]]; then
  exec "${pytest[@]}" "${parallel[@]}" "$@"
fi

# pytest exits 5 when the arguments select no test of a run; the other run may have some.
status=0
started=$(date +%s)
"${pytest[@]}" "${parallel[@]}" -m "not services" "$@" || status=$?
((status == 0 || status == 5)) || exit "$status"
first=$status
sqlite_seconds=$(($(date +%s) - started))

# shellcheck source=system/services.sh
source system/services.sh
trap services_stop EXIT
services_start -c synchronous_commit=off -c full_page_writes=off
echo "Tests marked services: PostgreSQL 15 on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT."
started=$(date +%s)
status=0
# A handful of tests, mostly waiting on the servers and processes they start: one process
# (two workers would each collect the whole suite first).
DATABASE_URL="$PG_SERVER/partnership_monitor" REDIS_URL=$REDIS_URL \
  "${pytest[@]}" -m services "$@" || status=$?
if ((status == 5 && first == 5)) || ((status != 0 && status != 5)); then
  exit "$status"
fi
echo "make test: the suite on SQLite took ${sqlite_seconds} s, the services tests $(($(date +%s) - started)) s."
