package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.GradCheck.Case;
import dev.duel.engine.GradCheck.Result;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The gradcheck utility itself: its standard suite passes, and it catches a wrong gradient. */
class GradCheckTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void standardSuitePassesOnFreshSeed(Backend be) {
    List<Case> suite = GradCheck.standardSuite(be, TestSeeds.run());
    StringBuilder failures = new StringBuilder();
    Set<String> names = new HashSet<>();
    for (Case c : suite) {
      assertTrue(names.add(c.op()), "duplicate case name " + c.op());
      Result r = c.run();
      if (Boolean.getBoolean("duel.test.verbose")) System.out.println(be.name() + "  " + r.summary());
      if (!r.passed()) failures.append("\n  ").append(r.summary()).append("  ").append(r.inputs());
    }
    assertEquals("", failures.toString(), "gradcheck standard suite on " + be.name() + " " + TestSeeds.replay());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void catchesAWrongGradient(Backend be) {
    // f(x) = Σ x·detach(x): Autograd sees ∂f/∂x = x, the true derivative is 2x.
    Tensor x = Tensor.of(be, new float[] {0.5f, -1f, 2f}, 3).requiresGrad(true);
    Result r = GradCheck.check("x * detach(x)", t -> t[0].mul(t[0].detach()).sum(), x);
    assertFalse(r.passed(), r.summary());
    assertEquals(0.5, r.maxRelError(), 1e-3, r.summary());
    // the same function written honestly passes
    Result ok = GradCheck.check("x * x", t -> t[0].mul(t[0]).sum(), x);
    assertTrue(ok.passed(), ok.summary());
    assertTrue(ok.maxRelError() < 1e-4, ok.summary());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void nanNeverPasses(Backend be) {
    // log of a negative number: NaN forward and gradient.
    Tensor x = Tensor.of(be, new float[] {-1f, 2f}, 2).requiresGrad(true);
    Result r = GradCheck.check("log(-1)", t -> t[0].log().sum(), x);
    assertFalse(r.finite(), r.summary());
    assertFalse(r.passed(), r.summary());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void catchesAWrongSecondDerivative(Backend be) {
    // P = ‖∂f/∂x‖² with f = Σ x²·detach(w): the penalty's dependence on w is hidden from Autograd.
    Tensor x = Tensor.of(be, new float[] {0.5f, -1f}, 2).requiresGrad(true);
    Tensor w = Tensor.of(be, new float[] {1.5f, 0.7f}, 2).requiresGrad(true);
    Result bad = GradCheck.checkSecondOrder("x² · detach(w)", t -> t[0].square().mul(t[1].detach()).add(t[1]).sum(),
        new Tensor[] {x, w}, new int[] {0}, GradCheck.Options.defaults());
    assertFalse(bad.passed(), bad.summary());
    Result good = GradCheck.checkSecondOrder("x² · w", t -> t[0].square().mul(t[1]).sum(),
        new Tensor[] {x, w}, new int[] {0}, GradCheck.Options.defaults());
    assertTrue(good.passed(), good.summary() + " " + good.inputs());
    assertEquals(2, good.order());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void suiteIsDeterministicForASeed(Backend be) {
    Case a = GradCheck.standardSuite(be, 42).get(0), b = GradCheck.standardSuite(be, 42).get(0);
    assertEquals(a.op(), b.op());
    assertEquals(List.of(a.run().maxAbsError()), List.of(b.run().maxAbsError()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void rejectsBadArguments(Backend be) {
    Tensor c = Tensor.of(be, new float[] {1f, 2f}, 2);
    assertThrows(IllegalArgumentException.class, () -> GradCheck.check("const", t -> t[0].sum(), c));
    Tensor x = Tensor.of(be, new float[] {1f, 2f}, 2).requiresGrad(true);
    assertThrows(IllegalArgumentException.class, () -> GradCheck.checkSecondOrder("inner const",
        t -> t[0].mul(t[1]).sum(), new Tensor[] {x, c}, new int[] {1}, GradCheck.Options.defaults()));
  }
}
