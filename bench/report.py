#!/usr/bin/env python3
"""Turns JMH JSON results (java -jar bench/target/duel-bench.jar ... -rf json -rff out.json) into the
GFLOP/s tables of docs/benchmarks.md. Usage: python3 bench/report.py out.json [more.json ...]"""
import json, sys

PEAK = 232.0  # GFLOP/s FP32, 2 cores (ANCHORS.md)
MACS = {"S1": 64 * 64 * 14 * 14 * 1 * 4 * 4, "S2": 64 * 128 * 7 * 7 * 64 * 4 * 4}
LAYER_SHAPE = {"D_conv1": "S1", "G_convT2": "S1", "D_conv2": "S2", "G_convT1": "S2"}
# PyTorch 1.13.1, batch 64, 2 threads (ANCHORS.md): forward ms, forward+backward ms
PYTORCH = {"G_convT1": (25.1, 61.1), "G_convT2": (0.44, 1.65), "D_conv1": (0.20, 2.9), "D_conv2": (4.1, 12.4)}


def ms(r):
    unit = r["primaryMetric"]["scoreUnit"]
    score = r["primaryMetric"]["score"]
    err = float(r["primaryMetric"].get("scoreError", "nan"))
    scale = {"ms/op": 1.0, "us/op": 1e-3, "s/op": 1e3, "ns/op": 1e-6}[unit]
    return score * scale, err * scale


rows = []
for path in sys.argv[1:]:
    rows += json.load(open(path))

sgemm = {}
for r in rows:
    name = r["benchmark"].split(".")[-2]
    if name in ("SgemmCpuBenchmark", "OpenBlasSgemmBenchmark"):
        n = int(r["params"]["n"])
        t, e = ms(r)
        sgemm.setdefault(n, {})[name] = (t, e, 2.0 * n ** 3 / (t * 1e-3) / 1e9)
if sgemm:
    print("| n | Duel ms | Duel GFLOP/s | OpenBLAS ms | OpenBLAS GFLOP/s | Duel / OpenBLAS | Duel % of peak |")
    print("|---|---|---|---|---|---|---|")
    for n in sorted(sgemm):
        d = sgemm[n].get("SgemmCpuBenchmark")
        o = sgemm[n].get("OpenBlasSgemmBenchmark")
        cells = [str(n)]
        cells += ["%.3f ± %.3f" % d[:2], "%.1f" % d[2]] if d else ["-", "-"]
        cells += ["%.3f ± %.3f" % o[:2], "%.1f" % o[2]] if o else ["-", "-"]
        cells.append("%.2f" % (d[2] / o[2]) if d and o else "-")
        cells.append("%.0f%%" % (100 * d[2] / PEAK) if d else "-")
        print("| " + " | ".join(cells) + " |")
    print()

conv = [r for r in rows if r["benchmark"].split(".")[-2] == "Conv2dCpuBenchmark"]
if conv:
    print("| layer | pass | Duel ms | Duel GFLOP/s | PyTorch ms (anchor) | Duel time / PyTorch time |")
    print("|---|---|---|---|---|---|")
    for r in sorted(conv, key=lambda r: (r["params"]["layer"], r["benchmark"])):
        layer = r["params"]["layer"]
        method = r["benchmark"].split(".")[-1]
        t, e = ms(r)
        calls = 1 if method == "forward" else 3
        flops = 2.0 * MACS[LAYER_SHAPE[layer]] * calls
        torch = PYTORCH[layer][0 if method == "forward" else 1]
        print("| %s | %s | %.2f ± %.2f | %.1f | %.2f | %.2f |" % (layer, method, t, e, flops / (t * 1e-3) / 1e9, torch, t / torch))
