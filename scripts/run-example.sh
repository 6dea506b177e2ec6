#!/usr/bin/env bash
# Builds the engine in release mode and runs the word-count example on a generated
# ~20 MB text with 4 task threads; prints the ten most frequent words.
# Usage: scripts/run-example.sh [SAMPLE_FILE [OUTPUT_DIR]]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

sample=${1:-.build/sample/words-20m.txt}
out=${2:-.build/sample/word-count-out}

swift build -c release
bin=$(swift build -c release --show-bin-path)

if [ ! -f "$sample" ]; then
  mkdir -p "$(dirname "$sample")"
  "$bin/engine-bench" gen "$sample" 20M --seed 42
fi
rm -rf "$out"
"$bin/engine-submit" --master 'local[4]' word-count "$sample" "$out"
echo "output saved in $out"
