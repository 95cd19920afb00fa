#!/usr/bin/env python3
"""Error analysis: list documents worst-first, showing what leaked and what was lost.

usage: scripts/worst.py CORPUS_DIR PRED.jsonl [-n 20] [--id ID] [--dataset TYPE] [--lines 6]

For each document, lines of the prediction whose 4-shingles are mostly absent from the truth
are "LEAK", and lines of the truth mostly absent from the prediction are "LOST".
Uses the same tokenisation as shared/eval/score.py.
"""
import argparse, gzip, json, os, re, sys
from collections import Counter

TOK = re.compile(r"\w+", re.UNICODE)

def shingles(tokens, n=4):
    if not tokens:
        return Counter()
    if len(tokens) <= n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def stem(source):
    name = re.split(r"[\\/]", str(source))[-1]
    for ext in (".gz",):
        if name.endswith(ext):
            name = name[:-len(ext)]
    for ext in (".html", ".htm", ".xhtml"):
        if name.endswith(ext):
            name = name[:-len(ext)]
    return name

def load_preds(path):
    op = gzip.open if path.endswith(".gz") else open
    out = {}
    with op(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            key = r.get("id") or stem(r.get("source", ""))
            out[key] = r
    return out

def f1(t, p):
    ts, ps = shingles(TOK.findall(t)), shingles(TOK.findall(p))
    tp = sum((ts & ps).values())
    fp = sum(ps.values()) - tp
    fn = sum(ts.values()) - tp
    prec = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    rec = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f

def line_report(src, other, label, limit):
    os_ = shingles(TOK.findall(other))
    shown = 0
    for line in src.split("\n"):
        toks = TOK.findall(line)
        if not toks:
            continue
        sh = shingles(toks)
        hit = sum(min(c, os_[k]) for k, c in sh.items())
        if hit < 0.5 * sum(sh.values()):
            print("    %s %s" % (label, line[:160]))
            shown += 1
            if shown >= limit:
                print("    %s ..." % label)
                break

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("pred")
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--id")
    ap.add_argument("--dataset")
    ap.add_argument("--lines", type=int, default=6)
    a = ap.parse_args()
    truth = json.load(open(os.path.join(a.corpus, "truth.json")))
    preds = load_preds(a.pred)
    rows = []
    for tid, t in truth.items():
        if a.id and not tid.startswith(a.id):
            continue
        if a.dataset and t.get("dataset") != a.dataset:
            continue
        p = preds.get(tid, {})
        text = p.get("text", "") or ""
        prec, rec, f = f1(t.get("articleBody", ""), text)
        rows.append((f, tid, prec, rec, t, p))
    rows.sort(key=lambda r: r[0])
    for f, tid, prec, rec, t, p in rows[: a.n]:
        print("%s  F1=%.3f P=%.3f R=%.3f  type=%s pt=%s  %s" % (
            tid[:12], f, prec, rec, t.get("dataset", "-"), p.get("page_type"), t.get("url", "")[:80]))
        line_report(p.get("text", "") or "", t.get("articleBody", ""), "LEAK", a.lines)
        line_report(t.get("articleBody", ""), p.get("text", "") or "", "LOST", a.lines)

if __name__ == "__main__":
    main()
