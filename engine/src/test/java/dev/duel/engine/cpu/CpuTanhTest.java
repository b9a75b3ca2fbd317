package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link CpuReference#tanh} against Math.tanh: within 1 ulp of the correctly rounded float everywhere, and
 * its own e^y ({@link CpuReference#expTanh}) against Math.exp over tanh's whole range.
 */
class CpuTanhTest {
  @Test
  void withinOneUlpOfMathTanh() {
    int differ = 0;
    for (int i = 0; i <= 2_000_000; i++) {
      float x = -12f + 24f * i / 2_000_000;
      float want = (float) Math.tanh(x), got = CpuReference.tanh(x);
      assertTrue(Math.abs(got - want) <= Math.ulp(want), "tanh(" + x + ") = " + got + ", Math.tanh " + want);
      if (got != want) differ++;
    }
    for (float x : new float[] {1e-30f, -1e-5f, 3e-4f, 0x1p-12f, 0.5f, 9.0f, 9.2f, 1e30f}) {
      float want = (float) Math.tanh(x), got = CpuReference.tanh(x);
      assertTrue(Math.abs(got - want) <= Math.ulp(want), "tanh(" + x + ") = " + got + ", Math.tanh " + want);
    }
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(CpuReference.tanh(-0f)), "−0 stays −0");
    assertTrue(Float.isNaN(CpuReference.tanh(Float.NaN)), "NaN stays NaN");
    assertEquals(1f, CpuReference.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, CpuReference.tanh(Float.NEGATIVE_INFINITY));
    for (int i = 0; i <= 1_000_000; i++) {
      double y = 18.2 * i / 1_000_000;
      double want = Math.exp(y), got = CpuReference.expTanh(y);
      assertTrue(Math.abs(got - want) <= 1e-12 * want, "expTanh(" + y + ") = " + got + ", Math.exp " + want);
    }
    System.out.println("CpuTanhTest: " + differ + " of 2,000,001 points differ from Math.tanh by 1 ulp");
  }
}
