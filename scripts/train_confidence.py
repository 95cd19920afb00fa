#!/usr/bin/env python3
"""Fits the confidence model and reports how well confidence tracks extraction quality.

usage: dehusk features CORPUS/html > C.feat.jsonl; dehusk extract CORPUS/html > C.jsonl
       scripts/train_confidence.py C.feat.jsonl:C.jsonl:CORPUS [...]

Label: the document's shingle F1 (scorer's definition) is at least 0.8. Prints 5-fold CV
AUC, the Pearson correlation of the fitted confidence with per-document F1, the F1 of the
lowest-confidence decile, and the weights for src/extract/confidence.rs. Needs numpy.
"""
import json, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worst import f1, load_preds, stem

C, F1 = [], []
for arg in sys.argv[1:]:
    feat, pred, corpus = arg.split(":")
    truth = json.load(open(os.path.join(corpus, "truth.json")))
    preds = load_preds(pred)
    for line in open(feat):
        r = json.loads(line)
        k = stem(r["source"])
        text = (preds.get(k) or {}).get("text", "") or ""
        body = truth[k].get("articleBody", "")
        if not body:
            continue
        C.append(r["c"]); F1.append(f1(body, text)[2])
X = np.array(C); F = np.array(F1); Y = (F >= 0.8).astype(float)
n, d = X.shape

def fit(X, Y, lam=0.001, iters=5000, lr=0.3):
    w = np.zeros(d); b = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        g = p - Y
        w -= lr * (X.T @ g / len(Y) + lam * w); b -= lr * g.mean()
    return w, b

def auc(s, y):
    order = np.argsort(s); ranks = np.empty(len(s)); ranks[order] = np.arange(1, len(s) + 1)
    pos = y == 1
    return (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())

rng = np.random.default_rng(0); idx = rng.permutation(n); aucs = []
for f in np.array_split(idx, 5):
    tr = np.setdiff1d(idx, f); w, b = fit(X[tr], Y[tr])
    aucs.append(auc(X[f] @ w + b, Y[f]))
w, b = fit(X, Y)
p = 1 / (1 + np.exp(-(X @ w + b)))
print("docs %d, share with F1>=0.8: %.3f" % (n, Y.mean()), file=sys.stderr)
print("5-fold CV AUC: %.3f" % np.mean(aucs), file=sys.stderr)
print("Pearson r(confidence, F1): %.3f" % np.corrcoef(p, F)[0, 1], file=sys.stderr)
dec = np.argsort(p)
k = max(1, n // 10)
print("mean F1, lowest-confidence decile: %.3f; highest decile: %.3f; all: %.3f" % (F[dec[:k]].mean(), F[dec[-k:]].mean(), F.mean()), file=sys.stderr)
print("const WEIGHTS: [f32; %d] = [%s];" % (d, ", ".join("%.4f" % x for x in w)))
print("const BIAS: f32 = %.4f;" % b)
