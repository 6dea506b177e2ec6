#!/usr/bin/env bash
# Acceptance test of cluster mode across a network partition: runs the word-count job with
# its driver and three executors on separate "hosts" made of Linux network namespaces,
# cuts one host's link in the middle of the job, and checks that the job still completes,
# on the two remaining hosts, with the same output as `local[4]`.
#
#   eng-drv  10.77.0.1   driver (engine-submit --master engine://10.77.0.1:7177)
#   eng-h1   10.77.0.11  executor h1  \
#   eng-h2   10.77.0.12  executor h2   > veth pairs to a bridge in namespace eng-br
#   eng-h3   10.77.0.13  executor h3  /  (h2's port is set down mid-job: a partition,
#                                         no process is killed)
#
# Needs root and iproute2 (`ip netns`); touches nothing in the root network namespace.
# Uses the release build (it does not build: run `swift build -c release` first).
# Usage: sudo scripts/netns-test.sh
# Environment (all optional):
#   NETNS_INPUT=FILE       input text (default: a 200M text generated in the work dir)
#   NETNS_SIZE=200M        size of the generated text
#   NETNS_PARTITIONS=6     --partitions of the job
#   NETNS_TIMEOUT=300      seconds the driver may take
#   NETNS_BLOCK_SIZE=8m    engine.files.blockSize of both runs: 25 map tasks for 200M, so that
#                          h2 has finished some and is running others when it is cut off
#   NETNS_CUT_AT=map       when h2 is cut off: `map`, as soon as it holds map output while the
#                          first map stage runs (its finished and running map tasks are lost);
#                          `shuffle`, as soon as the first map stage has finished (the reducers
#                          find h2's shuffle files unreachable)
#   NETNS_CUT_AFTER=0      extra seconds to wait before the cut
#   NETNS_KEEP=1           keep the work dir (logs, outputs) even when the test passes
#   ENGINE_BIN_DIR=DIR     binaries to test (default: swift build -c release --show-bin-path)
# Prints `netns-test: PASS ...` and exits 0, or `netns-test: FAIL: <why>` with the end of
# the logs and exits 1 (2 when a prerequisite is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

P=eng                                   # prefix of every namespace this script makes
NS_BR=$P-br NS_DRV=$P-drv
HOSTS=(h1 h2 h3)
CUT=h2                                  # the host whose link is cut
SUBNET=10.77.0
DRV_IP=$SUBNET.1 PORT=7177
declare -A EXEC_PID=()                  # executor process of each host
declare -A HOST_IP=([h1]=$SUBNET.11 [h2]=$SUBNET.12 [h3]=$SUBNET.13)

PARTITIONS=${NETNS_PARTITIONS:-6}
TIMEOUT=${NETNS_TIMEOUT:-300}
CUT_AFTER=${NETNS_CUT_AFTER:-0}
CUT_AT=${NETNS_CUT_AT:-map}
BLOCK_SIZE=${NETNS_BLOCK_SIZE:-8m}
SIZE=${NETNS_SIZE:-200M}

say() { echo "netns-test: $*"; }
need() { say "missing prerequisite: $*" >&2; exit 2; }

# --- prerequisites --------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || need "must run as root (network namespaces): sudo $0"
command -v ip >/dev/null && ip netns list >/dev/null 2>&1 || need "'ip netns' (iproute2) does not work here"
ip netns add "eng-probe-$$" 2>/dev/null && ip netns del "eng-probe-$$" 2>/dev/null \
  || need "cannot create network namespaces here (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)"
for c in timeout md5sum flock; do command -v $c >/dev/null || need "'$c' (coreutils/util-linux)"; done
bin=${ENGINE_BIN_DIR:-$(swift build -c release --show-bin-path 2>/dev/null || true)}
for b in engine-submit word-count engine-bench; do
  [ -x "$bin/$b" ] || need "$bin/$b not built: run 'swift build -c release' (or set ENGINE_BIN_DIR)"
done
case $CUT_AT in map | shuffle) ;; *) need "NETNS_CUT_AT=$CUT_AT: expected map or shuffle" ;; esac
if [ -n "${NETNS_INPUT:-}" ] && [ ! -r "$NETNS_INPUT" ]; then
  need "NETNS_INPUT=$NETNS_INPUT is not a readable file"
fi

# One run at a time: a second run would tear down the first one's namespaces.
exec 9>/run/lock/$P-netns-test.lock
flock -n 9 || need "another netns-test.sh is running (lock /run/lock/$P-netns-test.lock)"

# --- clean-up (also of a run that was interrupted before its own clean-up) -------------------
all_ns=("$NS_DRV" "$NS_BR" "${HOSTS[@]/#/$P-}")
pids=()                                 # background processes this run started
work=""
result=FAIL

