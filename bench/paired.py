#!/usr/bin/env python3
"""The paired benchmark: Duel against its peer, as two long-lived warmed-up workers driven in alternating
short bursts, so that every slow spell of a shared machine lands on both sides (docs/benchmarks.md).

  bench/paired.py step mlp:64,dcgan28:64      Duel's training step vs PyTorch's (bench/pytorch_train_step.py)
  bench/paired.py gemm NT:64x512x784,...      Duel's Sgemm vs OpenBLAS (netlib's JNI binding) on one shape
  bench/paired.py gemm reference              every GEMM shape of mlp, cgan-mlp and dcgan28 at batch 64 and 256
                                              (also inside a list: reference,NN:1024x1024x1024)
  options: --seconds S (paired time per config, default 60 for steps, 10 for GEMMs)
           --jvms J (Duel JVMs per config, alternated, default 2: a JVM whose speed differs is flagged)
           --burst-ms B (default 300)   --gap-ms G (idle time before each burst, default 20: the side that
           just ran parks its spinning threads before the other starts)   --warm S (each worker's warm-up, default 15 / 4)
           --json FILE (append one JSON line per config)   --threads T (PyTorch's, default: all cores)
           --jvm-args "ARGS" (added to every Duel JVM's command line, split on spaces; a %p in them is the JVM's
           PID, e.g. "-XX:StartFlightRecording:filename=/tmp/duel-%p.jfr")
           --thp on|off (default on: the Duel JVMs get -XX:+UseTransparentHugePages where the kernel's THP mode
           is madvise, as ./duel does; off measures without)
           --peer-malloc keep|default (steps; default keep: PyTorch runs with glibc malloc keeping freed memory,
           pytorch_train_step.py's malloc=keep, so a step does not fault its tensors' pages in again each time;
           default measures with glibc's defaults)
           --openblas-core NAME (the peers' OPENBLAS_CORETYPE, e.g. SkylakeX for OpenBLAS's AVX-512 kernels: Debian's
           0.3.21 does not know Zen 5 and picks its Haswell (AVX2) kernels there; the header names the kernels used)
           --ab "ARGS" (every second JVM also gets ARGS: an A/B of a JVM option under the same spells, reported
           as the time ratio of the two groups with its interval; use --jvms 4 or more)
           --ab-jar JAR (every second JVM runs JAR's classes instead of this checkout's: an A/B of two builds,
           e.g. an older commit built in a git worktree, under the same spells; reported like --ab)

How it works: the coordinator starts J Duel JVMs (bench/PairedWorker.java) and one peer, warms each up alone,
sizes a burst to ~B ms per side, then repeats rounds: for each Duel JVM, one burst of the peer and one of that
JVM, in alternating order. A pair's ratio is Duel's median unit time over the peer's in the adjacent burst. The
ratio reported is the geometric mean over the pairs with a 95% confidence interval (Student's t on the log
ratios), overall and per JVM. The per-JVM column gives each JVM's ratio, its median unit time and its speed
relative to the other Duel JVMs (its time over the median JVM's in the same round, geometric mean over rounds:
a slow spell lasts many seconds and reaches a whole round alike). The flag gives the spread of the relative
times (slowest over fastest) and says BIMODAL when it is over 10% and the two JVMs' 95% intervals do not
overlap (a real difference, not noise). The JSON has every burst's unit time per JVM.
Needs: ./mvnw -q -B -ntp -DskipTests package (bench/target/duel-bench.jar); for steps, Debian's python3-torch
and libopenblas0-openmp; for GEMMs, libopenblas0-openmp too (both peers load its libblas.so.3). Nothing else should
run meanwhile.
"""
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Both peers load Debian's OpenMP OpenBLAS, whichever libblas.so.3 the system's alternatives point to.
BLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def peer_env(args):
    """The peers' environment: the OpenMP OpenBLAS, and --openblas-core as OPENBLAS_CORETYPE when given."""
    env = {"LD_LIBRARY_PATH": BLAS_DIR}
    if args["openblas_core"]:
        env["OPENBLAS_CORETYPE"] = args["openblas_core"]
    return env


