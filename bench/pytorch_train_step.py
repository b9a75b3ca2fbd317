#!/usr/bin/env python3
"""The peer for TrainStepBenchmark, measured on the same machine in the same session: one PyTorch
training step (D update on real + fake, then G update, DESIGN.md "Reference models") per config.

Needs Debian's python3-torch and libopenblas0-openmp; PyTorch is at its best with the OpenMP OpenBLAS
(the pthread build fights its OpenMP threads, ANCHORS.md), so run it as
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch_train_step.py \
      [configs=mlp:64,mlp:256,dcgan28:64,dcgan28:128,cgan-mlp:64] [rounds=5] [threads=2]
Real Fashion-MNIST batches from data/fashion-mnist, in order; Adam 2e-4 (0.5, 0.999); DCGAN init for
dcgan28. Prints, per config, the best-round median ms/step and all round medians."""
import gzip
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

configs = (sys.argv[1] if len(sys.argv) > 1 else "mlp:64,mlp:256,dcgan28:64,dcgan28:128,cgan-mlp:64").split(",")
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
torch.set_num_threads(threads)
torch.manual_seed(42)

root = Path(__file__).resolve().parent.parent / "data" / "fashion-mnist"
with gzip.open(root / "train-images-idx3-ubyte.gz") as f:
    images = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).float().view(-1, 1, 28, 28) / 127.5 - 1
with gzip.open(root / "train-labels-idx1-ubyte.gz") as f:
    labels = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()


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
        return (lambda g: (lambda z, y: g(z)))(mlp_g()), (lambda d: (lambda x, y: d(x.reshape(x.shape[0], -1))))(mlp_d()), None
    if model == "cgan-mlp":
        g, d = Cgan(mlp_g(), 100), Cgan(mlp_d(), 784)
        return g, d, None
    g, d = dcgan_g(), dcgan_d()
    g.apply(dcgan_init)
    d.apply(dcgan_init)
    return (lambda z, y: g(z)), (lambda x, y: d(x)), (g, d)


def params(f):
    return list(f.parameters()) if isinstance(f, nn.Module) else list(f.__closure__[0].cell_contents.parameters())


for config in configs:
    model, batch = config.split(":")[0], int(config.split(":")[1])
    g, d, _ = build(model)
    opt_g = torch.optim.Adam(params(g), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(params(d), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    cursor = 0

    def step():
        global cursor
        x, y = images[cursor:cursor + batch], labels[cursor:cursor + batch]
        cursor = (cursor + batch) % (images.shape[0] - batch)
        fake = g(torch.randn(batch, 100), y)
        opt_d.zero_grad()
        loss_d = bce(d(x, y), ones) + bce(d(fake.detach(), y), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_g = bce(d(fake, y), ones)
        loss_g.backward()
        opt_g.step()

    reps = 20 if model == "dcgan28" else 200
    for _ in range(reps // 2):
        step()  # warm-up
    meds = []
    for _ in range(rounds):
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            step()
            times.append((time.perf_counter() - t) * 1e3)
        meds.append(statistics.median(times))
    print("| %s | %d | %.2f | %s |" % (model, batch, min(meds), ", ".join("%.2f" % m for m in meds)), flush=True)
