#!/usr/bin/env python3
"""The peer for TrainStepBenchmark, measured on the same machine in the same session: one PyTorch
training step (D update on real + fake, then G update, DESIGN.md "Reference models") per config.

Needs Debian's python3-torch and libopenblas0-openmp; PyTorch is at its best with the OpenMP OpenBLAS
(the pthread build fights its OpenMP threads, ANCHORS.md), so run it as
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch_train_step.py \
      [configs] [rounds] [threads] [device]
The script restarts itself once with glibc malloc keeping freed memory (KEEP_MALLOC below) unless malloc=default.
Arguments, positional in that order or as key=value in any order (a key=value may follow positionals):
  configs=mlp:64,mlp:256,dcgan28:64,dcgan28:128,cgan-mlp:64   rounds=5   threads=2
                  (also pix2pix:64, duel's U-Net + PatchGAN on edges -> Fashion-MNIST, not in the default list)
  device=cpu      cpu (the default: everything as before) or cuda (models, data and noise on the GPU;
                  torch.cuda.synchronize() before each clock reading, so a step is timed until the GPU
                  is idle; convolutions and matmuls in strict FP32 (no TF32), as Duel computes them, and
                  cudnn.benchmark on, as Duel measures cuDNN's algorithms once per shape)
  budget_s=N      stop starting configs after N seconds, and shrink warm-up and rounds so that each
                  config fits its share of what is left (at least 3 steps a round); default: no limit
  out=FILE        append the JSON lines to FILE too (the GPU report's --out file)
  json=0          do not print the JSON lines on stdout (bench/compare.sh keeps its Markdown clean)
  data=DIR        the Fashion-MNIST folder (default: data/fashion-mnist beside bench/)
  malloc=keep     keep (the default): run with KEEP_MALLOC, so freed tensors stay in the process; default: glibc's
                  own settings, which hand blocks over 128 KiB back to the kernel, so each step faults them in again
                  (an mlp:64 step took 32-40 ms instead of 12 on the Zen 5 VM of docs/benchmarks.md, session 21)
  worker=1        one config, no timing rounds: serve bench/paired.py's protocol on stdin/stdout instead
                  (PairedWorker.java says it: "ready ...", then "warm S" / "run N" / "quit")
e.g. python3 bench/pytorch_train_step.py mlp:64,dcgan28:64 3 8 cuda budget_s=60 out=gpu-report.json
Real Fashion-MNIST batches from data/fashion-mnist, in order; Adam 2e-4 (0.5, 0.999); DCGAN init for
dcgan28. Prints, per config, the best-round median ms/step and all round medians as a Markdown row
"| model | batch | best | medians |", then the same as one JSON line
{"bench": "pytorch_train_step", "kind": "step", "device": ..., "model": ..., "batch": ..., ...}."""
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

# glibc reads its malloc settings when the process starts, so they are set by restarting once, before torch loads.
# 32 MiB is the largest mmap threshold glibc accepts; the trim threshold never lets the heap shrink.
KEEP_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "4294967296"}
if "malloc=default" not in sys.argv[1:] and any(os.environ.get(k) != v for k, v in KEEP_MALLOC.items()):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **KEEP_MALLOC})

import torch
from torch import nn

POSITIONAL = ["configs", "rounds", "threads", "device"]
opts = {"configs": "mlp:64,mlp:256,dcgan28:64,dcgan28:128,cgan-mlp:64", "rounds": "5", "threads": "2", "device": "cpu",
        "budget_s": "", "out": "", "json": "1", "data": "",
        "worker": "0", "malloc": "keep"}
for i, arg in enumerate(sys.argv[1:]):
    key, eq, value = arg.partition("=")
    if eq and key in opts:
        opts[key] = value
    elif i < len(POSITIONAL) and "=" not in arg:
        opts[POSITIONAL[i]] = arg
    else:
        sys.exit("pytorch_train_step.py: unknown argument %r (keys: %s)" % (arg, ", ".join(opts)))
