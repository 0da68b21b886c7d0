#!/usr/bin/env bash
# fastlb train (ML.NET FastTree) against scikit-learn's HistGradientBoostingRegressor, in one run:
# the same request log, the same features, the same time split (latest 20% validates), the same
# budget (trees, leaves per tree, learning rate, fewest rows per leaf, no early stopping). Prints
# both validation RMSEs, their ratio and the training times, and checks the goals: RMSE at most
# 1.02x scikit-learn's, and a 1M-row log trained in under 60 s.
#
#   bench/train-vs-sklearn.sh [--log PATH | --rows N [--seed S]] [--trees N] [--leaves N]
#                             [--learning-rate X] [--min-examples-per-leaf N]
#
# Without --log it generates a synthetic log of N rows (default 1000000, about 126 MB, in a
# temporary folder) with bench/train-vs-sklearn.py. Needs python3-sklearn (installed here when
# missing, as root or through sudo).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rows=1000000 seed=1 trees=100 leaves=31 rate=0.1 minleaf=20 log=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --log) log=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --trees) trees=$2; shift 2 ;;
    --leaves) leaves=$2; shift 2 ;;
    --learning-rate) rate=$2; shift 2 ;;
    --min-examples-per-leaf) minleaf=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if ! /usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null; then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install first: apt-get install python3-sklearn" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-sklearn >/dev/null
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
budget=(--trees "$trees" --leaves "$leaves" --learning-rate "$rate" --min-examples-per-leaf "$minleaf")
echo "fastlb train: ${budget[*]} ..." >&2
start=$(now)
"${fastlb[@]}" train --logs "$log" --out "$work/latency.model" "${budget[@]}" --early-stopping 0 --json \
  >"$work/fastlb.json" 2>"$work/fastlb.err" || { cat "$work/fastlb.err" >&2; exit 1; }
fastlb_ms=$(ms_since "$start")

# OpenMP threads spin while waiting by default, which on a busy machine starves the very thread
# they wait for.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
echo "sklearn HistGradientBoostingRegressor: same budget ..." >&2
start=$(now)
/usr/bin/python3 "$root/bench/train-vs-sklearn.py" sklearn --logs "$log" "${budget[@]}" >"$work/sklearn.json"
sklearn_ms=$(ms_since "$start")

/usr/bin/python3 - "$work/fastlb.json" "$work/sklearn.json" "$fastlb_ms" "$sklearn_ms" "$log" <<'PY'
import json, sys
f = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
fastlb_wall, sklearn_wall = int(sys.argv[3]) / 1000, int(sys.argv[4]) / 1000
print(f"log: {sys.argv[5]}  ({f['records']} records: {f['train_records']} train, {f['validation_records']} validation, latest 20% by time)")
p = f["params"]
print(f"budget: {p['trees']} trees, {p['leaves']} leaves, learning rate {p['learning_rate']}, at least {p['min_examples_per_leaf']} rows a leaf, no early stopping")
print(f"{'':34}{'RMSE ms':>10}{'MAE ms':>10}{'R2':>8}{'load s':>9}{'train s':>9}{'wall s':>9}")
print(f"{'fastlb train (' + f['trainer'] + ')':34}{f['rmse_ms']:10.3f}{f['mae_ms']:10.3f}{f['r2']:8.4f}"
      f"{f['load_seconds']:9.2f}{f['train_seconds']:9.2f}{fastlb_wall:9.2f}")
print(f"{'sklearn HistGradientBoosting':34}{s['rmse_ms']:10.3f}{s['mae_ms']:10.3f}{s['r2']:8.4f}"
      f"{s['load_seconds']:9.2f}{s['train_seconds']:9.2f}{sklearn_wall:9.2f}")
for name, b in f["baselines"].items():
    print(f"{'baseline ' + name:34}{b['rmse_ms']:10.3f}{b['mae_ms']:10.3f}{b['r2']:8.4f}")
ratio = f['rmse_ms'] / s['rmse_ms']
print(f"fastlb RMSE / sklearn RMSE = {ratio:.4f} (goal <= 1.02: {'met' if ratio <= 1.02 else 'missed'})")
if f["records"] >= 1_000_000:
    print(f"fastlb train wall time {fastlb_wall:.1f} s for {f['records']} rows (goal < 60 s: {'met' if fastlb_wall < 60 else 'missed'})")
print(f"managed evaluator vs ML.NET, largest difference on the validation rows: {f['evaluator_max_abs_diff_ms']:.3g} ms")
PY
