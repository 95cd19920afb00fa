#!/usr/bin/env bash
# Builds a release binary, extracts every corpus under ../shared/corpus/, and prints the scores.
#   scripts/eval.sh            print shingle F1 (and snippet scores where the corpus has cases)
#   scripts/eval.sh --check    also fail when a score is more than 0.005 below eval/baseline.json
#   scripts/eval.sh --record   rewrite eval/baseline.json with the scores of this run
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
shared="${SHARED:-$(pwd)/../shared}"
corpora="$shared/corpus"
scorer="$shared/eval/score.py"
if [ ! -d "$corpora" ] || [ ! -f "$scorer" ]; then
  echo "eval: no corpora at $corpora (set SHARED=...)" >&2
  exit 2
fi
# EVAL_PROFILE=debug reuses the test build (CI does, to save a release build); the scores
# are the same, only slower to compute.
if [ "${EVAL_PROFILE:-release}" = debug ]; then
  cargo build --quiet
  bin=./target/debug/dehusk
else
  cargo build --release --quiet
  bin=./target/release/dehusk
fi
out="${EVAL_OUT:-target/eval}"
mkdir -p "$out"
summary="$out/summary.json"
echo "{" > "$summary"
first=1
for dir in "$corpora"/*/; do
  name=$(basename "$dir")
  [ -d "$dir/html" ] || continue
  pred="$out/$name.jsonl"
  start=$(date +%s%N)
  "$bin" extract --quiet "$dir/html" > "$pred" || [ $? -eq 1 ]
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  n=$(ls "$dir/html" | wc -l)
  echo "== $name: $n pages in ${ms} ms"
  python3 "$scorer" "$dir" "$pred" --n-bootstrap 0 --json "$out/$name.score.json" | tail -n 1
  f1=$(python3 -c "import json;d=json.load(open('$out/$name.score.json'));s=list(d['systems'].values())[0]['groups']['all'];print('%.4f %.4f %.4f'%(s['f1'],s['precision'],s['recall']))")
  snip=""
  if [ -f "$dir/cases.json" ]; then
    python3 "$scorer" "$dir" "$pred" --snippets --json "$out/$name.snip.json" | tail -n 1
    python3 "$scorer" "$dir" "$pred" --by-dataset --n-bootstrap 0 | tail -n +3
    snip=$(python3 -c "import json;d=json.load(open('$out/$name.snip.json'));print('%.4f'%list(d['systems'].values())[0]['groups']['all']['doc_score'])")
  fi
  set -- $f1
  [ $first -eq 1 ] || echo "," >> "$summary"
  first=0
  printf '  "%s": {"f1": %s, "precision": %s, "recall": %s%s}' "$name" "$1" "$2" "$3" \
    "${snip:+, \"snippets\": $snip}" >> "$summary"
done
printf '\n}\n' >> "$summary"
case "$mode" in
  --record)
    cp "$summary" eval/baseline.json
    echo "recorded eval/baseline.json"
    ;;
  --check)
    python3 - "$summary" eval/baseline.json <<'PY'
import json, sys
now, base = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
for corpus, scores in base.items():
    for k, v in scores.items():
        if k not in ("f1", "snippets"):
            continue
        got = now.get(corpus, {}).get(k)
        if got is None or got < v - 0.005:
            bad.append("%s %s: %s < recorded %.4f - 0.005" % (corpus, k, got, v))
        else:
            print("ok %s %s: %.4f (recorded %.4f)" % (corpus, k, got, v))
if bad:
    print("REGRESSION:\n  " + "\n  ".join(bad))
    sys.exit(1)
PY
    ;;
esac
