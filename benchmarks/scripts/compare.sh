#!/usr/bin/env bash
# compare.sh — run one benchmark scenario for a sequence of builds, each on fresh servers, and tabulate the runs.
#
# usage: compare.sh --scenario tput|rate|tput2|rate2|relay [--db h2|pg] [--order "B N B N"]
#                   [--warmup S] [--duration S] [--fresh S] [--rate R] [--pairs P] [--window W]
#                   [--batched-clients] [--port P] [--workdir DIR] [--out DIR]
#
# Each word of --order is a label built by build.sh (WORKDIR/jars/parley-LABEL.jar); every round starts fresh
# server(s) of that build (a new data directory; on pg a new database parley_bench_*), waits for /health/ready,
# runs the round's phases with the load tool (WORKDIR/jars/parley-bench.jar, the build made last), stops them.
#   tput   one node: throughput "fresh" (--warmup 0, --fresh s), then "warm" (--warmup, --duration)
#   rate   one node: rate R msg/s twice, "run1" then "run2" (run 2 is the figure: run 1 warms the server up)
#   tput2  two nodes on PostgreSQL + Redis (senders on node 1, receivers on node 2): as tput
#   rate2  two nodes on PostgreSQL + Redis: as rate
#   relay  the tool's reference relay (nothing stored): throughput then rate. The labels only name the runs
#          [--order relay]. Run it when nothing else runs: Parley and the relay share the cores.
# Clients are independent (--independent) unless --batched-clients. Defaults: --db h2 (tput2/rate2: pg),
# --order "B N B N", --warmup 5, --duration 20, --fresh warmup+duration, --rate 2000, --pairs 100, --window 8,
# --port 18080 (node 2: port+1), --workdir ${TMPDIR:-/tmp}/parley-bench, --out WORKDIR/runs/<time>-<scenario>-<db>.
#
# Per phase: the tool's JSON and one JSON of the run (OUT/NN-LABEL-phase.json: build, server CPU seconds from
# /proc/PID/stat, PostgreSQL's xact_commit read 11 s after the phase: PostgreSQL 15 publishes an idle backend's
# counters up to 10 s late), and a row of the summary (stdout and OUT/summary.txt). Logs in OUT/logs.
# PostgreSQL: PGHOST/PGPORT/PGUSER/PGPASSWORD [127.0.0.1/5432/postgres/none]; Redis: BENCH_REDIS_URL
# [redis://127.0.0.1:6379/0], channel parley-bench-<run id>. Extra server settings: BENCH_SERVER_ENV="NAME=VALUE ...",
# and for one label's servers only BENCH_SERVER_ENV_<LABEL> (after it: e.g. two labels copied from one jar, to
# compare a setting), server JVM flags: BENCH_SERVER_JAVA_OPTS. PARLEY_* variables of the calling shell are ignored.
# Exit status: 0 all clean; 1 a run lost, duplicated or mismatched messages, the tool failed or a server died (the
# other rounds go on); 2 bad arguments; 3 a server failed to start (nothing more runs). Everything started is
# stopped and dropped on exit, Ctrl-C and failure.
set -u

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "compare.sh: $*" >&2; exit 2; }

SCENARIO= DB= ORDER= WARMUP=5 DURATION=20 FRESH= RATE=2000 PAIRS=100 WINDOW=8 PORT=18080 OUT= CLIENTS=--independent
WORKDIR=${TMPDIR:-/tmp}/parley-bench
STATS_WAIT=11 READY_TIMEOUT=180
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) SCENARIO=$2; shift 2;;  --db) DB=$2; shift 2;;          --order) ORDER=$2; shift 2;;
    --warmup) WARMUP=$2; shift 2;;      --duration) DURATION=$2; shift 2;; --fresh) FRESH=$2; shift 2;;
    --rate) RATE=$2; shift 2;;          --pairs) PAIRS=$2; shift 2;;    --window) WINDOW=$2; shift 2;;
    --port) PORT=$2; shift 2;;          --workdir) WORKDIR=$2; shift 2;; --out) OUT=$2; shift 2;;
    --batched-clients) CLIENTS=; shift;;
    -h|--help) usage;;
    *) die "unknown argument '$1' (--help)";;
  esac
