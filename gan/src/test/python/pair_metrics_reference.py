#!/usr/bin/env python3
"""Float64 reference numbers for PairMetricsTest (run once; numbers committed in the test, not a dependency).

Independent of the Java code: the 2-D 11x11 Gaussian window (sigma 1.5) built as an outer product and
applied as a full 2-D sliding window ('valid' placement: only windows inside the image), Wang et al.
2004's SSIM with K1 0.01, K2 0.03, L = 1 on v = (x + 1)/2; PSNR per image on [0, 1], MSE floored at 1e-10;
L1 the mean |v_x - v_y|. The images are integer patterns turned into float32 exactly as the Java test does.
Needs numpy only.  Usage: python3 gan/src/test/python/pair_metrics_reference.py
"""
import numpy as np

def pattern(n, c, h, w, a, b, m):
    i = np.arange(n * c * h * w, dtype=np.int64)
    v = ((i * a + b) % m).astype(np.float64)
    return (v / (m - 1) * 2.0 - 1.0).astype(np.float32).reshape(n, c, h, w)

def ssim_plane(x, y):
    k = np.arange(11) - 5.0
    g = np.exp(-k * k / (2 * 1.5 ** 2)); g /= g.sum()
    win = np.outer(g, g)
    h, w = x.shape
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    vals = []
    for i in range(h - 10):
        for j in range(w - 10):
            px, py = x[i:i + 11, j:j + 11], y[i:i + 11, j:j + 11]
            mx, my = (win * px).sum(), (win * py).sum()
            vx = (win * px * px).sum() - mx * mx
            vy = (win * py * py).sum() - my * my
            cxy = (win * px * py).sum() - mx * my
            vals.append(((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2)))
    return float(np.mean(vals))

def metrics(x, y):
    vx, vy = (x.astype(np.float64) + 1) / 2, (y.astype(np.float64) + 1) / 2
    l1 = float(np.abs(vx - vy).mean())
    mse = ((vx - vy) ** 2).reshape(x.shape[0], -1).mean(axis=1)
    psnr = float(np.mean(10 * np.log10(1 / np.maximum(mse, 1e-10))))
    n, c = x.shape[:2]
    ssim = float(np.mean([np.mean([ssim_plane(vx[i, k], vy[i, k]) for k in range(c)]) for i in range(n)]))
    return l1, psnr, ssim

for name, shape in (("gray 2x1x28x28", (2, 1, 28, 28)), ("rgb 1x3x13x17", (1, 3, 13, 17))):
    x = pattern(*shape, 37, 11, 256)
    y = pattern(*shape, 53, 7, 97)
    # a smooth version of x mixed into y, so SSIM is far from 0
    y = (0.5 * x + 0.5 * y).astype(np.float32)
    print(name, "L1 %.15f PSNR %.15f SSIM %.15f" % metrics(x, y))
