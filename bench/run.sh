#!/usr/bin/env bash
# make bench: start a throwaway PostgreSQL 15 and Redis on free loopback ports
# (system/services.sh, as .ci/run and make test do), run bench/harness.py against them,
# stop them. Arguments go to the harness (e.g. --quick, --only queries throughput).
# BENCH_KEEP=1 keeps the working directory (logs, the servers' files).
set -euo pipefail
cd "$(dirname "$0")/.."

bash system/packages.sh install bench

# shellcheck source=system/services.sh
source system/services.sh
SERVICES_KEEP=${BENCH_KEEP:-}
trap services_stop EXIT
trap "exit 143" TERM INT  # so that a stopped run also stops its servers
# Durability settings as a production server keeps them, but fsync: the disk of this
# machine is shared, and a benchmark of fsync is not what this measures.
services_start -c shared_buffers=256MB

export BENCH_DATABASE=$PG_SERVER
export REDIS_URL
uv run --frozen python -m bench.harness --work "$SERVICES_DIR" "$@"
