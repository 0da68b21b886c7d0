#!/usr/bin/env bash
# Load run of one backend instance with wrk: requests/s for a catalog read (inventory, GET one product and a
# page of 20) and for an order create (orders running the whole saga against inventory, payments, cart and
# notifications, called directly with --service-url since no proxy runs here). In-memory stores.
# Usage: bench/backends.sh [DURATION_SECONDS=10] [CONNECTIONS=32]
# Prints one line per scenario and, last, a JSON document with the numbers.
#
# Measured 2026-11-22 on the 2-core shared dev machine (wrk on the same cores), bench/backends.sh 10 32:
#   catalog_product   71 140 req/s  p50 0.33 ms  p99 14 ms
#   catalog_page      60 971 req/s  p50 0.33 ms  p99 14 ms
#   order_create       1 168 req/s  p50 24 ms    p99 172 ms   (each order: reserve, pay, confirm, clear cart,
#                                                               save + outbox, relay -> notifications: 6 HTTP calls)
# A second run (final code, machine shared with other builds): 65 588 / 41 217 / 1 391 req/s; expect +-20 %.
# (order_create was 599 req/s before validated JWTs were cached: signature checks dominated.)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-32}

log() { printf '[bench] %s\n' "$*" >&2; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

log "building fastlb (Release)"
dotnet build src/Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fastlb=src/Cli/bin/Release/net10.0/fastlb

work=$(mktemp -d /tmp/fastlb-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export FASTLB_JWT_KEY="bench-shared-hmac-key-$(date +%s)-0123456789abcdef"

start() { # SERVICE PORT [ARGS...]
  local service=$1 port=$2; shift 2
  "$fastlb" backend "$service" --port "$port" "$@" >"$work/$service.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "$service did not start:"; cat "$work/$service.log" >&2; exit 1
}

declare -A port
for s in users inventory payments cart notifications orders; do port[$s]=$(free_port); done
start users "${port[users]}" --admin-email bench@shop.test --admin-password bench-password-1
start inventory "${port[inventory]}"
start payments "${port[payments]}"
start cart "${port[cart]}"
start notifications "${port[notifications]}"
start orders "${port[orders]}" \
  --service-url "inventory=http://127.0.0.1:${port[inventory]}" --service-url "payments=http://127.0.0.1:${port[payments]}" \
  --service-url "cart=http://127.0.0.1:${port[cart]}" --service-url "notifications=http://127.0.0.1:${port[notifications]}"

token=$(curl -sf -H 'Content-Type: application/json' -d '{"email":"bench@shop.test","password":"bench-password-1"}' \
  "http://127.0.0.1:${port[users]}/api/users/login" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

cat >"$work/order.lua" <<LUA
math.randomseed(1)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  local sku = string.format("SKU-%05d", math.random(1, 300))
  return wrk.format(nil, nil, nil, '{"items":[{"sku":"' .. sku .. '","quantity":1}],"cardNumber":"4242424242424242"}')
end
LUA

run() { # NAME URL [wrk args...]
  local name=$1 url=$2; shift 2
  curl -sf -o /dev/null "$url" 2>/dev/null || true
  wrk -t2 -c"$connections" -d2s "$@" "$url" >/dev/null 2>&1 || true   # warm-up (JIT, pools)
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url")
  echo "$out" >"$work/$name.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  printf '%-16s %10s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
  results+=("{\"scenario\": \"$name\", \"requests_per_s\": $rps, \"p50\": \"$p50\", \"p99\": \"$p99\", \"non_2xx\": ${non2xx:-0}}")
}

results=()
log "wrk: ${duration}s, ${connections} connections, 2 threads, $(nproc) cores"
run catalog_product "http://127.0.0.1:${port[inventory]}/api/inventory/products/SKU-00042"
run catalog_page "http://127.0.0.1:${port[inventory]}/api/inventory/products?offset=40&limit=20"
run order_create "http://127.0.0.1:${port[orders]}/api/orders" -s "$work/order.lua"
paid=$(curl -sf "http://127.0.0.1:${port[orders]}/metrics" | awk -F' ' '/event="order_paid"/ {print $2}')
log "orders paid in total (warm-up included): ${paid:-0}"
printf '{"duration_s": %s, "connections": %s, "cores": %s, "results": [%s]}\n' "$duration" "$connections" "$(nproc)" "$(IFS=,; echo "${results[*]}")"
