#!/usr/bin/env python3
"""Draws the hand-made sketches of README.md and docs/image-to-image.md: a T-shirt and a sneaker, outlines
only, as a person would draw them in a paint program (black strokes on white paper), at 112x112 pixels
(4x the model's 28x28; `duel translate` shrinks them by area averaging). Python's standard library only.

Each stroke is a polyline in the 28x28 coordinates of a Fashion-MNIST item, scaled by 4 and drawn with a
round pen of radius 3.5 px (a pixel is ink when its centre lies within 3.5 px of a segment).
Usage: python3 docs/img/draw_sketches.py   (writes docs/img/sketch-shirt.png and docs/img/sketch-sneaker.png)
"""
import os, struct, zlib

SIZE, SCALE, RADIUS = 112, 4, 3.5

SHIRT = [  # neck, shoulders, sleeves, body: one closed outline
    [(10, 2), (12, 4), (14, 5), (16, 4), (18, 2), (24, 4), (27, 12), (22, 14), (21, 11), (21, 27),
     (7, 27), (7, 11), (6, 14), (1, 12), (4, 4), (10, 2)],
]
SNEAKER = [  # upper, toe, heel; the sole; three laces
    [(1, 13), (5, 10), (9, 11), (13, 10), (17, 14), (22, 16), (27, 18), (27, 22), (1, 22), (1, 13)],
    [(1, 19), (27, 19)],
    [(9, 13), (11, 12)], [(12, 14), (14, 13)], [(15, 16), (17, 15)],
]


def dist2(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy


def draw(strokes):
    segs = [((x0 * SCALE, y0 * SCALE), (x1 * SCALE, y1 * SCALE))
            for line in strokes for (x0, y0), (x1, y1) in zip(line, line[1:])]
    rows = []
    for y in range(SIZE):
        row = bytearray([0])  # filter byte: None
        for x in range(SIZE):
            ink = any(dist2(x + 0.5, y + 0.5, a, b) <= RADIUS * RADIUS for a, b in segs)
            row.append(0 if ink else 255)
        rows.append(bytes(row))
    return b"".join(rows)


def png(path, raw):
    def chunk(t, body):
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 0, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


here = os.path.dirname(os.path.abspath(__file__))
png(os.path.join(here, "sketch-shirt.png"), draw(SHIRT))
png(os.path.join(here, "sketch-sneaker.png"), draw(SNEAKER))
