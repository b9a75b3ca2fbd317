package dev.duel.bench;

import dev.duel.engine.Devices;
import dev.duel.engine.ProfilingBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GEMM problem as the backend issues it: C[m×n] = op(A)·op(B), op(A) m×k, op(B) k×n, row-major and
 * dense (lda, ldb, ldc the packed widths). Written {@code NT:64x512x784} (transA N, transB T, m×n×k),
 * the key {@link ProfilingBackend} prints as {@code gemm NT 64x512x784}.
 */
public record GemmShape(boolean transA, boolean transB, int m, int n, int k) implements Comparable<GemmShape> {
  private static final Pattern TEXT = Pattern.compile("([NT])([NT])[: ](\\d+)x(\\d+)x(\\d+)");

  /**
   * The distinct shapes of the linear layers of mlp, cgan-mlp and dcgan28 at batch 64 and 256 (a D
   * step and a G step each, forward and both gradients), as {@link #issuedBy} records them;
   * GemmShapeTest checks that this list is still what the steps issue. dcgan28's convolutions are
   * not here: they run as implicit GEMMs inside conv2d (Conv2dCpuBenchmark times those layers).
   */
  public static final String REFERENCE =
      "NN:256x100x128,NN:256x128x256,NN:256x1x256,NN:256x1x6272,NN:256x256x1,NN:256x256x512,NN:256x512x256,"
          + "NN:256x512x784,NN:256x6272x1,NN:256x784x512,NN:64x100x128,NN:64x128x256,NN:64x1x256,NN:64x1x6272,"
          + "NN:64x256x1,NN:64x256x512,NN:64x512x256,NN:64x512x784,NN:64x6272x1,NN:64x784x512,NT:256x128x100,"
          + "NT:256x256x128,NT:256x256x512,NT:256x512x256,NT:256x512x784,NT:256x6272x100,NT:256x784x512,NT:64x128x100,"
          + "NT:64x256x128,NT:64x256x512,NT:64x512x256,NT:64x512x784,NT:64x6272x100,NT:64x784x512,TN:128x100x256,"
          + "TN:128x100x64,TN:256x128x256,TN:256x128x64,TN:256x1x256,TN:256x1x64,TN:256x512x256,TN:256x512x64,"
          + "TN:512x256x256,TN:512x256x64,TN:512x784x256,TN:512x784x64,TN:6272x100x256,TN:6272x100x64,TN:6272x1x256,"
          + "TN:6272x1x64,TN:784x512x256,TN:784x512x64";

  public static GemmShape parse(String text) {
    Matcher mt = TEXT.matcher(text.trim());
    if (!mt.matches()) {
      throw new IllegalArgumentException("GEMM shape '" + text + "': write it as NT:64x512x784 (op(A), op(B), m x n x k)");
    }
    return new GemmShape(mt.group(1).equals("T"), mt.group(2).equals("T"), Integer.parseInt(mt.group(3)),
        Integer.parseInt(mt.group(4)), Integer.parseInt(mt.group(5)));
  }

  /** Shapes from a comma-separated list; an item "reference" stands for every shape of {@link #REFERENCE}. */
  public static List<GemmShape> parseList(String list) {
    List<GemmShape> out = new ArrayList<>();
    for (String s : list.split(",")) {
      if (s.trim().equals("reference")) out.addAll(parseList(REFERENCE));
      else out.add(parse(s));
    }
    return out;
  }

  /** The distinct GEMMs one training step of {@code config} (e.g. "mlp:64") issues, in order. */
  public static TreeSet<GemmShape> issuedBy(String config) throws Exception {
    ProfilingBackend recorder = new ProfilingBackend(Devices.get("cpu"));
    new StepRunner(config, recorder).step();
    TreeSet<GemmShape> shapes = new TreeSet<>();
    for (ProfilingBackend.Row row : recorder.rows()) {
      if (!row.op().startsWith("gemm ")) continue;
      if (row.op().contains("batch")) throw new IllegalStateException("a batched GEMM (" + row.op() + "): not a reference shape");
      shapes.add(parse(row.op().substring(5)));
    }
    return shapes;
  }

  /** Multiply-adds × 2. */
  public double flops() {
    return 2.0 * m * n * k;
  }

  public int lda() {
    return transA ? m : k;
  }

  public int ldb() {
    return transB ? k : n;
  }

  @Override
  public int compareTo(GemmShape o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s%s:%dx%dx%d", transA ? "T" : "N", transB ? "T" : "N", m, n, k);
  }
}
