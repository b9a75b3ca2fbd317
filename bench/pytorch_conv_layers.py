#!/usr/bin/env python3
"""The peer for Conv2dCpuBenchmark, measured on the same machine: PyTorch's dcgan28 conv layers at
batch 64 (bias-free, as Conv2dCpu), forward and forward+backward with both gradients (input and weight).

Needs Debian's python3-torch and libopenblas0-openmp (apt-get install -y python3-torch libopenblas0-openmp).
Usage: python3 bench/pytorch_conv_layers.py [rounds=5] [threads=2] [clock=wall|cpu]
Prints, per layer and pass, the best-round median and all round medians in ms. clock=cpu (with
threads=1) counts the calling thread's CPU time, for a ratio that holds on a busy machine; compare
with dev.duel.bench.CpuTimeComparison."""
import statistics
import sys
import time

import torch

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
clock = time.thread_time if len(sys.argv) > 3 and sys.argv[3] == "cpu" else time.perf_counter
torch.set_num_threads(threads)
torch.manual_seed(0)

LAYERS = {
    "D_conv1": (torch.nn.Conv2d(1, 64, 4, 2, 1, bias=False), (64, 1, 28, 28)),
    "D_conv2": (torch.nn.Conv2d(64, 128, 4, 2, 1, bias=False), (64, 64, 14, 14)),
    "G_convT1": (torch.nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), (64, 128, 7, 7)),
    "G_convT2": (torch.nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), (64, 64, 14, 14)),
}


def median_ms(fn, reps):
    times = []
    for _ in range(reps):
        t = clock()
        fn()
        times.append((clock() - t) * 1e3)
    return statistics.median(times)


print("torch", torch.__version__, "threads", torch.get_num_threads(), "clock", clock.__name__)
print("| layer | pass | PyTorch ms (best-round median) | round medians |")
print("|---|---|---|---|")
for name, (layer, shape) in LAYERS.items():
    x = torch.randn(shape, requires_grad=True)
    y = layer(x)
    g = torch.randn_like(y)

    def fwd():
        layer(x)

    def fwd_bwd():
        x.grad = None
        layer.weight.grad = None
        layer(x).backward(g)

    reps = 20 if name in ("D_conv2", "G_convT1") else 200
    for fn in (fwd, fwd_bwd):
        median_ms(fn, reps // 4)  # warm-up
    for label, fn in (("forward", fwd), ("forwardBackward", fwd_bwd)):
        meds = [median_ms(fn, reps) for _ in range(rounds)]
        print("| %s | %s | %.2f | %s |" % (name, label, min(meds), ", ".join("%.2f" % m for m in meds)))
