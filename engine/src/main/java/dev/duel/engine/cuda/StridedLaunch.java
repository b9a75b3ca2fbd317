package dev.duel.engine.cuda;

/**
 * Launches over a {@link StridedLayout}: one {@code duel_strided_t} holds 8 dims, so a layout that is
 * still deeper after merging is cut into slices of its last 8 dims, looped over on the host.
 */
final class StridedLaunch {
  private StridedLaunch() {}

  /** dst[o1(i)] = src[o0(i)] over the layout (stride0: source, stride1: destination), on device addresses. */
  static void copy(CudaDevice device, StridedLayout l, long src, long dst, String op) {
    if (l.count() == 0) return;
    if (l.bothContiguous()) {
      device.copy(src, dst, 4 * l.count(), op);
    } else {
      forEachSlice(l, src, dst, (from, sa, da) -> device.launch(new KernelArgs(Kernel.COPY_STRIDED).p(sa).p(da)
          .s(l.encode(from)), count(l, from)));
    }
  }

  interface SliceLaunch {
    void launch(int from, long a, long b);
  }

  /**
   * Runs {@code launch} for the trailing ≤ 8 dims of {@code l} once per index of the leading dims
   * (none when rank ≤ 8), with both operands' addresses advanced to the slice.
   */
  static void forEachSlice(StridedLayout l, long a, long b, SliceLaunch launch) {
    int lead = Math.max(0, l.rank() - 8);
    if (lead == 0) {
      launch.launch(0, a, b);
      return;
    }
    int[] idx = new int[lead];
    while (true) {
      long oa = a, ob = b;
      for (int d = 0; d < lead; d++) {
        oa += 4 * idx[d] * l.stride0()[d];
        ob += 4 * idx[d] * l.stride1()[d];
      }
      launch.launch(lead, oa, ob);
      int d = lead - 1;
      while (d >= 0 && ++idx[d] == l.shape()[d]) idx[d--] = 0;
      if (d < 0) return;
    }
  }

  static long count(StridedLayout l, int from) {
    long n = 1;
    for (int d = from; d < l.rank(); d++) n *= l.shape()[d];
    return n;
  }
}
