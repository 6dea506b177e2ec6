#!/usr/bin/env bash
# Builds the package and runs every test (unit and end-to-end, Swift Testing).
# Exits with swift test's status; its output, closing summary included, is left as is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

swift build
# The size estimator is checked against malloc's process-wide counters: in a run of its own,
# so that no other test allocates meanwhile.
ENGINE_MALLOC_TESTS=1 swift test --filter SizeEstimatorAgainstMalloc
# Everything (the end-to-end tests run the built engine-submit and word-count executables).
exec swift test --skip-build "$@"
