#!/usr/bin/env python3
"""Writes the committed seed corpora of the Jazzer fuzz targets (docs/reliability.md): valid files plus a
few edge cases per parser. Run from the repository root: python3 bin/fuzz-seeds.py (idempotent)."""
import gzip, json, os, struct, zlib

NN = "nn/src/test/resources/dev/duel/nn/state"
GAN_DATA = "gan/src/test/resources/dev/duel/gan/data"
GAN_METRICS = "gan/src/test/resources/dev/duel/gan/metrics"
GAN_TRAIN = "gan/src/test/resources/dev/duel/gan/train"


def put(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- JSON --------------------------------------------------------------------------------------
CONFIG = {"model": "mlp", "latent": 100, "width": 0, "loss": "non-saturating", "label-smoothing": 0.0,
          "instance-noise": 0.0, "instance-noise-steps": 0, "feature-matching": False, "spectral-norm": False,
          "d-norm": "none", "minibatch-stddev": False, "r1": 0.0, "gp": 10.0, "clip": 0.01, "d-steps": 1,
          "lr-g": 2.0e-4, "lr-d": 2.0e-4, "beta1": 0.5, "beta2": 0.999, "ema-decay": 0.0, "epochs": 1,
          "batch": 64, "seed": 1, "device": "cpu", "data": "", "limit": 4, "out": "runs", "name": "m",
          "sample-every": 0, "checkpoint-every": 2, "keep-checkpoints": 3, "fid-every": 0, "fid-samples": 10000}
STATE = {"format": "duel-checkpoint-1", "step": 2, "epoch": 1, "steps_per_epoch": 4,
         "rng": {"init": {"seed": 1, "offset": 556005}, "train": {"seed": 974635540623272249, "offset": 3200}},
         "data": {"epoch": 0, "position": 128}, "config": CONFIG, "written": "2026-12-05T06:57:21.609998949Z",
         "files": {}}
J = NN + "/JsonFuzzTestInputs/parse"
put(J, "state.json", json.dumps(STATE, indent=2))
put(J, "config.json", json.dumps({"model": "dcgan28", "lr-d": 4e-4, "epochs": 20}))
put(J, "metrics-line.json", '{"step":1,"epoch":1,"d_loss":1.3850627,"g_loss":0.6933285,"ms_per_step":978.595}')
put(J, "numbers.json", '[0,-0,-0.0,1e308,-1e-320,9223372036854775807,-9223372036854775808,99999999999999999999,1.5E+3]')
put(J, "strings.json", '["\\u00e9\\ud83d\\ude00","tab\\tnew\\nline","\\/\\\\\\"","日本"]')
put(J, "deep.json", "[" * 256 + "]" * 256)
put(J, "too-deep.json", "[" * 257 + "]" * 257)
put(J, "lone-surrogate.json", '"\\ud800"')
put(J, "trailing-comma.json", '{"a":1,}')
put(J, "duplicate-key.json", '{"a":1,"a":2}')
put(J, "empty.json", "")

# ---- safetensors ---------------------------------------------------------------------------------
def safetensors(tensors, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, off, data = {}, 0, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

S = NN + "/SafetensorsFuzzTestInputs/read"
f32 = lambda *v: struct.pack("<%df" % len(v), *v)
put(S, "linear.safetensors", safetensors([("0.weight", "F32", [2, 3], f32(1, 2, 3, 4, 5, 6)), ("0.bias", "F32", [2], f32(-1, 0.5))]))
put(S, "dtypes.safetensors", safetensors([
    ("a", "F16", [2], struct.pack("<2e", 1.5, -2.0)), ("b", "BF16", [1], b"\x80\x3f"), ("c", "F64", [1], struct.pack("<d", 3.25)),
    ("d", "I64", [], struct.pack("<q", 7)), ("e", "U8", [3], b"\x00\x7f\xff"), ("f", "BOOL", [2], b"\x00\x01"),
    ("g", "I32", [1], struct.pack("<i", -5)), ("h", "U16", [1], struct.pack("<H", 65535))], metadata={"format": "pt"}))
put(S, "scalar-and-empty.safetensors", safetensors([("s", "F32", [], f32(2.0)), ("z", "F32", [0, 5], b"")]))
put(S, "no-tensors.safetensors", safetensors([], metadata={}))
put(S, "truncated.safetensors", safetensors([("w", "F32", [4], f32(1, 2, 3, 4))])[:-3])
put(S, "header-too-long.safetensors", struct.pack("<Q", 1 << 62) + b"{}")
put(S, "float8.safetensors", safetensors([("q", "F8_E4M3", [1], b"\x01")]))
put(S, "huge-shape.safetensors", safetensors([("w", "F32", [65536, 65536], b"")]))
put(S, "overlap.safetensors", struct.pack("<Q", 96) + json.dumps({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
    "b": {"dtype": "U8", "shape": [2], "data_offsets": [1, 3]}}, separators=(",", ":")).encode().ljust(96) + b"xyz")

# ---- IDX -------------------------------------------------------------------------------------------
def idx(dims, data, dtype=8):
    return bytes([0, 0, dtype, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + data

images = idx([2, 3, 3], bytes(range(18)))
labels = idx([4], bytes([0, 9, 3, 1]))
for folder in (GAN_DATA + "/IdxFileFuzzTestInputs/raw",):
    put(folder, "images.idx", images)
    put(folder, "labels.idx", labels)
    put(folder, "empty-set.idx", idx([0, 28, 28], b""))
    put(folder, "truncated.idx", images[:-1])
    put(folder, "trailing.idx", images + b"\x00")
    put(folder, "float-dtype.idx", idx([1], b"\x00\x00\x80\x3f", dtype=0x0D))
    put(folder, "huge-header.idx", idx([1 << 20, 1 << 20], b"\x00" * 16))
    put(folder, "bad-magic.idx", b"\x08\x03\x00\x00" + images[4:])
G = GAN_DATA + "/IdxFileFuzzTestInputs/gzip"
# The gzip target's first byte picks how the rest is used: even = an IDX file that the target gzips itself,
# odd = the bytes of a .gz file as they are (docs in IdxFileFuzzTest).
put(G, "images-compressed-by-target", b"\x00" + images)
put(G, "labels-compressed-by-target", b"\x00" + labels)
put(G, "images.gz", b"\x01" + gzip.compress(images, mtime=0))
put(G, "labels.gz", b"\x01" + gzip.compress(labels, mtime=0))
put(G, "truncated.gz", b"\x01" + gzip.compress(images, mtime=0)[:-6])
put(G, "two-members.gz", b"\x01" + gzip.compress(images[:10], mtime=0) + gzip.compress(images[10:], mtime=0))
# 64 KiB of zeros declared as 2^20 x 28 x 28: the shape of the 800 KB zip bomb, in small.
put(G, "declares-800-mb.gz", b"\x01" + gzip.compress(idx([1 << 20, 28, 28], b"\x00" * 65536), mtime=0))

# ---- PNG -------------------------------------------------------------------------------------------
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png(w, h, color_type, bit_depth, rows, palette=None, extra=b""):
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    return out + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

P = GAN_METRICS + "/PngFolderFuzzTestInputs/read"
put(P, "gray8.png", png(28, 28, 0, 8, [bytes((x * 9 + y) & 0xFF for x in range(28)) for y in range(28)]))
put(P, "gray16.png", png(28, 28, 0, 16, [bytes(range(56)) for _ in range(28)]))
put(P, "gray1.png", png(28, 28, 0, 1, [b"\xaa\x55\xaa\x50" for _ in range(28)]))
put(P, "rgb-gray.png", png(28, 28, 2, 8, [bytes(v for x in range(28) for v in (x, x, x)) for _ in range(28)]))
put(P, "rgb-colour.png", png(28, 28, 2, 8, [bytes(v for x in range(28) for v in (x, 0, 255)) for _ in range(28)]))
put(P, "palette.png", png(28, 28, 3, 8, [bytes([x % 2 for x in range(28)]) for _ in range(28)], palette=b"\x00\x00\x00\xff\xff\xff"))
put(P, "gray-alpha.png", png(28, 28, 4, 8, [bytes(v for x in range(28) for v in (x, 255)) for _ in range(28)]))
put(P, "wrong-size.png", png(3, 2, 0, 8, [b"\x00\x01\x02", b"\x03\x04\x05"]))
put(P, "huge-size.png", png(1 << 30, 1 << 30, 0, 8, [b""]))
put(P, "truncated.png", png(28, 28, 0, 8, [bytes(28) for _ in range(28)])[:60])
put(P, "ztxt.png", png(28, 28, 0, 8, [bytes(28) for _ in range(28)],
    extra=chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"\x00" * 4096))))
put(P, "not-png.png", b"GIF89a")

# ---- saved TrainConfig (state.json as the resume reads it) ------------------------------------------
T = GAN_TRAIN + "/SavedConfigFuzzTestInputs/read"
put(T, "state-mlp.json", json.dumps(STATE, indent=2))
dc = dict(CONFIG, model="dcgan28", **{"d-norm": "batch", "lr-d": 4e-4, "ema-decay": 0.999})
put(T, "state-dcgan28.json", json.dumps(dict(STATE, config=dc)))
old = {k: v for k, v in CONFIG.items() if k not in ("d-norm", "instance-noise-steps")}
put(T, "state-before-d-norm.json", json.dumps(dict(STATE, config=old)))
put(T, "unknown-option.json", json.dumps(dict(STATE, config=dict(CONFIG, **{"lr": 1}))))
put(T, "bad-types.json", json.dumps(dict(STATE, config=dict(CONFIG, batch=1.5, epochs="3"))))
put(T, "out-of-range.json", json.dumps(dict(STATE, config=dict(CONFIG, batch=0, beta1=1.0, epochs=2**40))))
put(T, "bad-format.json", json.dumps(dict(STATE, format="duel-checkpoint-0")))
put(T, "lists-a-file.json", json.dumps(dict(STATE, files={"g.safetensors": "00"})))
put(T, "not-utf8.json", b'{"format":"\xff"}')
