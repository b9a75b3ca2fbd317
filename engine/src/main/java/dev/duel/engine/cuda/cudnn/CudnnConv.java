package dev.duel.engine.cuda.cudnn;

import dev.duel.engine.ConvShape;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * 2-D convolutions through cuDNN with the semantics of {@code dev.duel.engine.Backend#conv2d*}:
 * cross-correlation, NCHW, weights K×C×R×S, dilation 1, FP32, and every output overwritten
 * (alpha = 1, beta = 0: cuDNN never reads the old output, so garbage or NaN there is harmless).
 *
 * <pre>
 *   forward         y[n,k,p,q]  = Σ_{c,r,s} x[n,c,p·sh+r−ph, q·sw+s−pw] · w[k,c,r,s]
 *   backwardData    gx = ∂/∂x Σ gy·conv2d(x, w)     (also conv_transpose2d's forward)
 *   backwardFilter  gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,p·sh+r−ph, q·sw+s−pw]
 * </pre>
 *
 * Per {@link ConvShape} it creates the descriptors once and chooses one algorithm per direction on
 * first use (heuristic or measured, see {@link CudnnConvOptions}); later calls reuse both. Workspace
 * comes from the caller's {@link WorkspaceProvider}, asked only when the chosen algorithm needs it
 * (see its contract). All pointers are device addresses that must stay valid until the
 * handle's stream has run the work. Not thread-safe: one instance per {@link CudnnHandle}, used from
 * that handle's thread. Close it before the {@link Cudnn} it uses.
 */
public final class CudnnConv implements AutoCloseable {

  /** Shapes kept before the least recently used one's descriptors are destroyed. */
  static final int MAX_CACHED_SHAPES = 256;

  private final CudnnHandle handle;
  private final Cudnn cudnn;
  private final CudnnConvOptions options;
  private final LinkedHashMap<ConvShape, ConvPlan> plans = new LinkedHashMap<>(16, 0.75f, true);

  public CudnnConv(CudnnHandle handle, CudnnConvOptions options) {
    this.handle = handle;
    this.cudnn = handle.cudnn();
    this.options = options;
  }

  public CudnnConvOptions options() { return options; }

  /** y (N×K×P×Q) = conv2d(x (N×C×H×W), w (K×C×R×S)). */
  public void forward(ConvShape s, long x, long w, long y, WorkspaceProvider workspace) {
    run(ConvDirection.FORWARD, s, x, w, y, workspace);
  }

  /** gx (N×C×H×W) from gy (N×K×P×Q) and w (K×C×R×S). */
  public void backwardData(ConvShape s, long gy, long w, long gx, WorkspaceProvider workspace) {
    run(ConvDirection.BACKWARD_DATA, s, gy, w, gx, workspace);
  }

  /** gw (K×C×R×S) from x (N×C×H×W) and gy (N×K×P×Q). With N = 0, gw is zeroed. */
  public void backwardFilter(ConvShape s, long x, long gy, long gw, WorkspaceProvider workspace) {
    run(ConvDirection.BACKWARD_FILTER, s, x, gy, gw, workspace);
  }

  /** The algorithm chosen for a shape and direction, once that direction has run. */
  public Optional<AlgoPerf> chosen(ConvShape s, ConvDirection dir) {
    ConvPlan plan = plans.get(s);
    return plan == null || plan.choice(dir) == null ? Optional.empty() : Optional.of(plan.choice(dir).perf());
  }

  /** One log line: the shape and the algorithm of each direction chosen so far. */
  public String describe(ConvShape s) {
    ConvPlan plan = plans.get(s);
    String dirs = plan == null ? "not run yet" : java.util.Arrays.stream(ConvDirection.values())
        .filter(d -> plan.choice(d) != null)
        .map(d -> d.name().toLowerCase(java.util.Locale.ROOT) + " " + plan.choice(d).perf().describe(d))
        .collect(Collectors.joining(", "));
    return "cudnn conv " + s + ": " + dirs;
  }

  /** How many shapes have cached descriptors. */
  public int cachedShapes() { return plans.size(); }

  // Forward: a = x, b = w, out = y. Backward data: a = gy, b = w, out = gx. Backward filter: a = x, b = gy, out = gw.
  private void run(ConvDirection dir, ConvShape s, long a, long b, long out, WorkspaceProvider workspace) {
    if (s.n() == 0) {   // an empty batch: nothing to compute, but the filter gradient is a sum over it: 0
      if (dir == ConvDirection.BACKWARD_FILTER) zeroFilter(s, out);
      return;
    }
    ConvPlan plan = plan(s);
    long wsAddress = 0;
    long wsBytes = 0;
    ConvPlan.Choice choice = plan.choice(dir);
    if (choice == null) {
      long[] found = new long[2];   // the workspace Find ran with, reused below
      choice = choose(plan, dir, a, b, out, workspace, found);
      plan.choose(dir, choice);
      wsAddress = found[0];
      wsBytes = found[1];
    }
    long need = choice.workspaceBytes();
    if (need > wsBytes) {
      wsAddress = workspace.address(need);
      wsBytes = need;
    }
    int algo = choice.perf().algo();
    long h = handle.address();
    switch (dir) {
      case FORWARD -> cudnn.convolutionForward(h, 1f, plan.xDesc, a, plan.wDesc, b, plan.convDesc, algo,
          wsAddress, wsBytes, 0f, plan.yDesc, out);
      case BACKWARD_DATA -> cudnn.convolutionBackwardData(h, 1f, plan.wDesc, b, plan.yDesc, a, plan.convDesc, algo,
          wsAddress, wsBytes, 0f, plan.xDesc, out);
      case BACKWARD_FILTER -> cudnn.convolutionBackwardFilter(h, 1f, plan.xDesc, a, plan.yDesc, b, plan.convDesc,
          algo, wsAddress, wsBytes, 0f, plan.wDesc, out);
    }
  }

  private ConvPlan plan(ConvShape s) {
    ConvPlan plan = plans.get(s);
    if (plan != null) return plan;
    plan = new ConvPlan(cudnn, s, options.mathType());
    plans.put(s, plan);
    if (plans.size() > MAX_CACHED_SHAPES) {
      Iterator<Map.Entry<ConvShape, ConvPlan>> eldest = plans.entrySet().iterator();
      eldest.next().getValue().close();
      eldest.remove();
    }
    return plan;
  }

  /**
   * Picks the algorithm for one direction. Heuristic: the first of cuDNN's ranking that the options
   * accept. Measured: cudnnFind*AlgorithmEx on the call's own buffers with a workspace as large as the
   * largest acceptable candidate needs (its address and size are left in found[0], found[1]), then the
   * fastest accepted result; the heuristic pick if none is.
   */
  private ConvPlan.Choice choose(ConvPlan plan, ConvDirection dir, long a, long b, long out,
                                 WorkspaceProvider workspace, long[] found) {
    long h = handle.address();
    long[] d = plan.descriptors(dir);
    List<AlgoPerf> ranked = cudnn.getConvolutionAlgorithm(dir, h, d[0], d[1], d[2], d[3]);
    if (options.search() == CudnnConvOptions.AlgoSearch.MEASURED) {
      long bytes = ranked.stream().filter(p -> options.accepts(p, false)).mapToLong(AlgoPerf::memory).max().orElse(0);
      long address = bytes > 0 ? workspace.address(bytes) : 0;
      found[0] = address;
      found[1] = bytes;
      List<AlgoPerf> measured = switch (dir) {
        case FORWARD -> cudnn.findConvolutionAlgorithmEx(dir, h, plan.xDesc, a, plan.wDesc, b, plan.convDesc,
            plan.yDesc, out, address, bytes);
        case BACKWARD_DATA -> cudnn.findConvolutionAlgorithmEx(dir, h, plan.wDesc, b, plan.yDesc, a, plan.convDesc,
            plan.xDesc, out, address, bytes);
        case BACKWARD_FILTER -> cudnn.findConvolutionAlgorithmEx(dir, h, plan.xDesc, a, plan.yDesc, b, plan.convDesc,
            plan.wDesc, out, address, bytes);
      };
      ConvPlan.Choice c = firstUsable(plan, dir, measured.stream().filter(p -> p.memory() <= bytes).toList());
      if (c != null) return c;
    }
    ConvPlan.Choice c = firstUsable(plan, dir, ranked);
    if (c != null) return c;
    throw new CudnnException("CudnnConv: choosing a " + dir + " algorithm", CudnnStatus.NOT_SUPPORTED,
        "no algorithm cuDNN offers fits " + options + " for " + plan.shape + "; cuDNN offered: "
            + ranked.stream().map(p -> p.describe(dir)).collect(Collectors.joining(", ")));
  }

  /** The first entry the options accept (strict math first), with cuDNN's authoritative workspace size. */
  private ConvPlan.Choice firstUsable(ConvPlan plan, ConvDirection dir, List<AlgoPerf> list) {
    for (boolean strict : new boolean[] {true, false}) {
      for (AlgoPerf p : list) {
        if (!options.accepts(p, strict)) continue;
        long[] d = plan.descriptors(dir);
        long bytes = cudnn.getConvolutionWorkspaceSize(dir, handle.address(), d[0], d[1], d[2], d[3], p.algo());
        if (bytes <= options.workspaceLimitBytes()) return new ConvPlan.Choice(p, bytes);
      }
    }
    return null;
  }

  /** gw = 0 through a K×C×R×S tensor view of the filter (an empty batch contributes nothing). */
  private void zeroFilter(ConvShape s, long gw) {
    long desc = cudnn.createTensorDescriptor();
    try {
      cudnn.setTensor4dDescriptor(desc, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, s.k(), s.c(), s.r(), s.s());
      cudnn.setTensor(handle.address(), desc, gw, 0f);
    } finally {
      cudnn.destroyTensorDescriptor(desc);
    }
  }

  /** Destroys every cached descriptor (skipped when the library is already closed). */
  @Override
  public void close() {
    if (cudnn.isAvailable()) plans.values().forEach(ConvPlan::close);
    plans.clear();
  }
}