def openblas_core(env):
    """The kernel set OpenBLAS picks under env (openblas_get_corename) and its build: 0.3.21 predates Zen 5
    and takes it for Haswell (AVX2) unless OPENBLAS_CORETYPE says otherwise."""
    code = ("import ctypes; b = ctypes.CDLL('libblas.so.3'); b.openblas_get_corename.restype = ctypes.c_char_p; "
            "b.openblas_get_config.restype = ctypes.c_char_p; "
            "print(b.openblas_get_corename().decode() + ' kernels (' + b.openblas_get_config().decode() + ')')")
    out = subprocess.run(["/usr/bin/python3", "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
    if out.returncode != 0:
        return "unknown (%s)" % (out.stderr.strip().splitlines() or ["no output"])[-1]
    return out.stdout.strip()


def machine():
    """CPU model, family/model, vector width, cores: every figure is named with these (the CPU varies)."""
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("model name", "cpu family", "model", "flags") and key not in info:
                info[key] = value.strip()
    flags = set(info.get("flags", "").split())
    width = "AVX-512 (512-bit)" if "avx512f" in flags else "AVX2 (256-bit)" if "avx2" in flags else "SSE (128-bit)"
    return {"cpu": info.get("model name", "?"), "family": info.get("cpu family", "?"), "model": info.get("model", "?"),
            "vector": width, "cores": os.cpu_count(), "load": os.getloadavg()[0]}


def find_java():
    out = subprocess.run(["bash", "-c", '. "%s/bin/jdk25.sh" && duel_find_jdk25 && echo "$JAVA_HOME"' % ROOT],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("paired.py: " + out.stderr.strip())
    return str(Path(out.stdout.strip()) / "bin" / "java")


class Worker:
    """A worker process speaking PairedWorker's protocol: "warm S", "run N", "quit"."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.log = open(os.devnull, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     bufsize=1, env={**os.environ, **(env or {})}, cwd=ROOT)
        line = self.proc.stdout.readline().strip()
        while line.startswith("[") and self.proc.poll() is None:
            line = self.proc.stdout.readline().strip()  # the JVM's own log lines (-Xlog, JFR's start message)
        if not line.startswith("ready "):
            self.close()
            sys.exit("paired.py: worker %s did not start (%r); run it by hand: %s" % (name, line, " ".join(argv)))
        self.description = line[6:]

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        if not line.startswith("ok "):
            self.close()
            sys.exit("paired.py: worker %s answered %r to %r" % (self.name, line, command))
        return [int(v) for v in line.split()[1:]]

    def warm(self, seconds):
        units, ns = self.ask("warm %g" % seconds)
        return ns / units

    def burst(self, n):
        """N units: the median unit time in ns."""
        return self.ask("run %d" % n)[2]

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(10)
        except Exception:
            self.proc.kill()
        self.log.close()


def t_quantile(df):
    """Student's t at 0.975 (Cornish-Fisher expansion; within 0.3% of the table from 4 degrees of freedom)."""
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def interval(ratios):
    """Geometric mean of the ratios and its 95% interval."""
    logs = [math.log(r) for r in ratios]
    mean = statistics.fmean(logs)
    if len(logs) < 3:
        return math.exp(mean), float("nan"), float("nan")
    half = t_quantile(len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def huge_pages():
    """The launcher's option (./duel): huge pages for the heap where the kernel gives them on request."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return ["-XX:+UseTransparentHugePages"] if "[madvise]" in f.read() else []
    except OSError:
        return []


def paired(kind, spec, args, java, jar):
    duel_kind, peer_name = ("step", "PyTorch") if kind == "step" else ("gemm", "OpenBLAS")
    base = huge_pages() if args["thp"] == "on" else []
    # --enable-native-access as the launcher gives it: HeapAlignment finds where the packed GEMM panels sit.
    jvm = [java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
           "-Xmx3g"] + base + args["jvm_args"].split() + [
        "-cp", jar, "dev.duel.bench.PairedWorker"]
    # --ab / --ab-jar: every second JVM (duel-2, duel-4, ...) also gets these options and/or runs the other
    # build's classes, named with a "+".
    ab, ab_jar = args["ab"].split(), args["ab_jar"]

    def duel_command(j):
        second = j % 2 == 1
        classes = ab_jar if second and ab_jar else jar
        return jvm[:-3] + (ab if second else []) + ["-cp", classes, jvm[-1], duel_kind, spec]

    duels = [Worker("duel-%d%s" % (j + 1, "+" if (ab or ab_jar) and j % 2 else ""), duel_command(j))
             for j in range(args["jvms"])]
    if kind == "step":
        peer = Worker("pytorch", ["/usr/bin/python3", str(ROOT / "bench" / "pytorch_train_step.py"), "configs=" + spec,
                                  "threads=%d" % args["threads"], "worker=1", "malloc=" + args["peer_malloc"]], peer_env(args))
    else:
        peer = Worker("openblas", jvm + ["openblas", spec], peer_env(args))
    try:
        warm = args["warm"]
        for w in duels + [peer]:
            w.warm(warm)
        unit = {w.name: statistics.median(w.burst(1) for _ in range(3)) for w in duels + [peer]}
        size = {name: max(3, round(args["burst_ms"] * 1e6 / ns)) for name, ns in unit.items()}
        pairs = {w.name: [] for w in duels}
        times = {w.name: [] for w in duels + [peer]}
        start, rnd = time.monotonic(), 0
        while time.monotonic() - start < args["seconds"] or rnd < 2:
            for j, d in enumerate(duels):
                order = (peer, d) if (rnd + j) % 2 == 0 else (d, peer)
                got = {}
                for w in order:
                    time.sleep(args["gap_ms"] / 1e3)
                    got[w.name] = w.burst(size[w.name])
                pairs[d.name].append(got[d.name] / got[peer.name])
                for name, ns in got.items():
                    times[name].append(ns)
            rnd += 1
        elapsed = time.monotonic() - start
    finally:
        for w in duels + [peer]:
            w.close()
    every = [r for d in duels for r in pairs[d.name]]
    gm, lo, hi = interval(every)
    per_jvm = []
    for d in duels:
        g, l, h = interval(pairs[d.name])
        per_jvm.append({"jvm": d.name, "ratio": g, "ci": [l, h], "pairs": len(pairs[d.name]),
                        "duel_ms": statistics.median(times[d.name]) / 1e6, "burst": size[d.name], "pid": d.proc.pid})
    # Each JVM's speed relative to the others in the same round (its burst time over the round's median of
    # all Duel JVMs), as a geometric mean over the rounds: a slow spell of the machine lasts many seconds
    # and reaches a whole round alike, so it cancels, and the peer's own noise does not enter.
    rounds = min(len(times[d.name]) for d in duels)
    for p, d in zip(per_jvm, duels):
        rel, rel_lo, rel_hi = interval(
            [times[d.name][r] / statistics.median(times[e.name][r] for e in duels) for r in range(rounds)])
        p["relative"], p["relative_ci"] = rel, [rel_lo, rel_hi]
        p["unit_ms"] = [ns / 1e6 for ns in times[d.name]]
    slowest = max(per_jvm, key=lambda p: p["relative"])
    fastest = min(per_jvm, key=lambda p: p["relative"])
    spread = slowest["relative"] / fastest["relative"]
    # Bimodal: the slowest JVM more than 10% slower than the fastest, and their intervals apart (not noise).
    bimodal = spread > 1.10 and slowest["relative_ci"][0] > fastest["relative_ci"][1]
    return {"kind": kind, "spec": spec, "peer": peer_name, "peer_description": peer.description,
            "duel_description": duels[0].description, "ratio": gm, "ci": [lo, hi], "pairs": len(every),
            "peer_ms": statistics.median(times[peer.name]) / 1e6, "peer_burst": size[peer.name],
            "jvms": per_jvm, "jvm_spread": spread, "bimodal": bimodal, "seconds": elapsed,
            "ab": ab_effect(ab_label(args), duels, pairs) if args["ab"] or args["ab_jar"] else None}


def ab_label(args):
    """What the second group of JVMs got: the --ab options and/or the --ab-jar build."""
    return " ".join(part for part in (args["ab"], "classes " + args["ab_jar"] if args["ab_jar"] else "") if part)


def ab_effect(options, duels, pairs):
    """B/A: the geometric mean of the ratios of the JVMs given the options over that of the others, with a
    95% interval (Welch, on the log ratios); both groups met the same spells and the same peer."""
    logs = {group: [math.log(r) for d in duels if d.name.endswith("+") == group for r in pairs[d.name]]
            for group in (False, True)}
    a, b = logs[False], logs[True]
    diff = statistics.fmean(b) - statistics.fmean(a)
    se = math.sqrt(statistics.variance(a) / len(a) + statistics.variance(b) / len(b))
    df = max(2, min(len(a), len(b)) - 1)
    half = t_quantile(df) * se
    return {"options": options, "b_over_a": math.exp(diff), "ci": [math.exp(diff - half), math.exp(diff + half)]}


def parse(argv):
    if len(argv) < 2 or argv[0] not in ("step", "gemm"):
        sys.exit(__doc__)
    kind = argv[0]
    args = {"seconds": 60.0 if kind == "step" else 10.0, "jvms": 2, "burst_ms": 300.0, "gap_ms": 20.0,
            "warm": 15.0 if kind == "step" else 4.0, "json": "", "threads": os.cpu_count(), "jvm_args": "",
            "ab": "", "ab_jar": "", "thp": "on", "openblas_core": "", "peer_malloc": "keep"}
    rest = argv[2:]
    for i in range(0, len(rest), 2):
        key = rest[i].lstrip("-").replace("-", "_")
        if key not in args or i + 1 >= len(rest):
            sys.exit("paired.py: unknown or incomplete option %r\n%s" % (rest[i], __doc__))
        args[key] = type(args[key])(rest[i + 1])
    if args["thp"] not in ("on", "off"):
        sys.exit("paired.py: --thp is on or off, not %r" % args["thp"])
    if args["peer_malloc"] not in ("keep", "default"):
        sys.exit("paired.py: --peer-malloc is keep or default, not %r" % args["peer_malloc"])
    if (args["ab"] or args["ab_jar"]) and args["jvms"] < 2:
        sys.exit("paired.py: --ab and --ab-jar need --jvms 2 or more (every second JVM gets them)")
    if args["ab_jar"] and not os.path.isfile(args["ab_jar"]):
        sys.exit("paired.py: --ab-jar %s: no such file (give another build's bench/target/duel-bench.jar)" % args["ab_jar"])
    specs = []
    for item in argv[1].split(","):     # "reference" stands for every reference shape, also inside a list
        specs += reference_shapes() if kind == "gemm" and item == "reference" else [item]
    return kind, specs, args


def reference_shapes():
    """GemmShape.REFERENCE, read from the Java source so the two lists cannot differ."""
    src = (ROOT / "bench/src/main/java/dev/duel/bench/GemmShape.java").read_text()
    body = src.split("REFERENCE =", 1)[1].split(";", 1)[0]
    return "".join(part.split('"')[1] for part in body.split("+")).split(",")


def main():
    kind, specs, args = parse(sys.argv[1:])
    java = find_java()
    jar = "%s/bench/target/classes:%s/bench/target/duel-bench.jar" % (ROOT, ROOT)
    if not (ROOT / "bench/target/duel-bench.jar").exists():
        sys.exit("paired.py: build first: ./mvnw -q -B -ntp -DskipTests package")
    m = machine()
    print("# %s (family %s model %s), %s, %d cores; load %.2f at the start; %s; Duel JVMs %s" % (
        m["cpu"], m["family"], m["model"], m["vector"], m["cores"], m["load"], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "with huge pages (-XX:+UseTransparentHugePages)" if args["thp"] == "on" and huge_pages() else "without huge pages"))
    blas = openblas_core(peer_env(args))
    print("# the peer's OpenBLAS: %s%s%s" % (
        blas, "; OPENBLAS_CORETYPE=" + args["openblas_core"] if args["openblas_core"] else "",
        "" if kind != "step" else "; PyTorch's malloc: " + ("freed memory kept (pytorch_train_step.py's KEEP_MALLOC)"
                                                            if args["peer_malloc"] == "keep" else "glibc's defaults")))
    print("| %s | Duel / %s | 95%% interval | pairs | Duel ms | %s ms | per JVM | flag |" % (
        "config" if kind == "step" else "shape", "PyTorch" if kind == "step" else "OpenBLAS",
        "PyTorch" if kind == "step" else "OpenBLAS"))
    print("|---|---:|---|---:|---:|---:|---|---|")
    for spec in specs:
        r = paired(kind, spec, args, java, jar)
        duel_ms = statistics.median(j["duel_ms"] for j in r["jvms"])
        per = ", ".join("%.2f (%.3g ms, %.2f)" % (j["ratio"], j["duel_ms"], j["relative"]) for j in r["jvms"])
        flag = ("BIMODAL (%.0f%%)" if r["bimodal"] else "spread %.0f%%") % (100 * (r["jvm_spread"] - 1))
        print("| %s | %.2f | %.2f–%.2f | %d | %.3f | %.3f | %s | %s |" % (
            spec, r["ratio"], r["ci"][0], r["ci"][1], r["pairs"], duel_ms, r["peer_ms"], per, flag), flush=True)
        if r["ab"]:
            print("#   A/B %s: the JVMs with \"%s\" (+) take %.3f× the time of those without (95%% interval %.3f–%.3f)" % (
                spec, r["ab"]["options"], r["ab"]["b_over_a"], r["ab"]["ci"][0], r["ab"]["ci"][1]), flush=True)
        if args["json"]:
            with open(args["json"], "a") as f:
                f.write(json.dumps({**r, "machine": m, "peer_blas": blas, "load_end": os.getloadavg()[0],
                                    "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
    print("# load %.2f at the end" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