teardown() {
  # The processes started here, then anything still running inside our namespaces.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ns in "${all_ns[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Deleting a namespace deletes its veth ends (and their peers) and the bridge.
  for ns in "${all_ns[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  teardown
  if [ -n "$work" ]; then
    if [ "$result" = PASS ] && [ -z "${NETNS_KEEP:-}" ]; then
      rm -rf "$work"
    else
      # The logs and outputs stay; a generated input goes unless asked for (same seed, same text).
      [ -n "${NETNS_INPUT:-}" ] || [ -n "${NETNS_KEEP:-}" ] || rm -f "$work"/words-*.txt
      say "logs and outputs kept in $work"
    fi
  fi
  exit $rc
}
trap on_exit EXIT
trap 'say "interrupted"; exit 130' INT TERM
teardown

work=$(mktemp -d /tmp/$P-netns-test.XXXXXX)
start=$EPOCHSECONDS

fail() {
  say "FAIL: $*"
  for f in "$work"/driver.err "$work"/driver.out "$work"/exec-*.log; do
    [ -f "$f" ] || continue
    echo "----- tail of $f"
    tail -n 25 "$f"
  done
  exit 1
}

# Seconds since $1 (an $EPOCHREALTIME), to a tenth.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Waits up to $3 seconds for a line matching the extended regex $1 in file $2; fails early
# if process $4 (optional) has ended.
wait_for_line() {
  local pattern=$1 file=$2 deadline=$((EPOCHSECONDS + $3)) pid=${4:-}
  while ((EPOCHSECONDS < deadline)); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
      return 1
    fi
    sleep 0.02
  done
  return 1
}

# --- the network: a bridge in its own namespace, one veth pair per "host" -------------------
ip netns add "$NS_BR"
ip -n "$NS_BR" link add br0 type bridge
ip -n "$NS_BR" link set br0 up
ip -n "$NS_BR" link set lo up
# plug NS IP PORT_NAME: namespace NS gets eth0 with address IP, the bridge a port PORT_NAME.
plug() {
  local ns=$1 addr=$2 port=$3
  ip netns add "$ns"
  ip link add name eth0 netns "$ns" type veth peer name "$port" netns "$NS_BR"
  ip -n "$NS_BR" link set "$port" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
}
plug "$NS_DRV" "$DRV_IP" to-drv
for h in "${HOSTS[@]}"; do plug "$P-$h" "${HOST_IP[$h]}" "to-$h"; done
say "network up: driver $DRV_IP, hosts ${HOST_IP[h1]} ${HOST_IP[h2]} ${HOST_IP[h3]} (bridge in $NS_BR)"

# --- input and the local[4] reference -------------------------------------------------------
input=${NETNS_INPUT:-$work/words-$SIZE.txt}
if [ -z "${NETNS_INPUT:-}" ]; then
  "$bin/engine-bench" gen "$input" "$SIZE" --seed 42 >"$work/gen.log" 2>&1 \
    || fail "engine-bench gen failed: $(tail -n 3 "$work/gen.log")"
fi
say "input $input ($(du -h "$input" | cut -f1)); reference run with local[4]"
"$bin/engine-submit" --master 'local[4]' --conf "engine.files.blockSize=$BLOCK_SIZE" \
    word-count "$input" "$work/out-local" --partitions "$PARTITIONS" \
  >"$work/local.out" 2>"$work/local.err" \
  || fail "the local[4] reference run failed: $(tail -n 3 "$work/local.err")"
ref_md5=$(cat "$work"/out-local/part-* | md5sum | cut -d' ' -f1)

# --- driver and executors -------------------------------------------------------------------
# Each process gets a scratch dir of its own for shuffle files and spills.
mkdir -p "$work"/tmp-{drv,h1,h2,h3}
t0=$EPOCHREALTIME
timeout --kill-after=10 "$TIMEOUT" ip netns exec "$NS_DRV" env TMPDIR="$work/tmp-drv" \
  "$bin/engine-submit" --master "engine://$DRV_IP:$PORT" \
    --conf engine.executor.minRegistered=3 \
    --conf engine.network.timeout=10s \
    --conf engine.executor.heartbeatInterval=1s \
    --conf engine.log.level=info \
    --conf "engine.files.blockSize=$BLOCK_SIZE" \
    word-count "$input" "$work/out-cluster" --partitions "$PARTITIONS" \
  >"$work/driver.out" 2>"$work/driver.err" &
drv_pid=$!
pids+=("$drv_pid")
wait_for_line "Waiting for executors at" "$work/driver.err" 30 "$drv_pid" \
  || fail "the driver did not start listening at engine://$DRV_IP:$PORT"

for h in "${HOSTS[@]}"; do
  ip netns exec "$P-$h" env TMPDIR="$work/tmp-$h" \
    "$bin/word-count" --executor --driver "engine://$DRV_IP:$PORT" --cores 2 --memory 512m \
      --executor-id "$h" --host "${HOST_IP[$h]}" \
    >"$work/exec-$h.log" 2>&1 &
  EXEC_PID[$h]=$!
  pids+=("$!")
done
wait_for_line "executors registered with|Only [0-9]+ of 3 executors" "$work/driver.err" 70 "$drv_pid" \
  && grep -q "3 executors registered" "$work/driver.err" \
  || fail "the three executors did not all register with the driver"
