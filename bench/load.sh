#!/usr/bin/env bash
# Load run: wrk at fixed connection counts against the same two Kestrel backends, reached
# directly, through fastlb, through nginx and through HAProxy (round robin, upstream keep-alive),
# interleaved in one run for several rounds. Prints req/s, p50, p99, proxy CPU seconds,
# requests per proxy CPU-second and every ratio to fastlb.
#
#   bench/load.sh [--duration 10s] [--connections "16 64"] [--rounds 3] [--path /api/echo/item]
#                 [--compare path/to/other/fastlb.dll]
#
# --compare adds the target fastlb-compare: a second fastlb built elsewhere (e.g. an older commit
# in a git worktree), started with the same flags as fastlb on its own ports and measured in the
# same interleaved rounds, so a before/after reads as its ratio to fastlb.
#
# Everything listens on free loopback ports and is stopped at the end.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

duration=10s
connections="16 64"
rounds=3
path=/api/echo/item
compare=
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --path) path=$2; shift 2 ;;
    --compare) compare=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
if [ -n "$compare" ]; then
  case $compare in /*) ;; *) compare=$caller/$compare ;; esac
  [ -f "$compare" ] || { echo "--compare: no such file $compare" >&2; exit 2; }
fi

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
export PATH=$PATH:/usr/sbin

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/fastlb-load.XXXXXX)
pids=()
# TERM everything started, give it up to 5 s, then KILL what is left; an interrupt also cleans up.
cleanup() {
  local p _ alive
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building (Release)" >&2
dotnet build src/Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fastlb="dotnet src/Cli/bin/Release/net10.0/fastlb.dll"

# wait_port PORT [PID LOG]: up to 30 s; gives up early, showing LOG, if PID has exited.
wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then echo "process $2 exited before port $1 opened:" >&2; cat "$3" >&2; return 1; fi
    sleep 0.05
  done
  echo "port $1 never opened" >&2; return 1
}

b1=$(free_port); b2=$(free_port)
$fastlb backend echo --port "$b1" --name b1 >"$work/b1.log" 2>&1 & pids+=($!)
$fastlb backend echo --port "$b2" --name b2 >"$work/b2.log" 2>&1 & pids+=($!)
wait_port "$b1"; wait_port "$b2"

# fastlb
p_fastlb=$(free_port); admin=$(free_port)
$fastlb run --listen "127.0.0.1:$p_fastlb" --backend "127.0.0.1:$b1" --backend "127.0.0.1:$b2" --admin "127.0.0.1:$admin" >"$work/fastlb.log" 2>&1 &
pid_fastlb=$!; pids+=($pid_fastlb)

# fastlb-compare: the other build, same flags, its own ports
targets="direct fastlb"
if [ -n "$compare" ]; then
  p_compare=$(free_port); admin_compare=$(free_port)
  dotnet "$compare" run --listen "127.0.0.1:$p_compare" --backend "127.0.0.1:$b1" --backend "127.0.0.1:$b2" --admin "127.0.0.1:$admin_compare" >"$work/fastlb-compare.log" 2>&1 &
  pid_compare=$!; pids+=($pid_compare)
  targets+=" fastlb-compare"
fi
targets+=" nginx haproxy"

# nginx: 2 workers (one per core), upstream keep-alive
p_nginx=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backends { server 127.0.0.1:$b1; server 127.0.0.1:$b2; keepalive 128; }
  server {
    listen 127.0.0.1:$p_nginx;
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.log" 2>&1 &
pid_nginx=$!; pids+=($pid_nginx)

# HAProxy: 2 threads, round robin, keep-alive and connection reuse
p_haproxy=$(free_port)
cat >"$work/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$p_haproxy
  default_backend be
backend be
  balance roundrobin
  server b1 127.0.0.1:$b1
  server b2 127.0.0.1:$b2
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pid_haproxy=$!; pids+=($pid_haproxy)

wait_port "$p_fastlb" "$pid_fastlb" "$work/fastlb.log"
[ -z "$compare" ] || wait_port "$p_compare" "$pid_compare" "$work/fastlb-compare.log"
wait_port "$p_nginx" "$pid_nginx" "$work/nginx.log"; wait_port "$p_haproxy" "$pid_haproxy" "$work/haproxy.log"

# CPU seconds (user + system) of a process and its children threads, from /proc.
cpu_seconds() {
  local total=0 p
  for p in $(pgrep -P "$1" 2>/dev/null) "$1"; do
    [ -r "/proc/$p/stat" ] || continue
    total=$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" '{ print t + ($14 + $15) / hz }' "/proc/$p/stat")
  done
  echo "$total"
}

results="$work/results.tsv"
: >"$results"
for round in $(seq 1 "$rounds"); do
  for c in $connections; do
    for target in $targets; do
      case $target in
        direct) port=$b1; pid= ;;
        fastlb) port=$p_fastlb; pid=$pid_fastlb ;;
        fastlb-compare) port=$p_compare; pid=$pid_compare ;;
        nginx) port=$p_nginx; pid=$pid_nginx ;;
        haproxy) port=$p_haproxy; pid=$pid_haproxy ;;
      esac
      before=0; [ -n "$pid" ] && before=$(cpu_seconds "$pid")
      out=$(wrk -t2 -c"$c" -d"$duration" --latency "http://127.0.0.1:$port$path" 2>&1)
      after=0; [ -n "$pid" ] && after=$(cpu_seconds "$pid")
      echo "$out" >"$work/wrk-$target-$c-$round.txt"
      printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$target" "$(awk -v a="$after" -v b="$before" 'BEGIN { print a - b }')" "$(echo "$out" | base64 -w0)" >>"$results"
      echo "round $round, $c connections, $target done: $(echo "$out" | awk '/Requests\/sec:/ { r = $2 } $1 == "99%" { p = $2 } END { printf "%.0f req/s, p99 %s", r, p }')" >&2
    done
  done
done

/usr/bin/python3 - "$results" "$duration" "$compare" <<'PY'
import base64, re, statistics, sys
from collections import defaultdict

def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

rows = defaultdict(list)
for line in open(sys.argv[1]):
    rnd, conns, target, cpu, blob = line.rstrip("\n").split("\t")
    out = base64.b64decode(blob).decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    rows[(int(conns), target)].append((rps, p50, p99, float(cpu), total, int(errors.group(1)) if errors else 0))

print(f"wrk -t2, {sys.argv[2]} per run, medians over rounds; ratios are target / fastlb\n")
if sys.argv[3]:
    print(f"fastlb-compare: {sys.argv[3]}\n")
print("| conns | target | req/s | p50 ms | p99 ms | proxy CPU s | req per CPU-s | non-2xx | req/s ratio | p99 ratio | req/CPU-s ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for conns in sorted({c for c, _ in rows}):
    med = {t: [statistics.median(x[i] for x in rows[(conns, t)]) for i in range(6)] for (c, t) in rows if c == conns}
    f = med["fastlb"]
    for t in [t for t in ["direct", "fastlb", "fastlb-compare", "nginx", "haproxy"] if t in med]:
        rps, p50, p99, cpu, total, err = med[t]
        per_cpu = total / cpu if cpu > 0 else float("nan")
        f_per_cpu = f[4] / f[3] if f[3] > 0 else float("nan")
        cpu_text = f"{cpu:.2f}" if t != "direct" else "-"
        per_text = f"{per_cpu:,.0f}" if t != "direct" else "-"
        ratio_cpu = f"{per_cpu / f_per_cpu:.2f}" if t != "direct" else "-"
        print(f"| {conns} | {t} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {cpu_text} | {per_text} | {err:.0f} | {rps / f[0]:.2f} | {p99 / f[2]:.2f} | {ratio_cpu} |")
PY
