package dev.duel.gan.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Module;
import java.util.function.DoubleSupplier;

/** Shared test helpers: a D from any layers, parameter access, leaves, finite differences. */
public final class TestNets {
  public static final Backend CPU = Devices.cpu();

  private TestNets() {}

  /** A DiscriminatorNet over the given layers (features = the input of the last layer). */
  public static DiscriminatorNet d(Module... layers) {
    return new DiscriminatorNet(layers) {};
  }

  /** A leaf N×1 tensor of D outputs that requires a gradient. */
  public static Tensor scores(float... v) {
    return Tensor.of(CPU, v, v.length, 1).requiresGrad(true);
  }

  public static Tensor leaf(float[] v, int... shape) {
    return Tensor.of(CPU, v, shape).requiresGrad(true);
  }

  public static Tensor param(Module m, String name) {
    Tensor p = m.namedParameters().get(name);
    if (p == null) throw new IllegalArgumentException("no parameter " + name + " in " + m.namedParameters().keySet());
    return p;
  }

  /** Overwrites a parameter's values in place. */
  public static void set(Module m, String name, float... values) {
    Tensor p = param(m, name);
    try (GradMode off = GradMode.disabled()) {
      p.assign(Tensor.of(CPU, values, p.shape()));
    }
  }

  /** The gradient as an array, zeros where backward left it null (the loss does not depend on it). */
  public static float[] gradOf(Tensor t) {
    return t.grad() == null ? new float[(int) t.numel()] : t.grad().toArray();
  }

  public static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Float.isFinite(actual[i]), what + "[" + i + "] is not finite: " + actual[i]);
      assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  /**
   * Central differences (f(p + h·e_k) − f(p − h·e_k)) / 2h for every element k of parameter p, with f
   * evaluated fresh each time (in its own MemoryScope).
   */
  public static double[] finiteDifferences(Tensor p, float h, DoubleSupplier f) {
    float[] base = p.toArray();
    double[] out = new double[base.length];
    for (int k = 0; k < base.length; k++) {
      double plus = evalAt(p, base, k, base[k] + h, f);
      double minus = evalAt(p, base, k, base[k] - h, f);
      out[k] = (plus - minus) / (2.0 * h);
    }
    restore(p, base);
    return out;
  }

  private static double evalAt(Tensor p, float[] base, int k, float value, DoubleSupplier f) {
    float[] v = base.clone();
    v[k] = value;
    restore(p, v);
    try (MemoryScope s = MemoryScope.open()) {
      return f.getAsDouble();
    }
  }

  private static void restore(Tensor p, float[] values) {
    try (GradMode off = GradMode.disabled()) {
      p.assign(Tensor.of(CPU, values, p.shape()));
    }
  }
}
