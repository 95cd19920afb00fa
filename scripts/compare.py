#!/usr/bin/env python3
"""Compare two prediction files document by document: which documents got better or worse.

usage: scripts/compare.py CORPUS_DIR OLD.jsonl NEW.jsonl [-n 15]
"""
import argparse, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worst import load_preds, f1

ap = argparse.ArgumentParser()
ap.add_argument("corpus"); ap.add_argument("old"); ap.add_argument("new")
ap.add_argument("-n", type=int, default=15)
a = ap.parse_args()
truth = json.load(open(os.path.join(a.corpus, "truth.json")))
old, new = load_preds(a.old), load_preds(a.new)
rows = []
for tid, t in truth.items():
    fo = f1(t.get("articleBody", ""), (old.get(tid) or {}).get("text", "") or "")[2]
    fn = f1(t.get("articleBody", ""), (new.get(tid) or {}).get("text", "") or "")[2]
    if abs(fn - fo) > 1e-9:
        rows.append((fn - fo, tid, fo, fn, t.get("dataset", "-")))
rows.sort()
print("worse:")
for d, tid, fo, fn, ds in rows[: a.n]:
    if d < 0: print("  %+.3f %s %.3f -> %.3f %s" % (d, tid, fo, fn, ds))
print("better:")
for d, tid, fo, fn, ds in rows[::-1][: a.n]:
    if d > 0: print("  %+.3f %s %.3f -> %.3f %s" % (d, tid, fo, fn, ds))
print("changed %d, net %+.4f per doc" % (len(rows), sum(r[0] for r in rows) / max(1, len(truth))))
