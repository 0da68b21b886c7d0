#!/usr/bin/env bash
# TCP mode: splice(2) against buffer copying. Streams GiB through `fastlb run --mode tcp` to a sink
# on loopback and reports MiB/s and the proxy's CPU seconds for each, alternating, several rounds.
#   bench/tcp.sh [--gib 2] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
gib=2
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --gib) gib=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done

dotnet build src/Cli -c Release -nologo -v q -clp:ErrorsOnly >&2
fastlb="dotnet src/Cli/bin/Release/net10.0/fastlb.dll"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/fastlb-tcp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# A sink that reads everything and answers the byte count when the sender half-closes.
sink=$(free_port)
/usr/bin/python3 - "$sink" >"$work/sink.log" 2>&1 <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
def serve(c):
    n = 0
    buf = bytearray(1 << 20)
    while True:
        r = c.recv_into(buf)
        if r == 0: break
        n += r
    c.sendall(str(n).encode()); c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
pids+=($!)

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }

echo "| round | mode | MiB/s | proxy CPU s per GiB |"
echo "|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for mode in splice copy; do
    port=$(free_port); admin=$(free_port)
    flag=(); [ "$mode" = copy ] && flag=(--no-splice)
    $fastlb run --mode tcp --listen "127.0.0.1:$port" --backend "127.0.0.1:$sink" --admin "127.0.0.1:$admin" "${flag[@]}" >"$work/fastlb.log" 2>&1 &
    pid=$!
    wait_port "$port"
    before=$(cpu_seconds "$pid")
    result=$(/usr/bin/python3 - "$port" "$gib" <<'PY'
import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
total = int(float(sys.argv[2]) * (1 << 30)); block = b"x" * (1 << 20); sent = 0
t0 = time.time()
while sent < total:
    c.sendall(block); sent += len(block)
c.shutdown(socket.SHUT_WR)
got = int(c.recv(64)); dt = time.time() - t0
assert got == total, (got, total)
print(f"{total / (1 << 20) / dt:.0f}")
PY
)
    after=$(cpu_seconds "$pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "| $round | $mode | $result | $(awk -v a="$after" -v b="$before" -v g="$gib" 'BEGIN { printf "%.2f", (a - b) / g }') |"
  done
done
