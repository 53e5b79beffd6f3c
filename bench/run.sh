#!/usr/bin/env bash
# japroxy's benchmark (`npm run bench`): builds dist/japroxy, sets up throwaway stores the way
# the shared harness (../shared/bench/bench.sh) expects, runs japroxy beside nginx, HAProxy and
# Caddy, and writes bench/RESULTS.md. Everything stays on 127.0.0.1; every process this script
# starts is stopped by its PID on exit; every loop and run is bounded in time.
#
#   bash bench/run.sh [MODE...] [--repeat N] [--duration S] [--quick] [--no-build] [--out FILE]
#
# Modes (default: all of them):
#   main     harness checks, throughput (-c50) and pinned -c1 latency beside the references
#   large    50 MB upload and download through japroxy vs straight to the upstream
#   growth   10 vs 100,000 keys and 10 vs 100,000 allow-list entries, req/s and CPU/request
#   reload   p99 while a 100,000-key store is changed every second under load, vs no change
#   startup  spawn to listening, 10 and 100,000 keys
#   workers  serve --workers 2 against one process, interleaved rounds
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HARNESS=${JAPROXY_BENCH_HARNESS:-$ROOT/../shared/bench/bench.sh}
BUN=$ROOT/node_modules/bun/bin/bun.exe
JAPROXY=$ROOT/dist/japroxy

MODES=() REPEAT=3 DURATION=10 LAT_DURATION=10 GROWTH_ROUNDS=5 BUILD=1 OUT=$ROOT/bench/RESULTS.md
REFS=nginx,haproxy,caddy WAIT_IDLE=0
PORT=18090 LARGE_PORT=18180
while (($#)); do
  case $1 in
    main | large | growth | reload | startup | workers) MODES+=("$1"); shift ;;
    all) MODES+=(main large growth reload startup workers); shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --duration) DURATION=$2; LAT_DURATION=$2; shift 2 ;;
    --quick) REPEAT=1 DURATION=5 LAT_DURATION=5 GROWTH_ROUNDS=2; shift ;;
    --no-build) BUILD=0; shift ;;
    --refs) REFS=$2; shift 2 ;;
    --wait-idle) WAIT_IDLE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#MODES[@]})) || MODES=(main large growth reload startup workers)
has_mode() { [[ " ${MODES[*]} " == *" $1 "* ]]; }

