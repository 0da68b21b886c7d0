#!/usr/bin/env bash
# Soak: `fastlb run` under steady load for a bounded time while its backends restart and its config reloads,
# sampling the proxy's resources. Run on demand (not part of scripts/test):
#
#   bench/soak.sh [--duration 600] [--load 0.7] [--connections 128] [--backends 3]
#                 [--restart-every 60] [--reload-every 30] [--sample-every 10] [--warmup 120] [--no-build]
#
# --no-build uses src/Cli/bin/Release as it is (built beforehand with dotnet build src/Cli -c Release).
# 1. Starts --backends echo backends (`fastlb backend echo`, Kestrel) and `fastlb run --config` over them
#    (one http listener, weighted_round_robin, active health checks every second), all on free loopback ports.
# 2. Measures the maximum: wrk -t2 -c64 for 8 s through the proxy, no pause between requests.
# 3. Loads the proxy at --load of that maximum for --duration seconds: wrk in 60-s slices, each connection pausing
#    between requests (a Lua delay()); each slice corrects the pause from the rate the previous one reached.
#    Meanwhile one backend is restarted (SIGTERM, wait for it to exit, start again on its port) every
#    --restart-every seconds, in turn, and the config is reloaded (POST /reload, a backend's weight toggled
#    between 1 and 2 so that every reload applies a change) every --reload-every seconds.
# 4. Every --sample-every seconds records the proxy's RSS and thread count (/proc/PID/status), open descriptors
#    (/proc/PID/fd) and GC heap (/status: process.heap_bytes, the heap after the last collection).
# Reports: requests, the rate reached, failed requests (non-2xx answers and socket errors seen by wrk; the echo
# backend never answers an error itself, so every failure is one the proxy let through), the proxy's own
# counts by status class and its retries, and per resource the median of the first minute after --warmup
# against the median of the last minute: flat when it grew less than 10 %; for the GC heap also the heap just
# after each full collection (its live set), first after warm-up against last. Exits 1 when a request failed
# or a resource's median grew 10 % or more. Samples and wrk output are kept in the folder it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=600
load=0.7
connections=128
backends=3
restart_every=60
reload_every=30
sample_every=10
warmup=120
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --backends) backends=$2; shift 2 ;;
    --restart-every) restart_every=$2; shift 2 ;;
    --reload-every) reload_every=$2; shift 2 ;;
    --sample-every) sample_every=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
if [ "$duration" -le $((warmup + 60)) ]; then
  echo "--duration must exceed --warmup by more than 60 s (the two windows compared)" >&2; exit 2
fi

