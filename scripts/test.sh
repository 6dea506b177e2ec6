#!/usr/bin/env bash
# Builds the package and runs every test (unit and end-to-end, Swift Testing).
# Exits with swift test's status; its output, closing summary included, is left as is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

# The module graph, file sizes and one idea per file, as the README's Modules section says.
scripts/layout-check.sh
swift build
# The size estimator is checked against malloc's process-wide counters: in a run of its own,
# so that no other test allocates meanwhile.
ENGINE_MALLOC_TESTS=1 swift test --filter SizeEstimatorAgainstMalloc
# Everything (the end-to-end tests run the built engine-submit and word-count executables).
swift test --skip-build "$@"

# The Engine's DocC catalog builds with no warnings, and every public declaration has a ///
# comment (scripts/docs.sh). Not run when arguments select tests.
if [ $# -eq 0 ]; then
  scripts/docs.sh
fi

# Executors on separate hosts: network namespaces, one host's link cut mid-job. Needs root
# and namespaces (the script says which prerequisite is missing and exits 2: skipped then).
# Not run when arguments select tests; ENGINE_SKIP_NETNS=1 skips it.
if [ $# -eq 0 ] && [ "${ENGINE_SKIP_NETNS:-0}" != 1 ]; then
  status=0
  # 2 MB splits: several waves of map tasks, so that the link is cut in the middle of the map stage.
  ENGINE_BIN_DIR="$(swift build --show-bin-path)" NETNS_SIZE=40M NETNS_BLOCK_SIZE=2m scripts/netns-test.sh || status=$?
  if [ "$status" -eq 2 ]; then
    echo "scripts/test.sh: netns-test skipped (prerequisite missing, see above)"
  elif [ "$status" -ne 0 ]; then
    exit "$status"
  fi
fi