log() { printf '[japroxy-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[[ -f $HARNESS ]] || die "harness not found: $HARNESS (set JAPROXY_BENCH_HARNESS)"
[[ -x $BUN ]] || die "bun not found at $BUN (run npm ci)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/japroxy-run.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; for a process started with setsid, its group.
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  if [[ $(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') == "$pid" ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# port_free PORT: refuse to start a server on a port something else already answers on
port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then die "127.0.0.1:$1 is already in use"; fi
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most 30 s)
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}

# ---------------------------------------------------------------- stores --
SVC_USER=jira-svc SVC_PASS=bench-svc-secret
bash "$HARNESS" keys > "$WORK/keys.tsv" 2>/dev/null || die "could not get the harness's key table"
GOOD_LINE=$(sed -n 500p "$WORK/keys.tsv")
GOOD_AUTH="Basic $(printf '%s:%s' "$(cut -f1 <<<"$GOOD_LINE")" "$(cut -f2 <<<"$GOOD_LINE")" | base64 -w0)"

# new_store DIR UPSTREAM KEYFILE: a store with route `bench` (/jira → UPSTREAM), the service
# credential, 127.0.0.1 allowed and the keys of KEYFILE imported.
new_store() {
  local dir=$1 upstream=$2 keyfile=$3 db=$1/japroxy.db
  mkdir -p "$dir"
  "$JAPROXY" init --db "$db" > /dev/null
  "$JAPROXY" route add bench --db "$db" --base-path /jira --upstream "$upstream" > /dev/null
  printf '%s' "$SVC_PASS" | "$JAPROXY" credential set bench --db "$db" --user "$SVC_USER" > /dev/null
  "$JAPROXY" allow add 127.0.0.1 --db "$db" > /dev/null
  "$JAPROXY" key import --route bench --db "$db" < "$keyfile" > /dev/null
}

# start_japroxy DB PORT [CPUS] [WORKERS]: starts serve (log to a file beside the store); sets
# JPX_PID.
start_japroxy() {
  local db=$1 port=$2 cpus=${3:-} workers=${4:-1}
  local -a cmd=("$JAPROXY" serve --db "$db" --listen "127.0.0.1:$port" --admin-listen off
    --workers "$workers")
  port_free "$port"
  [[ -n $cpus ]] && cmd=(taskset -c "$cpus" "${cmd[@]}")
  "${cmd[@]}" >> "$(dirname "$db")/serve.log" 2>&1 &
  JPX_PID=$!
  PIDS+=("$JPX_PID")
  wait_port "$port"
}

stop_japroxy() { stop_pid "$JPX_PID"; wait "$JPX_PID" 2>/dev/null || true; }

# kib_of PID FIELD: a /proc/PID/status field in KiB (VmRSS, VmHWM)
kib_of() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# ------------------------------------------------------------- machine --
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "kernel=$(uname -sr)"
  echo "bun=$("$BUN" --version)"
  echo "commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  echo "repeat=$REPEAT"
  echo "duration=$DURATION"
} > "$WORK/machine.env"

if ((BUILD)); then
  log "building dist/japroxy"
  "$BUN" build.ts > /dev/null
fi
[[ -x $JAPROXY ]] || die "dist/japroxy missing (drop --no-build)"

harness() { bash "$HARNESS" --target-name japroxy --target-prefix /jira --deadline 1500 "$@"; }

# ------------------------------------------------------------------ main --
if has_mode main; then
  log "main: store with 1,000 keys, harness checks and throughput"
  new_store "$WORK/main" http://127.0.0.1:18080 "$WORK/keys.tsv"
  start_japroxy "$WORK/main/japroxy.db" "$PORT"
  mkdir -p "$WORK/h-throughput"
  harness --mode throughput --refs "$REFS" --repeat "$REPEAT" --duration "$DURATION" \
    --wait-idle "$WAIT_IDLE" --target "http://127.0.0.1:$PORT" --target-pid "$JPX_PID" \
    --target-deny-from 127.0.0.2 --workdir "$WORK/h-throughput" --keep \
    --out "$WORK/throughput.md" || die "harness throughput run failed (checks?)"
  echo "rss_peak_kib=$(kib_of "$JPX_PID" VmHWM)" > "$WORK/main.env"
  stop_japroxy

  log "main: -c1 latency, everything pinned to CPU 0"
  start_japroxy "$WORK/main/japroxy.db" "$PORT" 0
  mkdir -p "$WORK/h-latency"
  harness --mode latency --refs "$REFS" --repeat "$REPEAT" --latency-duration "$LAT_DURATION" \
    --wait-idle "$WAIT_IDLE" --wrk-cpus 0 --server-cpus 0 --target "http://127.0.0.1:$PORT" \
    --target-pid "$JPX_PID" --workdir "$WORK/h-latency" --keep --out "$WORK/latency.md" \
    || die "harness latency run failed"
  stop_japroxy
fi

# ----------------------------------------------------------------- large --
# time_curl OUTFILE CURL_ARGS...: appends "bytes seconds" of one transfer
time_curl() {
  local out=$1; shift
  curl -sS --max-time 120 -o /dev/null -w '%{size_download} %{size_upload} %{time_total}\n' "$@" >> "$out"
}

if has_mode large; then
  log "large: 50 MB bodies through japroxy vs straight to the upstream"
  port_free "$LARGE_PORT"
  "$BUN" bench/large-upstream.ts "$LARGE_PORT" > "$WORK/large-upstream.log" 2>&1 &
  PIDS+=("$!")
  wait_port "$LARGE_PORT"
  new_store "$WORK/large" "http://127.0.0.1:$LARGE_PORT" <(sed -n 500p "$WORK/keys.tsv")
  start_japroxy "$WORK/large/japroxy.db" "$PORT"
  head -c $((50 * 1024 * 1024)) /dev/urandom > "$WORK/upload-50m.bin"
  head -c $((200 * 1024 * 1024)) /dev/urandom > "$WORK/upload-200m.bin"
  svc="Basic $(printf '%s:%s' "$SVC_USER" "$SVC_PASS" | base64 -w0)"
  direct="http://127.0.0.1:$LARGE_PORT" via="http://127.0.0.1:$PORT/jira"
  echo "rss_idle_kib=$(kib_of "$JPX_PID" VmRSS)" > "$WORK/large.env"
  for ((i = 0; i < 5; i++)); do
    for name in direct via; do
      base=${!name}; auth=$GOOD_AUTH; [[ $name == direct ]] && auth=$svc
      time_curl "$WORK/large-down-$name.txt" -H "Authorization: $auth" "$base/rest/api/2/blob/52428800"
      time_curl "$WORK/large-up-$name.txt" -H "Authorization: $auth" -H 'Expect:' \
        -H 'Content-Type: application/octet-stream' -X POST -T "$WORK/upload-50m.bin" \
        "$base/rest/api/2/issue/BENCH-1/attachments"
    done
  done
  echo "rss_after_50m_kib=$(kib_of "$JPX_PID" VmHWM)" >> "$WORK/large.env"
  time_curl "$WORK/large-down-200.txt" -H "Authorization: $GOOD_AUTH" "$via/rest/api/2/blob/209715200"
  time_curl "$WORK/large-up-200.txt" -H "Authorization: $GOOD_AUTH" -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -X POST -T "$WORK/upload-200m.bin" \
    "$via/rest/api/2/issue/BENCH-1/attachments"
  echo "rss_after_200m_kib=$(kib_of "$JPX_PID" VmHWM)" >> "$WORK/large.env"
  stop_japroxy
  rm -f "$WORK"/upload-*.bin
fi

# --------------------------------------------------------- growth/reload --
# wrk_run "PID..." URL SECONDS OUTFILE: wrk -t2 -c50 with 2 s warmup; appends
# "req_per_s p99_us cpu_us_per_req errors" (CPU of the PIDs' processes and threads)
ticks() {
  local t=0 p line rest f
  for p in "$@"; do
    read -r line < "/proc/$p/stat" || continue
    rest=${line##*) }; read -r -a f <<<"$rest"; t=$((t + f[11] + f[12]))
  done
  echo "$t"
}
wrk_run() {
  local pid=$1 url=$2 secs=$3 out=$4 t0 t1 text
  timeout 60 wrk -t2 -c50 -d2s -H "Authorization: $GOOD_AUTH" "$url" > /dev/null
  # shellcheck disable=SC2086 # a list of PIDs (serve --workers)
  t0=$(ticks $pid)
  text=$(timeout $((secs + 30)) wrk -t2 -c50 -d"${secs}s" --latency -H "Authorization: $GOOD_AUTH" "$url")
  # shellcheck disable=SC2086
  t1=$(ticks $pid)
  awk -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; return v * 1e6 }
    /requests in/ { n = $1 } /Requests\/sec/ { r = $2 } $1 == "99%" { p99 = us($2) }
    /Non-2xx/ { e += $NF } /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.0f %.1f %d\n", r, p99, (n > 0 ? (t1 - t0) * 1e6 / hz / n : -1), e }
  ' <<<"$text" >> "$out"
}

if has_mode growth || has_mode reload || has_mode workers; then
  log "growth: building stores with 10 and 100,000 keys / allow-list entries"
  sed -n 500p "$WORK/keys.tsv" > "$WORK/good-key.tsv"
  new_store "$WORK/small" http://127.0.0.1:18080 "$WORK/good-key.tsv"
  "$BUN" bench/fill-store.ts "$WORK/small/japroxy.db" bench --keys 9 --allow 9 > /dev/null
  STORES=(small)
  if has_mode growth || has_mode reload; then
    STORES=(small keys100k allow100k)
    new_store "$WORK/keys100k" http://127.0.0.1:18080 "$WORK/good-key.tsv"
    "$BUN" bench/fill-store.ts "$WORK/keys100k/japroxy.db" bench --keys 99999 --allow 9 > /dev/null
    new_store "$WORK/allow100k" http://127.0.0.1:18080 "$WORK/good-key.tsv"
    "$BUN" bench/fill-store.ts "$WORK/allow100k/japroxy.db" bench --keys 9 --allow 99999 \
      > /dev/null
  fi

  port_free 18080
  setsid bash "$HARNESS" serve --refs none --serve-seconds 1200 --deadline 1300 \
    > "$WORK/harness-serve.log" 2>&1 &
  PIDS+=("$!")
  wait_port 18080
  declare -A GPID=() GPORT=()
  port=$PORT
  for store in "${STORES[@]}"; do
    port=$((port + 1))
    start_japroxy "$WORK/$store/japroxy.db" "$port"
    GPID[$store]=$JPX_PID GPORT[$store]=$port
  done
  path=/jira/rest/api/2/search?jql=project%3DBENCH
  if has_mode growth; then
    for ((round = 0; round < GROWTH_ROUNDS; round++)); do
      for store in small keys100k allow100k; do
        log "growth: $store round $((round + 1))"
        wrk_run "${GPID[$store]}" "http://127.0.0.1:${GPORT[$store]}$path" "$DURATION" \
          "$WORK/growth-$store.txt"
      done
    done
    for store in small keys100k allow100k; do
      echo "rss_kib=$(kib_of "${GPID[$store]}" VmHWM)" > "$WORK/growth-$store.env"
    done
  fi
  if has_mode reload; then
    pid=${GPID[keys100k]} url="http://127.0.0.1:${GPORT[keys100k]}$path"
    db=$WORK/keys100k/japroxy.db
    for ((round = 0; round < 3; round++)); do
      log "reload: round $((round + 1)) without and with a change every second"
      wrk_run "$pid" "$url" "$DURATION" "$WORK/reload-quiet.txt"
      before=$(grep -c '"settings reloaded"' "$WORK/keys100k/serve.log" || true)
      (
        sleep 3
        for ((i = 0; i < DURATION; i++)); do
          "$JAPROXY" key create "reload-$round-$i" --route bench --db "$db" > /dev/null
          sleep 1
        done
      ) &
      changer=$!
      wrk_run "$pid" "$url" "$DURATION" "$WORK/reload-busy.txt"
      wait "$changer"
      after=$(grep -c '"settings reloaded"' "$WORK/keys100k/serve.log" || true)
      echo "$((after - before))" >> "$WORK/reload-count.txt"
    done
  fi
  if has_mode workers; then
    # The same small store served by two processes (serve --workers 2) on a port of its own.
    port=$((port + 1))
    start_japroxy "$WORK/small/japroxy.db" "$port" "" 2
    sleep 1
    two="$JPX_PID $(pgrep -P "$JPX_PID" | tr '\n' ' ')"
    for ((round = 0; round < GROWTH_ROUNDS; round++)); do
      log "workers: round $((round + 1)), one process then two"
      wrk_run "${GPID[small]}" "http://127.0.0.1:${GPORT[small]}$path" "$DURATION" \
        "$WORK/workers-1.txt"
      wrk_run "$two" "http://127.0.0.1:$port$path" "$DURATION" "$WORK/workers-2.txt"
    done
    rss=0
    for p in $two; do rss=$((rss + $(kib_of "$p" VmHWM))); done
    printf 'rss_kib=%s\nprocesses=%s\n' "$rss" "$(wc -w <<<"$two")" > "$WORK/workers-2.env"
    echo "rss_kib=$(kib_of "${GPID[small]}" VmHWM)" > "$WORK/workers-1.env"
    stop_pid "$JPX_PID"
  fi
  for store in "${STORES[@]}"; do stop_pid "${GPID[$store]}"; done
fi

# --------------------------------------------------------------- startup --
if has_mode startup; then
  for store in small keys100k; do
    if [[ ! -f $WORK/$store/japroxy.db ]]; then
      sed -n 500p "$WORK/keys.tsv" > "$WORK/good-key.tsv"
      new_store "$WORK/$store" http://127.0.0.1:18080 "$WORK/good-key.tsv"
      keys=9; [[ $store == keys100k ]] && keys=99999
      "$BUN" bench/fill-store.ts "$WORK/$store/japroxy.db" bench --keys "$keys" > /dev/null
    fi
    log "startup: $store"
    "$BUN" bench/startup.ts "$JAPROXY" "$WORK/$store/japroxy.db" "$PORT" 7 > "$WORK/startup-$store.txt"
  done
fi

# ---------------------------------------------------------------- report --
"$BUN" bench/report.ts "$WORK" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "results written to $OUT"