log() { printf '[soak %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ "$build" = 1 ]; then
  log "building (Release)"
  dotnet build src/Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fi
fastlb_dll=$(pwd)/src/Cli/bin/Release/net10.0/fastlb.dll

work=$(mktemp -d /tmp/fastlb-soak.XXXXXX)
pids=()
backend_pids=()
cleanup() {
  local p _ alive f
  for f in "$work"/backend-*.pid; do [ -f "$f" ] && backend_pids+=("$(cat "$f")"); done
  for p in "${pids[@]}" "${backend_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for p in "${pids[@]}" "${backend_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}" "${backend_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_port PORT: up to 30 s.
wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    sleep 0.05
  done
  echo "port $1 never opened" >&2; return 1
}

# --- backends ----------------------------------------------------------------------------------
ports=()
# The restarts run in a background subshell, so each backend's current pid is kept in a file for cleanup.
start_backend() { # INDEX
  dotnet "$fastlb_dll" backend echo --port "${ports[$1]}" --name "b$1" >>"$work/backend-$1.log" 2>&1 &
  backend_pids[$1]=$!
  echo "$!" >"$work/backend-$1.pid"
}
for i in $(seq 0 $((backends - 1))); do
  ports[$i]=$(free_port)
  start_backend "$i"
done
for i in $(seq 0 $((backends - 1))); do wait_port "${ports[$i]}"; done

# --- proxy ---------------------------------------------------------------------------------------
listen=$(free_port)
admin=$(free_port)
write_config() { # WEIGHT of the first backend
  local list="" i
  for i in $(seq 0 $((backends - 1))); do
    [ -n "$list" ] && list+=", "
    list+="{ \"address\": \"127.0.0.1:${ports[$i]}\", \"weight\": $([ "$i" = 0 ] && echo "$1" || echo 1) }"
  done
  cat >"$work/fastlb.json.tmp" <<JSON
{
  "admin": { "listen": "127.0.0.1:$admin" },
  "listeners": [ { "name": "web", "listen": "127.0.0.1:$listen", "mode": "http", "pool": "echo" } ],
  "pools": [ { "name": "echo", "policy": "weighted_round_robin", "backends": [ $list ],
               "healthCheck": { "path": "/health", "intervalMs": 1000, "timeoutMs": 500 } } ]
}
JSON
  mv "$work/fastlb.json.tmp" "$work/fastlb.json"
}
write_config 1
(cd "$work" && exec dotnet "$fastlb_dll" run --config "$work/fastlb.json" >"$work/fastlb.log" 2>&1) &
proxy=$!
pids+=($proxy)
wait_port "$listen"
wait_port "$admin"
log "backends on ${ports[*]}, proxy pid $proxy on 127.0.0.1:$listen, admin 127.0.0.1:$admin; files in $work"

url="http://127.0.0.1:$listen/api/echo/item"
# rate FILE: requests/s of a wrk report.
rate() { awk '/Requests\/sec:/ { print $2 }' "$1"; }

# --- maximum -------------------------------------------------------------------------------------
wrk -t2 -c64 -d8s "$url" >"$work/wrk-max.txt" 2>&1
max=$(rate "$work/wrk-max.txt")
target=$(awk -v m="$max" -v l="$load" 'BEGIN { printf "%.0f", m * l }')
log "maximum $max req/s; soaking at $target req/s ($load) for $duration s with $connections connections"

# --- chaos: restarts and reloads on their own clock ---------------------------------------------
start=$(date +%s)
chaos() {
  local next_restart=$restart_every next_reload=$reload_every victim=0 weight=1 now t
  while true; do
    now=$(date +%s); t=$((now - start))
    [ "$t" -ge "$duration" ] && return 0
    if [ "$t" -ge "$next_restart" ]; then
      local p=${backend_pids[$victim]}
      kill -TERM "$p" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
      start_backend "$victim"
      wait_port "${ports[$victim]}"
      printf '%s\trestart\tb%s\n' "$t" "$victim" >>"$work/events.tsv"
      victim=$(((victim + 1) % backends))
      next_restart=$((next_restart + restart_every))
    fi
    if [ "$t" -ge "$next_reload" ]; then
      weight=$((3 - weight))
      write_config "$weight"
      code=$(curl -s -o "$work/reload-last.json" -w '%{http_code}' -X POST "http://127.0.0.1:$admin/reload" || echo 000)
      printf '%s\treload\t%s\n' "$t" "$code" >>"$work/events.tsv"
      next_reload=$((next_reload + reload_every))
    fi
    sleep 0.5
  done
}
sampler() {
  printf 't\trss_kb\tthreads\tfds\theap_bytes\tgen2\n' >"$work/samples.tsv"
  while true; do
    local t=$(( $(date +%s) - start ))
    [ "$t" -gt "$duration" ] && return 0
    local rss threads fds status heap gen2
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$proxy/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$proxy/status")
    fds=$(ls "/proc/$proxy/fd" | wc -l)
    status=$(curl -s --max-time 5 "http://127.0.0.1:$admin/status" || echo '{}')
    heap=$(echo "$status" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("process",{}).get("heap_bytes",""))' 2>/dev/null || echo)
    gen2=$(echo "$status" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("process",{}).get("gen2_collections",""))' 2>/dev/null || echo)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$rss" "$threads" "$fds" "$heap" "$gen2" >>"$work/samples.tsv"
    sleep "$sample_every"
  done
}
: >"$work/events.tsv"
chaos &
chaos_pid=$!
pids+=($chaos_pid)
sampler &
sampler_pid=$!
pids+=($sampler_pid)

# --- load, in slices of up to 60 s ------------------------------------------------------------------
# Each connection sends, waits for the answer, then pauses: rate = connections / (pause + latency). The pause
# starts at connections / target (latency taken as 0) and is corrected after each slice from the rate it reached.
pause_ms=$(awk -v c="$connections" -v r="$target" 'BEGIN { printf "%.3f", c * 1000 / r }')
slice=0
while true; do
  elapsed=$(( $(date +%s) - start ))
  left=$((duration - elapsed))
  [ "$left" -le 1 ] && break
  secs=$(( left < 60 ? left : 60 ))
  cat >"$work/pace.lua" <<LUA
-- pause before each request: $pause_ms ms on average (wrk's delay() takes whole milliseconds)
local base = math.floor($pause_ms)
local frac = $pause_ms - base
function delay()
  if math.random() < frac then return base + 1 end
  return base
end
-- every answer that is not 2xx, counted by status per thread and summed at the end ("status 502: 3")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = {} end
function response(status, headers, body)
  if status < 200 or status > 299 then failed[status] = (failed[status] or 0) + 1 end
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("failed")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %d: %d\n", code, n)) end
end
LUA
  wrk -t2 -c"$connections" -d"${secs}s" -s "$work/pace.lua" "$url" >"$work/wrk-slice-$slice.txt" 2>&1 || true
  reached=$(rate "$work/wrk-slice-$slice.txt")
  log "slice $slice: ${secs}s at pause ${pause_ms} ms: $reached req/s (target $target)"
  # latency per request as seen = connections / reached - pause; the next pause = connections / target - latency.
  pause_ms=$(awk -v c="$connections" -v r="$reached" -v t="$target" -v p="$pause_ms" \
    'BEGIN { if (r <= 0) { print p; exit } lat = c * 1000 / r - p; n = c * 1000 / t - lat; if (n < 0) n = 0; printf "%.3f", n }')
  slice=$((slice + 1))
done
wait "$sampler_pid" 2>/dev/null || true
wait "$chaos_pid" 2>/dev/null || true
curl -s "http://127.0.0.1:$admin/metrics" >"$work/metrics.txt" || true
curl -s "http://127.0.0.1:$admin/status" >"$work/status.json" || true

/usr/bin/python3 - "$work" "$max" "$target" "$warmup" "$duration" <<'PY'
import glob, re, statistics, sys
work, peak, target, warmup, duration = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
requests = non2xx = 0
errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
seconds = 0.0
statuses = {}
for path in sorted(glob.glob(work + "/wrk-slice-*.txt")):
    out = open(path).read()
    m = re.search(r"(\d+) requests in ([\d.]+)(s|m)", out)
    if not m:
        continue
    requests += int(m.group(1)); seconds += float(m.group(2)) * (60 if m.group(3) == "m" else 1)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    non2xx += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        for k, v in zip(errors, m.groups()):
            errors[k] += int(v)
    for code, n in re.findall(r"^status (\d+): (\d+)$", out, re.M):
        statuses[code] = statuses.get(code, 0) + int(n)
failed = non2xx + sum(errors.values())
by_class = {}
retries = 0
for line in open(work + "/metrics.txt"):
    m = re.match(r'fastlb_requests_total\{.*status_class="([^"]+)".*\} ([\d.e+]+)', line)
    if m:
        by_class[m.group(1)] = by_class.get(m.group(1), 0) + float(m.group(2))
    m = re.match(r'fastlb_retries_total\{.*\} ([\d.e+]+)', line)
    if m:
        retries += float(m.group(1))
events = [l.split("\t") for l in open(work + "/events.tsv").read().splitlines() if l]
restarts = sum(1 for e in events if e[1] == "restart")
reloads = [e for e in events if e[1] == "reload"]
reloads_ok = sum(1 for e in reloads if e[2] == "200")
print(f"maximum {peak:,.0f} req/s; target {target:,.0f} req/s; reached {requests / seconds if seconds else 0:,.0f} req/s over {seconds:.0f} s")
print(f"requests {requests:,}; failed {failed} (non-2xx {non2xx}, by status {statuses or '{}'}; socket errors {errors})")
print(f"proxy's counts by status class: {', '.join(f'{k} {v:,.0f}' for k, v in sorted(by_class.items()))}; retries {retries:,.0f}")
print(f"backend restarts {restarts}; reloads {len(reloads)} ({reloads_ok} answered 200)")
rows = [l.split("\t") for l in open(work + "/samples.tsv").read().splitlines()[1:] if l]
cols = {"rss_kb": 1, "threads": 2, "fds": 3, "heap_bytes": 4}
first = [r for r in rows if warmup <= int(r[0]) < warmup + 60]
last = [r for r in rows if int(r[0]) >= duration - 60]
flat_all = True
print(f"resources, median of t={warmup}..{warmup + 60} s against median of the last 60 s (samples: {len(rows)}):")
print("| resource | after warm-up | last minute | growth | max | flat (< 10 %) |")
print("|---|---|---|---|---|---|")
for name, i in cols.items():
    a = [float(r[i]) for r in first if r[i]]
    b = [float(r[i]) for r in last if r[i]]
    allv = [float(r[i]) for r in rows if r[i]]
    if not a or not b:
        print(f"| {name} | - | - | - | - | no samples |"); flat_all = False; continue
    ma, mb = statistics.median(a), statistics.median(b)
    growth = (mb - ma) / ma * 100 if ma else 0
    flat = growth < 10
    flat_all &= flat
    print(f"| {name} | {ma:,.0f} | {mb:,.0f} | {growth:+.1f} % | {max(allv):,.0f} | {'yes' if flat else 'NO'} |")
# The heap sampled at any moment carries whatever garbage awaits the next full collection, so its medians move
# with the GC's schedule; the heap in the first sample after each gen2 collection is the live set, and is what
# must stay flat (compared first after warm-up against last).
after_full = []
for prev, row in zip(rows, rows[1:]):
    if row[5] and prev[5] and row[5] != prev[5] and row[4]:
        after_full.append((int(row[0]), float(row[4])))
after_full = [x for x in after_full if x[0] >= warmup]
if len(after_full) >= 2:
    (t0, h0), (t1, h1) = after_full[0], after_full[-1]
    growth = (h1 - h0) / h0 * 100
    print(f"heap after a full (gen2) collection: {h0:,.0f} at t={t0} s, {h1:,.0f} at t={t1} s ({growth:+.1f} %, {len(after_full)} collections after warm-up): {'flat' if growth < 10 else 'GREW'}")
else:
    print(f"heap after a full (gen2) collection: {len(after_full)} full collections after warm-up, too few to compare")
print("PASS" if failed == 0 and flat_all else "FAIL")
sys.exit(0 if failed == 0 and flat_all else 1)
PY