if opts["malloc"] not in ("keep", "default"):
    sys.exit("pytorch_train_step.py: malloc is keep or default, not %r" % opts["malloc"])
configs = opts["configs"].split(",")
rounds = int(opts["rounds"])
threads = int(opts["threads"])
device = torch.device(opts["device"])
budget_s = float(opts["budget_s"]) if opts["budget_s"] else None
torch.set_num_threads(threads)
if device.type == "cuda":
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True


def sync():
    """Waits for the GPU (a no-op on the CPU), so the clock reads the end of the step's work."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def emit(record):
    line = json.dumps(record)
    if opts["json"] != "0":
        print(line, flush=True)
    if opts["out"]:
        with open(opts["out"], "a") as f:
            f.write(line + "\n")


torch.manual_seed(42)

root = Path(opts["data"]) if opts["data"] else Path(__file__).resolve().parent.parent / "data" / "fashion-mnist"
with gzip.open(root / "train-images-idx3-ubyte.gz") as f:
    images = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).float().view(-1, 1, 28, 28) / 127.5 - 1
with gzip.open(root / "train-labels-idx1-ubyte.gz") as f:
    labels = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
images, labels = images.to(device), labels.to(device)


def mlp_g():
    return nn.Sequential(nn.Linear(100, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(),
                         nn.Linear(512, 784), nn.Tanh())


def mlp_d():
    return nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))


class Cgan(nn.Module):
    """G's input noise·Embedding(label), D's input image·Embedding(label) (DESIGN.md cgan-mlp)."""

    def __init__(self, net, dim):
        super().__init__()
        self.net, self.emb, self.dim = net, nn.Embedding(10, dim), dim

    def forward(self, x, y):
        return self.net(x.reshape(x.shape[0], self.dim) * self.emb(y))


def dcgan_g():
    return nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
                         nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
                         nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())


def dcgan_d():
    return nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128),
                         nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1))


def dcgan_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def build(model):
    if model == "mlp":
        return ((lambda g: (lambda z, y: g(z)))(mlp_g().to(device)),
                (lambda d: (lambda x, y: d(x.reshape(x.shape[0], -1))))(mlp_d().to(device)), None)
    if model == "cgan-mlp":
        g, d = Cgan(mlp_g(), 100).to(device), Cgan(mlp_d(), 784).to(device)
        return g, d, None
    g, d = dcgan_g(), dcgan_d()
    g.apply(dcgan_init)
    d.apply(dcgan_init)
    g, d = g.to(device), d.to(device)
    return (lambda z, y: g(z)), (lambda x, y: d(x)), (g, d)


class UNet(nn.Module):
    """duel's pix2pix G (gan/models/UNet.java) at 28x28, 1 -> 1 channels: zero-padded to 32x32, depth 5, encoder
    channels w*(1, 2, 4, 8, 8); e_0 = Conv(x~), e_i = BN(Conv(LReLU(e_{i-1}))), bottleneck without norm; decoder
    d_i = [Drop](BN(ConvT(ReLU([d_{i+1}, e_i])))), dropout 0.5 where the output is at most 8x8, tanh, cropped."""

    def __init__(self, w=32, cin=1, cout=1, side=32, depth=5):
        super().__init__()
        ch = [w * min(2 ** i, 8) for i in range(depth)]
        self.depth, self.pad = depth, (side - 28) // 2
        self.down = nn.ModuleList()
        for i in range(depth):
            norm = 0 < i < depth - 1
            block = nn.Module()
            block.conv = nn.Conv2d(cin if i == 0 else ch[i - 1], ch[i], 4, 2, 1, bias=not norm)
            block.norm = nn.BatchNorm2d(ch[i]) if norm else nn.Identity()
            self.down.append(block)
        self.up = nn.ModuleList([None] * depth)
        for i in range(depth - 1, -1, -1):
            cin_i = ch[i] if i == depth - 1 else 2 * ch[i]
            out = cout if i == 0 else ch[i - 1]
            block = nn.Module()
            block.conv = nn.ConvTranspose2d(cin_i, out, 4, 2, 1, bias=(i == 0))
            block.norm = nn.BatchNorm2d(out) if i > 0 else nn.Identity()
            block.dropout = nn.Dropout(0.5) if i > 0 and (side >> i) <= 8 else nn.Identity()
            self.up[i] = block

    def forward(self, x):
        p = self.pad
        h = nn.functional.pad(x, (p, p, p, p))
        e = []
        for i, b in enumerate(self.down):
            h = b.norm(b.conv(h if i == 0 else nn.functional.leaky_relu(h, 0.2)))
            e.append(h)
        d = e[-1]
        for i in range(self.depth - 1, -1, -1):
            inp = d if i == self.depth - 1 else torch.cat([d, e[i]], 1)
            b = self.up[i]
            d = b.dropout(b.norm(b.conv(torch.relu(inp))))
        y = torch.tanh(d)
        return y[:, :, p:p + 28, p:p + 28]


def patch_gan(w=32, channels=2):
    """duel's PatchGAN (gan/models/PatchGan.java) with one strided layer (images up to 32 pixels): 12x12 logits of
    16x16 patches at 28x28."""
    return nn.Sequential(nn.Conv2d(channels, w, 4, 2, 1), nn.LeakyReLU(0.2),
                         nn.Conv2d(w, 2 * w, 4, 1, 1, bias=False), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2),
                         nn.Conv2d(2 * w, 1, 4, 1, 1))


def sobel_edges(x):
    """PairedTransforms.edges: Sobel magnitude of the [0, 1] gray image (edge pixels replicated) > 0.5 -> -1, else +1."""
    g = (x + 1) * 0.5
    gp = nn.functional.pad(g, (1, 1, 1, 1), mode="replicate")
    kx = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]], device=x.device).view(1, 1, 3, 3)
    gx, gy = nn.functional.conv2d(gp, kx), nn.functional.conv2d(gp, kx.transpose(2, 3))
    return torch.where((gx * gx + gy * gy).sqrt() > 0.5, -1.0, 1.0)


def params(f):
    return list(f.parameters()) if isinstance(f, nn.Module) else list(f.__closure__[0].cell_contents.parameters())


def serve(unit, description):
    """bench/paired.py's worker protocol (PairedWorker.java): "warm S" runs units for S seconds and answers
    "ok UNITS TOTAL_NS"; "run N" times N units one by one and answers "ok N TOTAL_NS MEDIAN_NS MIN_NS"."""
    print("ready " + description, flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            return
        if w[0] == "warm":
            t0 = time.perf_counter_ns()
            until, units = t0 + int(float(w[1]) * 1e9), 0
            while True:
                unit()
                units += 1
                if time.perf_counter_ns() >= until:
                    break
            print("ok %d %d" % (units, time.perf_counter_ns() - t0), flush=True)
        elif w[0] == "run":
            n, ns = int(w[1]), []
            start = time.perf_counter_ns()
            for _ in range(n):
                t0 = time.perf_counter_ns()
                unit()
                ns.append(time.perf_counter_ns() - t0)
            total = time.perf_counter_ns() - start
            ns.sort()
            median = ns[n // 2] if n % 2 else (ns[n // 2 - 1] + ns[n // 2]) // 2
            print("ok %d %d %d %d" % (n, total, median, ns[0]), flush=True)
        else:
            print("error unknown command %r" % line.strip(), flush=True)


if opts["worker"] == "1" and len(configs) != 1:
    sys.exit("pytorch_train_step.py: worker=1 serves one config, got %d" % len(configs))
started = time.perf_counter()
for ci, config in enumerate(configs):
    model, batch = config.split(":")[0], int(config.split(":")[1])
    share = None
    if budget_s is not None:
        left = budget_s - (time.perf_counter() - started)
        if left <= 0:
            print("| %s | %d | skipped: out of time (budget_s=%g) |" % (model, batch, budget_s), flush=True)
            emit({"bench": "pytorch_train_step", "kind": "skipped", "device": str(device), "model": model, "batch": batch,
                  "reason": "out of time (budget_s=%g)" % budget_s})
            continue
        share = left / (len(configs) - ci)
    t_config = time.perf_counter()
    if model == "pix2pix":
        g, d = UNet(), patch_gan()
        g.apply(dcgan_init)
        d.apply(dcgan_init)
        g, d = g.to(device), d.to(device)
    else:
        g, d, _ = build(model)
    opt_g = torch.optim.Adam(params(g), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(params(d), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch, 1, device=device), torch.zeros(batch, 1, device=device)
    cursor = 0

    l1 = nn.L1Loss()

    def pix2pix_step():
        """Pix2PixStep: D on [x, y] and [x, G(x).detach()], then G on BCE(D([x, G(x)]), 1) + 100 * L1; the edges of
        each batch computed inside the step, as Duel's StepRunner does."""
        global cursor
        y = images[cursor:cursor + batch]
        cursor = (cursor + batch) % (images.shape[0] - batch)
        x = sobel_edges(y)
        fake = g(x)
        opt_d.zero_grad()
        real_logits = d(torch.cat([x, y], 1))
        loss_d = bce(real_logits, torch.ones_like(real_logits)) + bce(d(torch.cat([x, fake.detach()], 1)), torch.zeros_like(real_logits))
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        fake_logits = d(torch.cat([x, fake], 1))
        loss_g = bce(fake_logits, torch.ones_like(fake_logits)) + 100 * l1(fake, y)
        loss_g.backward()
        opt_g.step()

    def step():
        global cursor
        if model == "pix2pix":
            return pix2pix_step()
        x, y = images[cursor:cursor + batch], labels[cursor:cursor + batch]
        cursor = (cursor + batch) % (images.shape[0] - batch)
        fake = g(torch.randn(batch, 100, device=device), y)
        opt_d.zero_grad()
        loss_d = bce(d(x, y), ones) + bce(d(fake.detach(), y), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_g = bce(d(fake, y), ones)
        loss_g.backward()
        opt_g.step()

    if opts["worker"] == "1":
        serve(step, "torch %s step %s threads=%d" % (torch.__version__, config, threads))
        sys.exit(0)
    reps = 20 if model == "dcgan28" else 10 if model == "pix2pix" else 200
    warm, step_s = 0, 0.0
    for _ in range(reps // 2):  # warm-up; with budget_s at least 2 steps, at most a quarter of the share
        if share is not None and warm >= 2 and time.perf_counter() - t_config > share / 4:
            break
        sync()
        t = time.perf_counter()
        step()
        sync()
        step_s = time.perf_counter() - t
        warm += 1
    if share is not None:
        fit = int((share - (time.perf_counter() - t_config)) * 0.9 / rounds / max(step_s, 1e-6))
        reps = max(3, min(reps, fit))
    meds = []
    for _ in range(rounds):
        times = []
        for _ in range(reps):
            sync()
            t = time.perf_counter()
            step()
            sync()
            times.append((time.perf_counter() - t) * 1e3)
        meds.append(statistics.median(times))
    print("| %s | %d | %.2f | %s |" % (model, batch, min(meds), ", ".join("%.2f" % m for m in meds)), flush=True)
    emit({"bench": "pytorch_train_step", "kind": "step", "device": str(device),
          "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
          "torch": torch.__version__, "threads": threads, "model": model, "batch": batch,
          "ms_best_round": min(meds), "ms_median_round": statistics.median(meds),
          "images_per_s": batch / (min(meds) / 1e3), "round_medians_ms": meds, "steps_per_round": reps,
          "rounds": rounds, "warmup_steps": warm})
