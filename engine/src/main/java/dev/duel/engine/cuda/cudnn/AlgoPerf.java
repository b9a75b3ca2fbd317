package dev.duel.engine.cuda.cudnn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of cuDNN's algorithm lists ({@code cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t}, the
 * same 48-byte layout for the three directions).
 *
 * @param algo        the algorithm's enum value in its direction
 * @param status      CUDNN_STATUS_SUCCESS when the algorithm can run this shape
 * @param timeMs      measured milliseconds (Find), or a negative number (heuristics)
 * @param memory      workspace bytes it needs
 * @param determinism {@link CudnnEnums#DETERMINISTIC} or NON_DETERMINISTIC
 * @param mathType    the math type it would run with
 */
public record AlgoPerf(int algo, int status, float timeMs, long memory, int determinism, int mathType) {

  /** struct { int algo; int status; float time; size_t memory; int determinism; int mathType; int reserved[3]; } */
  static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_INT.withName("algo"), JAVA_INT.withName("status"), JAVA_FLOAT.withName("time"),
      MemoryLayout.paddingLayout(4), JAVA_LONG.withName("memory"), JAVA_INT.withName("determinism"),
      JAVA_INT.withName("mathType"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"),
      MemoryLayout.paddingLayout(4));

  static List<AlgoPerf> read(MemorySegment array, int count) {
    List<AlgoPerf> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      MemorySegment e = array.asSlice(i * LAYOUT.byteSize(), LAYOUT.byteSize());
      out.add(new AlgoPerf(e.get(JAVA_INT, 0), e.get(JAVA_INT, 4), e.get(JAVA_FLOAT, 8), e.get(JAVA_LONG, 16),
          e.get(JAVA_INT, 24), e.get(JAVA_INT, 28)));
    }
    return List.copyOf(out);
  }

  public boolean ok() { return status == CudnnStatus.SUCCESS; }

  public boolean deterministic() { return determinism == CudnnEnums.DETERMINISTIC; }

  /** e.g. "IMPLICIT_PRECOMP_GEMM (ws 1.2 KiB, 0.031 ms, FMA_MATH)". */
  public String describe(ConvDirection direction) {
    return CudnnEnums.algoName(direction, algo) + " (ws " + bytes(memory)
        + (timeMs >= 0 ? String.format(Locale.ROOT, ", %.3f ms", timeMs) : "")
        + ", " + CudnnEnums.mathTypeName(mathType)
        + (ok() ? "" : ", " + CudnnStatus.name(status)) + ")";
  }

  static String bytes(long b) {
    if (b < 1024) return b + " B";
    if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024.0));
  }
}
