#!/usr/bin/env bash
# Builds the Engine target's DocC catalog (Sources/Engine/Engine.docc and the /// comments)
# with DocC's warnings as errors: an unresolved symbol link or a bad article fails it.
#
#   scripts/docs.sh [OUTPUT_DIR]      # default: .build/docs/Engine.doccarchive
#
# Then checks that no target under Sources/ has a public or package declaration without a ///
# comment (scripts/undocumented.py --check TARGET for each). Exit status 0 when both pass.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

out="${1:-.build/docs/Engine.doccarchive}"
mkdir -p "$(dirname "$out")"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
swift package --allow-writing-to-directory "$(dirname "$out")" \
  generate-documentation --target Engine --output-path "$out" --warnings-as-errors >"$log" 2>&1 || status=$?

# DocC's own diagnostics (compiler warnings of the targets it builds are not its concern).
docc_warnings=$(grep -cE '^(warning|error): ' "$log" || true)
if [ "$status" -ne 0 ] || [ "$docc_warnings" -ne 0 ]; then
  grep -A14 -E '^(warning|error): ' "$log" >&2 || tail -40 "$log" >&2
  echo "docs: DocC reported $docc_warnings problem(s) (exit status $status)" >&2
  exit 1
fi
echo "docs: Engine documentation built without warnings: $out"

python3 scripts/undocumented.py $(cd Sources && for t in */; do printf -- '--check %s ' "${t%/}"; done)
