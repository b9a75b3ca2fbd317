package dev.duel.engine.cuda;

import dev.duel.kernels.KernelSignatures;

/**
 * The kernels of Duel's fatbin that the backend launches, with their argument types and launch shapes
 * (kernels/src/main/cuda/ABI.md; KernelTableTest checks every entry against that page and the fatbin).
 *
 * <p>Each kernel's signature comes from {@link KernelSignatures}, generated from the kernels' C
 * declarations: one letter per argument in order, {@code i} int, {@code l} long long (or unsigned),
 * {@code f} float, {@code p} a device pointer, {@code s} a {@code duel_strided_t} by value (200 bytes).
 * {@link KernelArgs} refuses a launch whose arguments differ, so a Java int can never be passed where the
 * kernel reads 8 bytes. The name and the launch shape are this table's own.
 */
enum Kernel {
  COPY_STRIDED("duel_copy_strided_f32", Shape.LINEAR),
  UNARY_FWD("duel_unary_fwd_f32", Shape.LINEAR),
  UNARY_BWD("duel_unary_bwd_f32", Shape.LINEAR),
  BINARY_FWD("duel_binary_fwd_f32", Shape.LINEAR),
  BINARY_STRIDED_FWD("duel_binary_strided_fwd_f32", Shape.LINEAR),
  REDUCE_ROWS("duel_reduce_rows_f32", Shape.ROWS),
  REDUCE_COLS("duel_reduce_cols_f32", Shape.LINEAR),
  REDUCE_PARTIAL("duel_reduce_partial_f32", Shape.PARTIALS),
  REDUCE_FINAL("duel_reduce_final_f32", Shape.ONE_BLOCK),
  SGEMM("duel_sgemm_f32", Shape.SGEMM),
  IM2COL("duel_im2col_f32", Shape.LINEAR),
  COL2IM("duel_col2im_f32", Shape.LINEAR),
  BATCHNORM_FWD_TRAIN("duel_batchnorm_fwd_train_f32", Shape.ROWS),
  BATCHNORM_BWD("duel_batchnorm_bwd_f32", Shape.ROWS),
  UPSAMPLE_FWD("duel_upsample_nearest_fwd_f32", Shape.LINEAR),
  UPSAMPLE_BWD("duel_upsample_nearest_bwd_f32", Shape.LINEAR),
  EMBEDDING_GATHER("duel_embedding_gather_fwd_f32", Shape.LINEAR),
  EMBEDDING_SCATTER_ADD("duel_embedding_scatter_add_bwd_f32", Shape.LINEAR),
  RANDOM("duel_random_f32", Shape.LINEAR),
  SGD_UPDATE("duel_sgd_update_f32", Shape.LINEAR),
  ADAM_UPDATE("duel_adam_update_f32", Shape.LINEAR);

  /**
   * How a launch's grid follows from its amount of work w (ABI.md "Launch shapes"). Every kernel
   * grid-strides, so the caps only bound the grid, never the work.
   */
  enum Shape {
    /** 1-D(w): block 256, grid min(⌈w/256⌉, 65535), at least 1. */
    LINEAR,
    /** rows(w): block 256, one block per row or channel, grid min(w, 65535), at least 1. */
    ROWS,
    /** the first reduction pass: block 256, grid min(⌈w/256⌉, 1024). */
    PARTIALS,
    /** block 256, grid 1. */
    ONE_BLOCK,
    /** block 16×16, grid (⌈n/64⌉, ⌈m/64⌉, batch) given explicitly. */
    SGEMM
  }

  static final int BLOCK = 256;
  static final int MAX_GRID = 65535;
  static final int MAX_PARTIALS = 1024;

  final String symbol;
  final String signature;
  final Shape shape;

  Kernel(String symbol, Shape shape) {
    this.symbol = symbol;
    this.signature = KernelSignatures.of(symbol);
    this.shape = shape;
  }

  /** grid.x for {@code work} under this kernel's shape (not SGEMM). */
  int grid(long work) {
    long g = switch (shape) {
      case LINEAR -> Math.min((work + BLOCK - 1) / BLOCK, MAX_GRID);
      case ROWS -> Math.min(work, MAX_GRID);
      case PARTIALS -> Math.min((work + BLOCK - 1) / BLOCK, MAX_PARTIALS);
      case ONE_BLOCK -> 1;
      case SGEMM -> throw new IllegalStateException(symbol + ": the SGEMM grid is given explicitly");
    };
    return (int) Math.max(g, 1);
  }
}
