#!/usr/bin/env bash
# Set everything up from this checkout and run the whole test suite (doctests included).
# A real Neo4j server is started for the persistence tests unless NEO4J_URI points at one.
# Extra arguments go to pytest, e.g.: bash scripts/test.sh -k allocation -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/setup.sh dev

if [ -z "${NEO4J_URI:-}" ]; then
  eval "$(bash scripts/neo4j-test-server.sh start)"
  trap 'bash scripts/neo4j-test-server.sh stop' EXIT
fi

.venv/bin/python -m pytest "$@"  # testpaths and --doctest-modules come from pyproject.toml
