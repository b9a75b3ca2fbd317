package dev.duel.bench;

import dev.duel.engine.Backend;
import dev.duel.engine.cuda.CudaAllocator;
import dev.duel.engine.cuda.CudaBackend;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.train.Trainer;
import dev.duel.gan.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A soak of the real trainer ({@link Trainer#train()}: steps, metrics.jsonl, sample grids, checkpoints
 * every 500 steps, pruning) for a long run, sampling memory every {@code steps/20} steps: the process's
 * resident set (VmRSS of /proc/self/status), the heap in use right after a full GC, and on a CUDA device
 * the caching allocator's peak bytes in use (the bytes in use now depend on where in a step the sample
 * falls; the peak does not) and bytes reserved from the driver (in use + cached; on cuda-emu the emulated
 * device memory), and the count of buffers nobody closed (returned by the garbage collector). A series is
 * <em>flat</em> when every sample after the warm-up (the first 20% of the steps) lies within 5% of the
 * first one after it: (max − min) / first ≤ 0.05.
 *
 * <p>Options: {@code model steps device} (default dcgan28 2000 cpu). Steps run as epochs of at most
 * 500 (--limit), so 10000 = 20 epochs of 500. Trainer output goes to {@code <run>/train.log} in a
 * temporary folder, deleted afterwards. One command for the four soaks of docs/reliability.md:
 * {@code bench/soak.sh}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx8g \
 *   -cp bench/target/classes:gan/target/duel-gan.jar:gan/target/lib/* \
 *   dev.duel.bench.SoakBenchmark mlp 10000 cpu
 * </pre>
 */
public final class SoakBenchmark {
  /** Tolerance of "flat": the spread of the samples after the warm-up, relative to the first of them. */
  static final double FLAT = 0.05;
  static final int SAMPLES = 20;
  static final double WARM_UP = 0.2;

  /** One memory sample at {@code step}; device fields are -1 on the CPU. */
  record Sample(long step, long rssKiB, long heapAfterGc, long devicePeak, long deviceReserved, long reclaimed, double seconds) {}

  private SoakBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = args.length > 0 ? args[0] : "dcgan28";
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    String device = args.length > 2 ? args[2] : "cpu";
    System.exit(run(model, steps, device, System.out) ? 0 : 1);
  }

  /** Runs the soak and prints its table and verdicts; true when every series is flat. */
  static boolean run(String model, int steps, String device, PrintStream out) throws Exception {
    TrainConfig cfg = new TrainConfig();
    cfg.model = model;
    cfg.device = device;
    cfg.limit = Math.min(steps, 500);
    cfg.epochs = (steps + cfg.limit - 1) / cfg.limit;
    Path dir = Files.createTempDirectory("duel-soak-");
    cfg.out = dir.toString();
    cfg.name = model;
    ImageDataset data = FashionMnist.load(null, ImageDataset.Split.TRAIN);
    long total = (long) cfg.limit * cfg.epochs;
    long every = Math.max(1, total / SAMPLES);
    out.printf(Locale.ROOT, "soak: %s on %s, %d steps (%d epochs of %d), a sample every %d steps; java %s, %d cores, max heap %d MiB%n",
        model, device, total, cfg.epochs, cfg.limit, every, Runtime.version(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<Sample> samples = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    long t0 = System.nanoTime();
    try (PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("train.log")), true, StandardCharsets.UTF_8)) {
      Trainer trainer = new Trainer(cfg, data, dir.resolve(model), log, false);
      Thread training = Thread.ofPlatform().name("soak-train").start(() -> {
        try {
          trainer.train();
        } catch (Throwable e) {
          failure[0] = e;
        }
      });
      long next = every;
      out.println("| step | s | RSS MiB | heap after GC MiB | device peak in use MiB | device reserved MiB | reclaimed |");
      out.println("|---:|---:|---:|---:|---:|---:|---:|");
      while (training.isAlive() || trainer.step() >= next) {
        long s = trainer.step();
        if (s >= next) {
          Sample x = sample(s, trainer.backend(), t0);
          samples.add(x);
          out.println(row(x));
          next = (s / every + 1) * every;
        } else {
          training.join(20);
        }
      }
      training.join();
    } finally {
      deleteTree(dir);
    }
    if (failure[0] != null) throw new IllegalStateException("the soak's training failed: " + failure[0], failure[0]);
    out.printf(Locale.ROOT, "soak: %d steps in %.0f s%n", total, (System.nanoTime() - t0) / 1e9);
    List<Sample> after = samples.stream().filter(x -> x.step() > WARM_UP * total).toList();
    boolean flat = verdict(out, "RSS", after.stream().mapToLong(Sample::rssKiB).toArray());
    flat &= verdict(out, "heap after GC", after.stream().mapToLong(Sample::heapAfterGc).toArray());
    if (after.getFirst().devicePeak() >= 0) {
      flat &= verdict(out, "device peak in use", after.stream().mapToLong(Sample::devicePeak).toArray());
      flat &= verdict(out, "device reserved", after.stream().mapToLong(Sample::deviceReserved).toArray());
      flat &= verdict(out, "buffers never closed (reclaimed by the GC)", after.stream().mapToLong(Sample::reclaimed).toArray());
      out.println("soak: buffers never closed over the whole run: " + samples.getLast().reclaimed());
    }
    out.println("soak: " + (flat ? "FLAT" : "NOT FLAT") + " within " + Math.round(FLAT * 100) + "% after the first "
        + Math.round(WARM_UP * 100) + "% of the steps (" + model + ", " + device + ")");
    return flat;
  }

  private static Sample sample(long step, Backend backend, long t0) throws IOException {
    System.gc();
    // Each heap pool's usage right after that full collection, not now: the training thread allocates meanwhile.
    long heap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) heap += p.getCollectionUsage().getUsed();
    long peak = -1, reserved = -1, reclaimed = -1;
    if (backend instanceof CudaBackend cb) {
      CudaAllocator.Stats s = cb.allocator().stats();
      peak = s.peakBytesInUse();
      reserved = s.bytesReserved();
      reclaimed = s.reclaimed();
    }
    return new Sample(step, rssKiB(), heap, peak, reserved, reclaimed, (System.nanoTime() - t0) / 1e9);
  }

  /** VmRSS of /proc/self/status, in KiB. */
  static long rssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
    }
    throw new IOException("/proc/self/status has no VmRSS line");
  }

  private static String row(Sample x) {
    return String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %s | %s | %s |", x.step(), x.seconds(), x.rssKiB() / 1024.0,
        x.heapAfterGc() / 1048576.0, mib(x.devicePeak()), mib(x.deviceReserved()), x.reclaimed() < 0 ? "-" : x.reclaimed());
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /** Prints one series' spread; true when flat. */
  static boolean verdict(PrintStream out, String name, long[] values) {
    if (values.length == 0) {
      out.println("soak: " + name + ": no sample after the warm-up");
      return false;
    }
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    for (long v : values) { min = Math.min(min, v); max = Math.max(max, v); }
    double spread = values[0] == 0 ? (max == min ? 0 : Double.POSITIVE_INFINITY) : (double) (max - min) / values[0];
    boolean flat = spread <= FLAT;
    out.printf(Locale.ROOT, "soak: %s: first %d, min %d, max %d, last %d: spread %.2f%% %s%n", name, values[0], min, max,
        values[values.length - 1], 100 * spread, flat ? "(flat)" : "(NOT flat)");
    return flat;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
