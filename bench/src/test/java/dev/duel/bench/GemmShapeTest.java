package dev.duel.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.cpu.CpuReference;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/** The reference GEMM shapes are what the steps issue, and both paired GEMM workers compute the same C. */
class GemmShapeTest {
  @Test
  void referenceListIsWhatTheStepsIssue() throws Exception {
    TreeSet<GemmShape> issued = new TreeSet<>();
    for (String config : List.of("mlp:64", "cgan-mlp:64", "dcgan28:64", "mlp:256", "cgan-mlp:256", "dcgan28:256")) {
      issued.addAll(GemmShape.issuedBy(config));
    }
    assertEquals(issued, new TreeSet<>(GemmShape.parseList("reference")));
  }

  @Test
  void referenceStandsForItsShapesInsideAList() {
    List<GemmShape> list = GemmShape.parseList("NN:8x8x8,reference,TN:16x4x2");
    List<GemmShape> reference = GemmShape.parseList(GemmShape.REFERENCE);
    assertEquals(reference.size() + 2, list.size());
    assertEquals(GemmShape.parse("NN:8x8x8"), list.get(0));
    assertEquals(reference, list.subList(1, list.size() - 1));
    assertEquals(GemmShape.parse("TN:16x4x2"), list.get(list.size() - 1));
  }

  /** The JMH benchmark's shape list (an annotation must spell its values out) is REFERENCE, in order. */
  @Test
  void theJmhBenchmarkTimesExactlyTheReferenceShapes() throws Exception {
    Param param = GemmShapeBenchmark.class.getField("shape").getAnnotation(Param.class);
    assertEquals(List.of(GemmShape.REFERENCE.split(",")), List.of(param.value()));
  }

  @Test
  void parsesAndPrints() {
    GemmShape s = GemmShape.parse("TN:512x784x64");
    assertEquals(new GemmShape(true, false, 512, 784, 64), s);
    assertEquals("TN:512x784x64", s.toString());
    assertEquals(512, s.lda());
    assertEquals(784, s.ldb());
    assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("64x512x784"));
  }

  private static final List<String> SMALL = List.of("NN:5x7x3", "NT:6x4x9", "TN:7x5x8", "TT:3x6x4", "NT:64x33x100");

  private static float[] reference(GemmShape s, float[][] o) {
    float[] c = new float[s.m() * s.n()];
    CpuReference.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, o[0], 0, s.lda(), o[1], 0, s.ldb(), 0f, c, 0, s.n());
    return c;
  }

  @Test
  void duelWorkerComputesTheProduct() {
    for (String text : SMALL) {
      GemmShape s = GemmShape.parse(text);
      float[][] o = PairedWorker.operands(s);
      PairedWorker.duelGemm(s, o).run();
      assertArrayEquals(reference(s, o), o[2], 1e-4f, text);
    }
  }

  /** OpenBLAS is column-major: the worker passes B and A swapped; where libblas.so.3 is installed. */
  @Test
  void openBlasWorkerComputesTheSameProduct() {
    boolean blas;
    try {
      NativeBLAS.getInstance();
      blas = true;
    } catch (Throwable e) {
      blas = false;
    }
    Assumptions.assumeTrue(blas, "no native BLAS (libblas.so.3) on this machine");
    for (String text : SMALL) {
      GemmShape s = GemmShape.parse(text);
      float[][] o = PairedWorker.operands(s);
      java.util.Arrays.fill(o[2], Float.NaN);
      PairedWorker.openBlasGemm(s, o).run();
      assertArrayEquals(reference(s, o), o[2], 1e-4f, text);
    }
  }
}
