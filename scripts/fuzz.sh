#!/usr/bin/env bash
# Coverage-guided fuzzing of one component with AFL++ through SharpFuzz, bounded in time:
#
#   scripts/fuzz.sh TARGET SECONDS        TARGET: request-head response-head chunked-body config request-log
#
# Installs what it lacks (Debian's afl++ with apt-get; the SharpFuzz.CommandLine 2.3.0 tool into fuzz/.tools),
# publishes fuzz/FastLb.Fuzz into fuzz/.out, instruments FastLb.Proxy.dll and FastLb.RequestLog.dll there (the
# normal build stays uninstrumented), and runs afl-fuzz for SECONDS from the seeds in fuzz/corpus/TARGET (plus
# any inputs already committed in fuzz/regressions/TARGET). Findings go to fuzz/.findings/TARGET; the script
# prints the run's figures (execs, paths, edges, crashes, hangs) and exits 1 when afl-fuzz saved a crash or hang.
# To keep a finding: copy it into fuzz/regressions/TARGET/, where tests/FastLb.Fuzz.Tests replays it on every
# test run, and replay it by hand with
#   dotnet fuzz/FastLb.Fuzz/bin/Release/net10.0/FastLb.Fuzz.dll TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

targets="request-head response-head chunked-body config request-log"
target=${1:-}
seconds=${2:-}
if [ -z "$target" ] || [ -z "$seconds" ] || ! [[ " $targets " == *" $target "* ]] || ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS   (TARGET: ${targets// /, })" >&2
  exit 2
fi

log() { printf '[fuzz] %s\n' "$*" >&2; }

# --- what it needs ---------------------------------------------------------------------------
if ! command -v afl-fuzz >/dev/null; then
  log "installing afl++"
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >&2
fi
tools=$root/fuzz/.tools
if [ ! -x "$tools/sharpfuzz" ]; then
  log "installing SharpFuzz.CommandLine 2.3.0 into fuzz/.tools"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >&2
fi

# --- build and instrument a copy -------------------------------------------------------------
out=$root/fuzz/.out
rm -rf "$out"
log "publishing fuzz/FastLb.Fuzz (Release) into fuzz/.out"
# Its own artifacts folder: a build of the solution running meanwhile (scripts/test) shares no obj or bin with it.
dotnet publish fuzz/FastLb.Fuzz -c Release -o "$out/bin" --artifacts-path "$out/artifacts" -nologo -v q -clp:ErrorsOnly >&2
for assembly in FastLb.Proxy.dll FastLb.RequestLog.dll; do
  log "instrumenting $assembly"
  "$tools/sharpfuzz" "$out/bin/$assembly" >&2
done

# --- seeds, dictionary -----------------------------------------------------------------------
seeds=$(mktemp -d /tmp/fastlb-fuzz-seeds.XXXXXX)
trap 'rm -rf "$seeds"' EXIT
cp fuzz/corpus/"$target"/* "$seeds"/
if [ -d fuzz/regressions/"$target" ]; then
  find fuzz/regressions/"$target" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$seeds"/ \;
fi
case $target in
  request-head|response-head|chunked-body) dict=fuzz/dict/http.dict ;;
  config) dict=fuzz/dict/json.dict ;;
  request-log) dict=fuzz/dict/csv.dict ;;
esac

# --- run -------------------------------------------------------------------------------------
findings=$root/fuzz/.findings/$target
rm -rf "$findings"
mkdir -p "$findings"
log "afl-fuzz on $target for $seconds s (findings: fuzz/.findings/$target)"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# -V stops after SECONDS; -t 5000: a .NET exec that takes 5 s is a hang (the first ones JIT the parser);
# -m none: the runtime reserves far more address space than afl's default limit.
# The outer timeout is a backstop in case afl-fuzz itself does not stop.
set +e
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  timeout --kill-after=10 $((seconds + 120)) \
  afl-fuzz -V "$seconds" -t 5000 -m none -i "$seeds" -o "$findings" -x "$dict" -- dotnet "$out/bin/FastLb.Fuzz.dll" "$target" \
  > "$findings/afl.log" 2>&1
rc=$?
set -e
stats=$findings/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  log "afl-fuzz exited $rc without statistics:"
  tail -n 40 "$findings/afl.log" >&2
  exit 1
fi

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "target=$target started=$started seconds=$seconds execs=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)" \
     "paths=$(stat corpus_count) edges=$(stat edges_found)/$(stat total_edges) bitmap=$(stat bitmap_cvg)" \
     "crashes=$crashes hangs=$hangs"
if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
  log "findings in fuzz/.findings/$target/default/{crashes,hangs}; replay one with:"
  log "  dotnet fuzz/FastLb.Fuzz/bin/Release/net10.0/FastLb.Fuzz.dll $target FILE"
  exit 1
fi