say "driver and 3 executors up; waiting for the first map stage"

# --- the cut: h2's bridge port goes down mid-job ----------------------------------------------
# On the bridge side only, as a pulled cable: h2 keeps its address and its process runs on,
# but nothing it sends reaches anyone and nothing reaches it.
# h2 writes its shuffle files under its own TMPDIR, so a committed index file there means it
# has finished a map task (whose output must be recomputed elsewhere once h2 is lost); with
# more map tasks than cores it is then likely running the next ones.
wait_for_line "Submitting .* missing tasks from ShuffleMapStage" "$work/driver.err" 60 "$drv_pid" \
  || fail "the driver never submitted a map stage"
map_outputs() { find "$work/tmp-$CUT" -name 'shuffle_*.index' 2>/dev/null | wc -l; }
if [ "$CUT_AT" = map ]; then
  deadline=$((EPOCHSECONDS + 60))
  while (($(map_outputs) == 0 && EPOCHSECONDS < deadline)) && kill -0 "$drv_pid" 2>/dev/null; do
    sleep 0.02
  done
else
  wait_for_line "ShuffleMapStage [0-9]+ .* finished" "$work/driver.err" 60 "$drv_pid" || true
fi
sleep "$CUT_AFTER"
if ! kill -0 "$drv_pid" 2>/dev/null; then
  rc=0
  wait "$drv_pid" || rc=$?
  [ "$rc" -eq 0 ] && fail "the job ended before the cut (use a larger NETNS_SIZE)"
  fail "the driver exited with status $rc before the cut"
fi
ip -n "$NS_BR" link set "to-$CUT" down
# Where the job was at the cut, for the record.
phase="during the first map stage"
grep -Eq "ShuffleMapStage [0-9]+ .* finished" "$work/driver.err" && phase="after the first map stage"
grep -Eq "Job 0 finished" "$work/driver.err" && phase="after job 0"
phase="$phase, $CUT holding $(map_outputs) map outputs"
cut_at=$(since "$t0")
say "cut $CUT's link $cut_at s after the driver started ($phase)"
ip -n "$NS_BR" link show "to-$CUT" | grep -q "state DOWN" || fail "$CUT's bridge port is not down after the cut"

# --- the outcome ----------------------------------------------------------------------------
set +e
wait "$drv_pid"
rc=$?
set -e
took=$(since "$t0")
[ "$rc" -eq 124 ] && fail "the driver did not finish within $TIMEOUT s"
[ "$rc" -eq 0 ] || fail "the driver exited with status $rc"

grep -Eiq "lost executor $CUT( |:|$)" "$work/driver.err" \
  || fail "the driver log does not mention losing executor $CUT"
for h in "${HOSTS[@]}"; do
  [ "$h" = "$CUT" ] && continue
  grep -Eiq "lost executor $h( |:|$)" "$work/driver.err" && fail "the driver also lost executor $h"
done
[ -f "$work/out-cluster/_SUCCESS" ] || fail "no _SUCCESS in the cluster run's output"
got_md5=$(cat "$work"/out-cluster/part-* | md5sum | cut -d' ' -f1)
[ "$got_md5" = "$ref_md5" ] || fail "output md5 $got_md5 differs from local[4]'s $ref_md5"
# The printed summary (top ten, distinct and total words), without the spill line.
summary_diff=$(diff <(grep -v '^spilled ' "$work/local.out") <(grep -v '^spilled ' "$work/driver.out") || true)
[ -z "$summary_diff" ] || fail "the printed summary differs from local[4]'s: $(head -n 5 <<<"$summary_diff")"

# A cut-off executor hears nothing from the driver: it must give up by itself once its
# heartbeats have gone unanswered for engine.network.timeout (10s here).
for _ in $(seq 1 150); do kill -0 "${EXEC_PID[$CUT]}" 2>/dev/null || break; sleep 0.1; done
kill -0 "${EXEC_PID[$CUT]}" 2>/dev/null && fail "$CUT's executor still runs 15 s after the job: it should give up on an unanswering driver"
grep -h "lost the driver" "$work/exec-$CUT.log" 2>/dev/null | head -n 1 | sed "s/^/netns-test: $CUT: /" || true
result=PASS
grep -Ei "lost executor $CUT" "$work/driver.err" | head -n 1 | sed 's/^/netns-test: driver: /'
say "driver: $(grep -c "Lost task .*(executor $CUT)" "$work/driver.err") tasks lost on $CUT," \
  "$(grep -c "Resubmitted .*lost executor $CUT" "$work/driver.err") finished map tasks resubmitted," \
  "$(grep -c "due to a fetch failure" "$work/driver.err") stages failed on a fetch failure"
say "PASS: the job took $took s with $CUT cut off at $cut_at s ($phase);" \
  "output md5 $got_md5 as local[4]'s, $(grep '^total words' "$work/driver.out"); whole test $((EPOCHSECONDS - start)) s"
