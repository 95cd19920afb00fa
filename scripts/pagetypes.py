#!/usr/bin/env python3
"""Page-type accuracy against a corpus whose truth has a `dataset` field (wcxb).

usage: scripts/pagetypes.py CORPUS_DIR PRED.jsonl
"""
import json, os, sys
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worst import load_preds

truth = json.load(open(os.path.join(sys.argv[1], "truth.json")))
preds = load_preds(sys.argv[2])
conf = Counter()
ok = 0
for tid, t in truth.items():
    p = (preds.get(tid) or {}).get("page_type")
    conf[(t.get("dataset"), p)] += 1
    ok += p == t.get("dataset")
types = sorted({k[0] for k in conf})
cols = types + ["other"]
print("%-14s" % "truth\\pred" + "".join("%8s" % c[:7] for c in cols))
for t in types:
    print("%-14s" % t + "".join("%8d" % conf[(t, c)] for c in cols))
print("accuracy %.3f (%d/%d)" % (ok / len(truth), ok, len(truth)))
