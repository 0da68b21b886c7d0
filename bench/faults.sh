#!/usr/bin/env bash
# Faults under load: three echo backends behind fastlb and behind nginx (round robin, no active
# health check, 1 s response-head timeout, idempotent requests retried on another backend), wrk
# through each while one backend is frozen (SIGSTOP: it still accepts connections and never
# answers), killed (SIGKILL), or answers 503 to a fifth of its requests. Each fault gets a window
# (3 s frozen, 1 s killed, 1 s 503s) that is not measured, then a measured wrk run. Prints req/s,
# p50, p99 and client-visible errors (non-2xx responses and socket errors) per scenario and proxy,
# with fastlb's retries and breaker openings from its /metrics.
#
#   bench/faults.sh [--duration 10s] [--connections 32] [--scenarios "baseline frozen killed 503"]
#
# Everything listens on free loopback ports and is stopped at the end (a frozen backend is
# continued first).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10s
connections=32
scenarios="baseline frozen killed 503"
path=/api/echo/item
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
export PATH=$PATH:/usr/sbin

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/fastlb-faults.XXXXXX)
pids=()
stop_all() {
  local p _ alive
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building (Release)" >&2
dotnet build src/Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fastlb="dotnet src/Cli/bin/Release/net10.0/fastlb.dll"

wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    sleep 0.05
  done
  echo "port $1 never opened" >&2; return 1
}

# Starts three backends, fastlb and nginx on fresh ports (sets b1 b2 b3, pid_b3, p_fastlb, admin, p_nginx).
start_all() {
  b1=$(free_port); b2=$(free_port); b3=$(free_port)
  $fastlb backend echo --port "$b1" --name b1 >"$work/b1.log" 2>&1 & pids+=($!)
  $fastlb backend echo --port "$b2" --name b2 >"$work/b2.log" 2>&1 & pids+=($!)
  $fastlb backend echo --port "$b3" --name b3 >"$work/b3.log" 2>&1 & pid_b3=$!; pids+=($pid_b3)
  wait_port "$b1"; wait_port "$b2"; wait_port "$b3"

  p_fastlb=$(free_port); admin=$(free_port)
  cat >"$work/fastlb.json" <<CONF
{
  "admin": { "listen": "127.0.0.1:$admin" },
  "listeners": [ { "name": "web", "listen": "127.0.0.1:$p_fastlb", "mode": "http" } ],
  "routes": [ { "listener": "web", "pathPrefix": "/", "pool": "echo",
                "retry": { "attempts": 3, "on": ["timeout", "502", "503", "504"] } } ],
  "pools": [ { "name": "echo", "policy": "round_robin",
               "backends": [ { "address": "127.0.0.1:$b1" }, { "address": "127.0.0.1:$b2" }, { "address": "127.0.0.1:$b3" } ] } ],
  "limits": { "responseHeaderTimeoutMs": 1000, "upstreamConnectTimeoutMs": 1000 }
}
CONF
  $fastlb run --config "$work/fastlb.json" >"$work/fastlb.log" 2>&1 & pids+=($!)

  # nginx with its passive defaults (max_fails=1, fail_timeout=10s) and the same timeouts and retries.
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
  upstream backends { server 127.0.0.1:$b1; server 127.0.0.1:$b2; server 127.0.0.1:$b3; keepalive 128; }
  server {
    listen 127.0.0.1:$p_nginx;
    location / {
      proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_connect_timeout 1s; proxy_read_timeout 1s;
      proxy_next_upstream error timeout http_502 http_503 http_504; proxy_next_upstream_tries 3;
    }
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.log" 2>&1 & pids+=($!)
  wait_port "$p_fastlb"; wait_port "$p_nginx"
  for port in "$p_fastlb" "$p_nginx"; do wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$port$path" >/dev/null 2>&1; done
}

results="$work/results.tsv"
: >"$results"
for scenario in $scenarios; do
  start_all
  case $scenario in
    baseline) window=0 ;;
    frozen) kill -STOP "$pid_b3"; window=3 ;;
    killed) kill -9 "$pid_b3"; window=1 ;;
    503) curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"errorRate":0.2,"errorStatus":503}' "http://127.0.0.1:$b3/admin/faults" >/dev/null; window=1 ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  for target in fastlb nginx; do
    case $target in fastlb) port=$p_fastlb ;; nginx) port=$p_nginx ;; esac
    [ "$window" = 0 ] || wrk -t1 -c"$connections" -d"${window}s" "http://127.0.0.1:$port$path" >/dev/null 2>&1
    out=$(wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path" 2>&1)
    extra=
    if [ "$target" = fastlb ]; then
      metrics=$(curl -fsS "http://127.0.0.1:$admin/metrics")
      extra="retries=$(echo "$metrics" | awk '/^fastlb_retries_total/ { s += $2 } END { print s + 0 }') opened=$(echo "$metrics" | awk '/^fastlb_backend_breaker_opened_total/ { s += $2 } END { print s + 0 }')"
    fi
    printf '%s\t%s\t%s\t%s\n' "$scenario" "$target" "$extra" "$(echo "$out" | base64 -w0)" >>"$results"
    echo "$scenario, $target: $(echo "$out" | awk '/Requests\/sec:/ { r = $2 } $1 == "99%" { p = $2 } END { printf "%.0f req/s, p99 %s", r, p }') $extra" >&2
  done
  stop_all
done

/usr/bin/python3 - "$results" "$duration" "$connections" <<'PY'
import base64, re, sys

def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

print(f"wrk -t1 -c{sys.argv[3]}, {sys.argv[2]} measured after each fault's window\n")
print("| scenario | proxy | req/s | p50 ms | p99 ms | requests | errors | error % | fastlb retries, breaker openings |")
print("|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    scenario, target, extra, blob = line.rstrip("\n").split("\t")
    out = base64.b64decode(blob).decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in socket.groups()) if socket else 0)
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    print(f"| {scenario} | {target} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {total} | {errors} | {100 * errors / max(total, 1):.3f} | {extra or '-'} |")
PY
