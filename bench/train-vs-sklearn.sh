#!/usr/bin/env bash
# fastlb train (XGBoost through its C API) against scikit-learn's HistGradientBoostingRegressor:
# the same request log, the same features, the same time split (latest 20% validates), the same
# budget (rounds, depth, learning rate, no early stopping). Prints both validation RMSEs and times.
#
#   bench/train-vs-sklearn.sh [--log PATH | --rows N [--seed S]] [--rounds N] [--max-depth D] [--eta E]
#
# Without --log it generates a synthetic log of N rows (default 100000) with bench/train-vs-sklearn.py.
# Needs Debian libxgboost0 and python3-sklearn (installed here when missing and run as root).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rows=100000 seed=1 rounds=100 depth=8 eta=0.1 log=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --log) log=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --max-depth) depth=$2; shift 2 ;;
    --eta) eta=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in libxgboost0 python3-sklearn; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then echo "install first: apt-get install ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/Cli" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fastlb=("dotnet" "$root/src/Cli/bin/Release/net10.0/fastlb.dll")

if [[ -z "$log" ]]; then
  log="$work/requests.csv"
  echo "generating $rows rows (seed $seed) ..." >&2
  /usr/bin/python3 "$root/bench/train-vs-sklearn.py" generate --rows "$rows" --seed "$seed" --out "$log"
fi

now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }
# OpenMP threads (XGBoost's and scikit-learn's) spin while waiting by default, which on a busy
# machine starves the very thread they wait for; fastlb sets this itself, the reference needs it too.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
echo "fastlb train: $rounds rounds, depth $depth, eta $eta ..." >&2
start=$(now)
"${fastlb[@]}" train --logs "$log" --out "$work/latency.model" --rounds "$rounds" --max-depth "$depth" --eta "$eta" \
  --early-stopping 0 --json >"$work/fastlb.json" 2>"$work/fastlb.err" || { cat "$work/fastlb.err" >&2; exit 1; }
fastlb_ms=$(ms_since "$start")

echo "sklearn HistGradientBoostingRegressor: same budget ..." >&2
start=$(now)
/usr/bin/python3 "$root/bench/train-vs-sklearn.py" sklearn --logs "$log" --rounds "$rounds" --max-depth "$depth" --eta "$eta" >"$work/sklearn.json"
sklearn_ms=$(ms_since "$start")

/usr/bin/python3 - "$work/fastlb.json" "$work/sklearn.json" "$fastlb_ms" "$sklearn_ms" "$log" <<'PY'
import json, sys
f = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
print(f"log: {sys.argv[5]}  ({f['records']} records: {f['train_records']} train, {f['validation_records']} validation, latest 20% by time)")
print(f"{'':34}{'RMSE ms':>10}{'MAE ms':>10}{'R2':>8}{'load s':>9}{'train s':>9}{'wall s':>9}")
print(f"{'fastlb train (XGBoost ' + f['xgboost_version'] + ')':34}{f['rmse_ms']:10.3f}{f['mae_ms']:10.3f}{f['r2']:8.4f}"
      f"{f['load_seconds']:9.2f}{f['train_seconds']:9.2f}{int(sys.argv[3]) / 1000:9.2f}")
print(f"{'sklearn HistGradientBoosting':34}{s['rmse_ms']:10.3f}{s['mae_ms']:10.3f}{s['r2']:8.4f}"
      f"{s['load_seconds']:9.2f}{s['train_seconds']:9.2f}{int(sys.argv[4]) / 1000:9.2f}")
for name, b in f["baselines"].items():
    print(f"{'baseline ' + name:34}{b['rmse_ms']:10.3f}{b['mae_ms']:10.3f}{b['r2']:8.4f}")
ratio = f['rmse_ms'] / s['rmse_ms']
print(f"fastlb RMSE / sklearn RMSE = {ratio:.4f} ({'no worse' if ratio <= 1.0 else 'worse'})")
PY