done
case $SCENARIO in
  tput|rate) DB=${DB:-h2}; NODES=1;;
  tput2|rate2) DB=${DB:-pg}; NODES=2; [ "$DB" = pg ] || die "$SCENARIO needs --db pg (two nodes share one database)";;
  relay) DB=none; NODES=0; ORDER=${ORDER:-relay};;
  *) usage;;
esac
case $DB in h2|pg|none) ;; *) die "--db is h2 or pg";; esac
ORDER=${ORDER:-B N B N}
FRESH=${FRESH:-$((WARMUP + DURATION))}
for n in "$WARMUP" "$DURATION" "$FRESH" "$RATE" "$PAIRS" "$WINDOW" "$PORT"; do
  case $n in ''|*[!0-9]*) die "'$n' is not a whole number";; esac
done

JARS=$WORKDIR/jars
TOOL=$JARS/parley-bench.jar
[ -f "$TOOL" ] || die "no $TOOL: run build.sh REF LABEL first"
if [ "$SCENARIO" != relay ]; then
  for l in $ORDER; do [ -f "$JARS/parley-$l.jar" ] || die "no build '$l' ($JARS/parley-$l.jar): run build.sh REF $l"; done
fi
[ "$DB" != pg ] || command -v psql >/dev/null || die "psql is needed for --db pg"
for p in $PORT $((PORT + 1)); do  # curl's 7: nothing listens there
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/"; [ $? = 7 ] || die "port $p is taken: stop what listens there, or --port"
done

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}
for v in $(env | sed -n 's/^\(PARLEY_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export PARLEY_ADMIN_API_KEY=bench-admin-key-0123456789
export PARLEY_JWT_SECRET=bench-secret-long-enough-for-hs256-signing
RUN_ID=$(date -u +%Y%m%dt%H%M%S)_$$
CHANNEL=parley-bench-$RUN_ID
OUT=${OUT:-$WORKDIR/runs/$(date -u +%Y%m%dT%H%M%SZ)-$SCENARIO$([ "$DB" = none ] || echo "-$DB")}
mkdir -p "$OUT/logs" || exit 2
HZ=$(getconf CLK_TCK)
STATUS=0 PIDS= DBNAME= DATA=

# ---- servers -------------------------------------------------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime, in 1/HZ s
commits() { psql -qtAX -d postgres -c "select xact_commit from pg_stat_database where datname = '$DBNAME'"; }
psql_admin() { psql -qtAX -v ON_ERROR_STOP=1 -d postgres -c "$1" >/dev/null; }

start_node() {  # LABEL NODE PORT: starts one Parley, appends its pid to PIDS
  local log=$OUT/logs/$ROUND-$1-node$2.log
  local label_env_name=BENCH_SERVER_ENV_$(printf '%s' "$1" | tr -c 'A-Za-z0-9_' '_')
  local label_env=${!label_env_name:-}
  mkdir -p "$DATA/node$2"
  # shellcheck disable=SC2086  # BENCH_SERVER_ENV(_LABEL) and BENCH_SERVER_JAVA_OPTS are lists of words
  env PARLEY_HOST=127.0.0.1 PARLEY_PORT="$3" PARLEY_DATA_DIR="$DATA/node$2" PARLEY_SEND_RATE_PER_SECOND=0 \
      ${DBNAME:+PARLEY_DB_URL=jdbc:postgresql://$PGHOST:$PGPORT/$DBNAME PARLEY_DB_USER=$PGUSER} \
      ${PGPASSWORD:+PARLEY_DB_PASSWORD=$PGPASSWORD} \
      ${REDIS:+PARLEY_REDIS_URL=$REDIS_URL PARLEY_REDIS_CHANNEL=$CHANNEL} ${BENCH_SERVER_ENV:-} $label_env \
      java ${BENCH_SERVER_JAVA_OPTS:-} -jar "$JARS/parley-$1.jar" >"$log" 2>&1 &
  PIDS="$PIDS $!"; disown $!   # watched with kill -0, not wait: no job messages
}

wait_ready() {  # PID PORT LOG WHAT
  local t=0
  until curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$2/health/ready"; do
    if ! kill -0 "$1" 2>/dev/null; then
      echo "compare.sh: $4 exited during start-up; the end of $3:" >&2; tail -n 15 "$3" >&2; exit 3
    fi
    [ $t -lt "$READY_TIMEOUT" ] || { echo "compare.sh: $4 not ready after $READY_TIMEOUT s (log: $3)" >&2; exit 3; }
    sleep 1; t=$((t + 1))
  done
}

start_servers() {  # LABEL
  DATA=$OUT/data-$ROUND
  if [ "$DB" = pg ]; then
    DBNAME=parley_bench_${RUN_ID}_$ROUND
    psql_admin "create database $DBNAME" || { echo "compare.sh: cannot create database $DBNAME" >&2; exit 3; }
  fi
  if [ "$SCENARIO" = relay ]; then
    java -jar "$TOOL" relay --port "$PORT" >"$OUT/logs/$ROUND-relay.log" 2>&1 &
    PIDS=" $!"; disown $!
    wait_ready_relay; return
  fi
  REDIS=; [ "$NODES" = 2 ] && REDIS=1
  local n
  for n in $(seq "$NODES"); do start_node "$1" "$n" $((PORT + n - 1)); done
  n=1; for p in $PIDS; do wait_ready "$p" $((PORT + n - 1)) "$OUT/logs/$ROUND-$1-node$n.log" "server $1 (node $n)"; n=$((n + 1)); done
}

wait_ready_relay() {
  local t=0 pid=${PIDS# }
  until grep -q 'listening on' "$OUT/logs/$ROUND-relay.log"; do
    kill -0 "$pid" 2>/dev/null || { echo "compare.sh: the relay exited:" >&2; tail -n 15 "$OUT/logs/$ROUND-relay.log" >&2; exit 3; }
    [ $t -lt 600 ] || { echo "compare.sh: the relay did not start" >&2; exit 3; }
    sleep 0.1; t=$((t + 1))
  done
}

stop_servers() {  # SIGTERM, then SIGKILL after 30 s; drop the database, the data directories and the bus's keys
  local p t
  for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
  for p in $PIDS; do
    t=0; while kill -0 "$p" 2>/dev/null && [ $t -lt 300 ]; do sleep 0.1; t=$((t + 1)); done
    kill -0 "$p" 2>/dev/null && { echo "compare.sh: pid $p still running after 30 s: kill -9" >&2; kill -KILL "$p"; }
  done
  PIDS=
  [ -z "$DBNAME" ] || psql_admin "drop database if exists $DBNAME with (force)" \
    || echo "compare.sh: could not drop database $DBNAME" >&2
  DBNAME=
  [ -z "$DATA" ] || rm -rf "$DATA"
  DATA=
  if [ "$NODES" = 2 ] && command -v redis-cli >/dev/null; then
    local keys; keys=$(redis-cli -u "$REDIS_URL" --scan --pattern "$CHANNEL:*" 2>/dev/null)
    if [ -n "$keys" ]; then
      echo "compare.sh: NOTE: $(echo "$keys" | wc -l) Redis key(s) $CHANNEL:* left after the nodes stopped (deleted):" \
        "$(echo "$keys" | head -n 3 | tr '\n' ' ')" >&2
      echo "$keys" | while read -r k; do redis-cli -u "$REDIS_URL" del "$k" >/dev/null; done
    fi
  fi
}

cleanup() {
  trap - EXIT INT TERM
  [ -z "${TOOL_PID:-}" ] || { kill -TERM "$TOOL_PID" 2>/dev/null; wait "$TOOL_PID" 2>/dev/null; }
  [ -z "$PIDS$DBNAME$DATA" ] || { echo "compare.sh: stopping what this run started" >&2; stop_servers; }
}
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT TERM

# ---- one phase: the tool against the running server(s) -------------------------------------------------------------
json_value() { sed -n "s/^ *\"$2\" : \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$1" 2>/dev/null | head -n 1; }

run_phase() {  # LABEL PHASE MODE WARMUP DURATION
  local label=$1 phase=$2 mode=$3 tool_json rec cpu0 cpu1 c0= c1= p i rc load time
  local base=$OUT/$(printf %02d "$ROUND")-$label-$phase
  tool_json=$base.tool.json
  local args=(--url "http://127.0.0.1:$PORT" --pairs "$PAIRS" --warmup "$4" --duration "$5" --json "$tool_json")
  [ "$NODES" = 2 ] && args+=(--receiver-url "http://127.0.0.1:$((PORT + 1))")
  [ "$mode" = throughput ] && args+=(--window "$WINDOW")
  [ "$mode" = rate ] && args+=(--rate "$RATE")
  [ -n "$CLIENTS" ] && args+=("$CLIENTS")
  cpu0=(); for p in $PIDS; do cpu0+=("$(cpu_ticks "$p")"); done
  [ "$DB" = pg ] && c0=$(commits)
  time=$(date -u +%H:%M:%S); load=$(cut -d' ' -f1 /proc/loadavg)
  java -jar "$TOOL" "$mode" "${args[@]}" >"$OUT/logs/$(basename "$base").log" 2>&1 &
  TOOL_PID=$!; wait "$TOOL_PID"; rc=$?; TOOL_PID=
  cpu1=(); i=0
  for p in $PIDS; do
    i=$((i + 1)); cpu1+=("$(cpu_ticks "$p")")
    kill -0 "$p" 2>/dev/null || { echo "compare.sh: server $label (node $i) died during $phase: see $OUT/logs" >&2; DIED=1; }
  done
  [ "$DB" = pg ] && { sleep "$STATS_WAIT"; c1=$(commits); }
  local recv lost dup mism tput p50 p99 p999 cpus=() total=0
  recv=$(json_value "$tool_json" received); lost=$(json_value "$tool_json" lost)
  dup=$(json_value "$tool_json" duplicated); mism=$(json_value "$tool_json" mismatched_ids)
  tput=$(json_value "$tool_json" delivered_per_s); p50=$(json_value "$tool_json" latency_p50_ms)
  p99=$(json_value "$tool_json" latency_p99_ms); p999=$(json_value "$tool_json" latency_p999_ms)
  for i in "${!cpu0[@]}"; do
    cpus+=("$(awk -v a="${cpu0[$i]}" -v b="${cpu1[$i]}" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')")
    total=$(awk -v t="$total" -v c="${cpus[$i]}" 'BEGIN { print t + c }')
  done
  local per_msg commits_n=null
  per_msg=$(awk -v s="$total" -v m="${recv:-0}" 'BEGIN { if (m > 0) printf "%.1f", s * 1e6 / m; else print "null" }')
  [ -n "$c0" ] && [ -n "$c1" ] && commits_n=$((c1 - c0))
  if [ "$rc" != 0 ] || [ "${lost:-x}" != 0 ] || [ "${dup:-x}" != 0 ] || [ "${mism:-x}" != 0 ]; then
    STATUS=1; echo "compare.sh: $label $phase FAILED: tool exit $rc, lost ${lost:-?}, duplicated ${dup:-?}," \
      "mismatched ${mism:-?} (log: $OUT/logs/$(basename "$base").log)" >&2
  fi
  rec=$base.json
  {
    echo "{"
    echo "  \"scenario\": \"$SCENARIO\", \"db\": \"$DB\", \"round\": $ROUND, \"label\": \"$label\", \"phase\": \"$phase\","
    echo "  \"build\": \"$(cut -d' ' -f1-2 "$JARS/parley-$label.txt" 2>/dev/null || echo relay)\","
    echo "  \"tool_build\": \"$(cut -d' ' -f1-2 "$JARS/parley-bench.txt")\","
    echo "  \"started_utc\": \"$(date -u +%Y-%m-%d) $time\", \"load_average_1m_at_start\": $load, \"tool_exit\": $rc,"
    echo "  \"server_cpu_s\": [$(IFS=,; echo "${cpus[*]}")], \"server_cpu_us_per_message\": $per_msg,"
    echo "  \"pg_xact_commit\": $commits_n, \"pg_stats_wait_s\": $STATS_WAIT,"
    echo "  \"tool\": $(cat "$tool_json" 2>/dev/null || echo null)"
    echo "}"
  } >"$rec"
  local cpu_col=${per_msg/null/-}; [ "${#cpus[@]}" -gt 1 ] && cpu_col="$per_msg($(IFS=+; echo "${cpus[*]}")s)"
  if [ "$mode" = rate ]; then tput=-; p50=$(ms "$p50"); p99=$(ms "$p99"); p999=$(ms "$p999"); else p50=- p99=- p999=-; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$label" "$phase" "$time" \
    "$(awk -v v="$tput" 'BEGIN { if (v == "-" || v == "") print "-"; else printf "%.0f", v }')" \
    "$p50" "$p99" "$p999" "${lost:-?}" "${dup:-?}" "$cpu_col" \
    "$( [ "$commits_n" = null ] && echo - || awk -v c="$commits_n" -v m="${recv:-0}" \
        'BEGIN { printf "%d (%.1f msg/commit)", c, (c > 0 ? m / c : 0) }')" >>"$OUT/summary.tsv"
  tail -n 1 "$OUT/summary.tsv" | format_rows
}

ms() { awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf (v < 10 ? "%.2f" : "%.1f"), v }'; }
format_rows() { awk -F'\t' '{ printf "%-3s %-8s %-6s %-9s %8s %7s %7s %7s %5s %5s  %-19s %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12 }'; }

# ---- the rounds (a function, read whole before it runs: editing or checking out this file mid-run is harmless) ---
main() {
  case $SCENARIO in
    tput|tput2) PHASES="fresh:throughput:0:$FRESH warm:throughput:$WARMUP:$DURATION";;
    rate|rate2) PHASES="run1:rate:$WARMUP:$DURATION run2:rate:$WARMUP:$DURATION";;
    relay) PHASES="tput:throughput:$WARMUP:$DURATION rate:rate:$WARMUP:$DURATION";;
  esac
  {
    echo "scenario $SCENARIO, db $DB, order \"$ORDER\", $([ -n "$CLIENTS" ] && echo independent || echo batched) clients," \
      "pairs $PAIRS, window $WINDOW, rate $RATE, warm-up $WARMUP s, measured $DURATION s$(case $SCENARIO in tput*) echo " (fresh: $FRESH s)";; esac)"
    for l in $(echo "$ORDER" | tr ' ' '\n' | awk '!seen[$0]++'); do
      [ -f "$JARS/parley-$l.txt" ] && echo "build $l: $(awk '{ print $1, substr($2, 1, 12) }' "$JARS/parley-$l.txt")"
    done
    echo "tool: $(awk '{ print $1, substr($2, 1, 12) }' "$JARS/parley-bench.txt"); $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "started $(date -u '+%Y-%m-%d %H:%M:%S') UTC; output in $OUT"
  } | tee "$OUT/summary.txt"
  HEADER=$(printf '#\tlabel\tphase\ttime UTC\tmsg/s\tp50 ms\tp99 ms\tp99.9 ms\tlost\tdup\tcpu µs/msg\tcommits')
  echo "$HEADER" | format_rows
  : >"$OUT/summary.tsv"
  ROUND=0
  for LABEL in $ORDER; do
    ROUND=$((ROUND + 1))
    start_servers "$LABEL"
    DIED=
    for ph in $PHASES; do
      IFS=: read -r name mode w d <<<"$ph"
      [ -z "$DIED" ] || { echo "compare.sh: $LABEL $name skipped: a server died" >&2; STATUS=1; continue; }
      run_phase "$LABEL" "$name" "$mode" "$w" "$d"
    done
    stop_servers
  done
  { echo; echo "$HEADER" | format_rows; format_rows <"$OUT/summary.tsv"
    echo "finished $(date -u '+%H:%M:%S') UTC; cpu µs/msg: the server(s)' CPU over the whole tool run / messages received"
    [ "$STATUS" = 0 ] && echo "OK: 0 lost, 0 duplicated in every run" || echo "FAILED: a run lost or duplicated messages, or the tool failed (above)"
  } | tee -a "$OUT/summary.txt"
  return "$STATUS"
}
main; exit $?
