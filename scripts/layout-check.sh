#!/usr/bin/env bash
# Checks the module layout the README describes: only Runtime imports Network, no target imports
# one above it, no source file is over 600 lines, no file holds four or more top-level types, and the
# generated function forms (Sources/Engine/Shipping/Generated) are what scripts/gen-function-forms.py writes.
# Prints one line per problem and exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
problems=0
fail() { echo "layout: $*" >&2; problems=$((problems + 1)); }

# Layers, lowest first; a target may import only targets listed before it.
order=(Threads Storage Broadcast Scheduler Network Runtime Engine)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
for target in "${order[@]}"; do
  mine=$(rank "$target")
  while IFS=: read -r file module; do
    theirs=$(rank "$module")
    [ "$theirs" -lt 0 ] && continue
    if [ "$theirs" -ge "$mine" ] && [ "$module" != "$target" ]; then
      fail "$file imports $module, which is not below $target"
    fi
  done < <(grep -rHoE '^(@_exported )?import (struct |class |enum )?[A-Za-z]+' "Sources/$target" --include='*.swift' \
             | sed -E 's/:(@_exported )?import (struct |class |enum )?/:/')
done
# Network is Runtime's alone (Scheduler, Broadcast and Storage sit below Network in the list, so check them by name).
for file in $(grep -rlE '^import Network' Sources --include='*.swift'); do
  case "$file" in Sources/Runtime/*|Sources/Network/*) ;; *) fail "$file imports Network: only Runtime may" ;; esac
done
while read -r lines file; do
  [ "$file" = total ] && continue
  [ "$lines" -gt 600 ] && fail "$file has $lines lines (at most 600)"
done < <(find Sources -name '*.swift' -print0 | xargs -0 wc -l)
for file in $(find Sources -name '*.swift'); do
  n=$(grep -cE '^(public |package |private |fileprivate |internal |@usableFromInline |final |indirect )*(class|struct|enum|protocol|actor) [A-Z]' "$file")
  [ "$n" -ge 4 ] && fail "$file declares $n top-level types (split it: one idea per file)"
done
# The operators' function forms are generated: the checked-in files must be what the generator writes.
if command -v python3 >/dev/null 2>&1; then
  while read -r line; do fail "$line"; done < <(python3 scripts/gen-function-forms.py --check 2>&1)
else
  fail "python3 is needed to check Sources/Engine/Shipping/Generated (scripts/gen-function-forms.py --check)"
fi
if [ "$problems" -gt 0 ]; then exit 1; fi
echo "layout: module graph, file sizes and one type per file as the README says"
