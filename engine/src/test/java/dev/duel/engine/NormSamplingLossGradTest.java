package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference gradient checks of batch norm (train 2-D and 4-D, eval), nearest upsampling,
 * embedding, dropout and the losses against float64 references.
 */
class NormSamplingLossGradTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";
  static final float EPS = 1e-5f;

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormTrain(Backend be) {
    // (m = 2 values per channel is left out on purpose: there x̂ = ±1 exactly and ∂L/∂x is O(eps),
    // all cancellation, in float32 as in PyTorch.)
    for (int[] shape : new int[][] {{5, 3}, {2, 3, 3, 4}, {1, 2, 2, 3}, {3, 1}}) {
      RefCheck c = new RefCheck(be, "batch_norm train " + java.util.Arrays.toString(shape));
      int ch = shape[1];
      c.run(t -> Normalization.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, EPS),
          n -> NdOps.batchNormTrain(n[0], n[1], n[2], EPS), c.range(-2, 2, shape), c.positive(ch), c.uniform(ch));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormTrainWithRunningStats(Backend be) {
    // the running statistics are updated in place but are not part of the graph
    RefCheck c = new RefCheck(be, "batch_norm train with running stats");
    Tensor rm = Tensor.zeros(be, 3), rv = Tensor.ones(be, 3);
    c.run(t -> Normalization.batchNorm(t[0], t[1], t[2], rm, rv, true, 0.1f, EPS),
        n -> NdOps.batchNormTrain(n[0], n[1], n[2], EPS), c.uniform(4, 3, 2, 2), c.positive(3), c.uniform(3));
    assertTrue(!rm.requiresGrad() && rm.grad() == null && rv.grad() == null, "running stats got gradients");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormEval(Backend be) {
    for (int[] shape : new int[][] {{4, 3}, {2, 3, 2, 3}}) {
      RefCheck c = new RefCheck(be, "batch_norm eval " + java.util.Arrays.toString(shape));
      int ch = shape[1];
      c.constant(3, 4).run(t -> Normalization.batchNorm(t[0], t[1], t[2], t[3], t[4], false, 0.1f, EPS),
          n -> NdOps.batchNormEval(n[0], n[1], n[2], n[3], n[4], EPS),
          c.uniform(shape), c.positive(ch), c.uniform(ch), c.range(-0.5, 0.5, ch), c.positive(ch));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void upsampleNearest(Backend be) {
    for (int f : new int[] {1, 2, 3}) {
      RefCheck c = new RefCheck(be, "upsample_nearest x" + f);
      c.run(t -> Sampling.upsampleNearest(t[0], f), n -> NdOps.upsampleNearest(n[0], f), c.uniform(2, 2, 3, 2));
    }
    RefCheck v = new RefCheck(be, "upsample_nearest of a permuted view");
    v.run(t -> Sampling.upsampleNearest(t[0].permute(0, 3, 1, 2), 2), n -> NdOps.upsampleNearest(n[0].permute(0, 3, 1, 2), 2),
        v.uniform(1, 3, 2, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void embeddingWithRepeatedIndices(Backend be) {
    int[] idx = {1, 3, 1, 0, 1, 4};
    RefCheck c = new RefCheck(be, "embedding");
    c.run(t -> Sampling.embedding(t[0], idx), n -> NdOps.embedding(n[0], idx), c.uniform(5, 3));
    // cGAN use: noise · embedding(label)
    RefCheck d = new RefCheck(be, "noise * embedding");
    int[] labels = {2, 0, 2};
    d.run(t -> t[0].mul(Sampling.embedding(t[1], labels)), n -> n[0].mul(NdOps.embedding(n[1], labels)),
        d.uniform(3, 4), d.uniform(3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void dropoutWithAFixedGenerator(Backend be) {
    float p = 0.3f;
    long seed = TestSeeds.forCheck("dropout mask");
    int[] shape = {4, 5};
    // the reference mask: Philox bernoulli(1 − p) of the same (seed, offset 0)
    float[] mask = new float[20];
    Philox.fill(Distribution.BERNOULLI, seed, 0, 1f - p, 0f, mask, 0, 0, mask.length);
    Nd scale = Nd.ofFloats(mask, shape).mul(1.0 / (1.0 - p));
    RefCheck c = new RefCheck(be, "dropout p=0.3");
    c.fwdTol(1e-6).run(t -> Sampling.dropout(t[0], p, true, new Generator(seed)), n -> n[0].mul(scale), c.uniform(shape));
    RefCheck e = new RefCheck(be, "dropout in eval is the identity");
    e.run(t -> Sampling.dropout(t[0], p, false, new Generator(seed)), n -> n[0], e.uniform(shape));
  }

  // ---- losses ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void bceWithLogits(Backend be) {
    RefCheck c = new RefCheck(be, "bce_with_logits tensor target");
    c.run(t -> Losses.bceWithLogits(t[0], t[1]), n -> NdOps.bceWithLogits(n[0], n[1]), c.range(-5, 5, 3, 4), c.range(0, 1, 3, 4));
    for (float target : new float[] {0f, 1f, 0.9f}) {
      RefCheck k = new RefCheck(be, "bce_with_logits constant target " + target);
      Nd tgt = Nd.zeros(6, 1).add(target);
      k.run(t -> Losses.bceWithLogits(t[0], target), n -> NdOps.bceWithLogits(n[0], tgt), k.range(-20, 20, 6, 1));
    }
    RefCheck s = new RefCheck(be, "bce_with_logits broadcast target");
    s.constant(1).run(t -> Losses.bceWithLogits(t[0], t[1]), n -> NdOps.bceWithLogits(n[0], n[1].expand(2, 3)),
        s.range(-3, 3, 2, 3), s.range(0, 1, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void mseAndL1(Backend be) {
    RefCheck c = new RefCheck(be, "mse");
    c.run(t -> Losses.mse(t[0], t[1]), n -> NdOps.mse(n[0], n[1]), c.uniform(3, 4), c.uniform(3, 4));
    RefCheck l = new RefCheck(be, "l1");
    Nd x = l.uniform(3, 4);
    Nd target = x.add(l.awayFromZero(3, 4)).map(v -> (float) v);   // |x − t| ≈ U(0.2, 1): away from the kink
    l.run(t -> Losses.l1(t[0], t[1]), n -> NdOps.l1(n[0], n[1]), x, target);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void hinge(Backend be) {
    RefCheck c = new RefCheck(be, "hinge");
    Nd t = c.signs(3, 4);
    // x = t·(1 ± U(0.2, 1)), so the margin 1 − t·x = ∓U(0.2, 1) is away from the kink; half the terms are active
    Nd x = Nd.zip(t, c.awayFromZero(3, 4), (s, m) -> (float) (s * (1 + m)));
    c.constant(1).allowZeroGrad().run(tt -> Losses.hinge(tt[0], tt[1]), n -> NdOps.hinge(n[0], n[1]), x, t);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void crossEntropyAndLogSoftmax(Backend be) {
    RefCheck c = new RefCheck(be, "cross_entropy");
    int[] labels = {0, 4, 2, 4};
    c.run(t -> Losses.crossEntropy(t[0], labels), n -> NdOps.crossEntropy(n[0], labels), c.range(-3, 3, 4, 5));
    RefCheck l = new RefCheck(be, "log_softmax");
    l.run(t -> Losses.logSoftmax(t[0]), n -> NdOps.logSoftmax(n[0]), l.range(-3, 3, 3, 4));
    RefCheck big = new RefCheck(be, "log_softmax of large logits");
    big.run(t -> Losses.logSoftmax(t[0]), n -> NdOps.logSoftmax(n[0]), big.range(50, 60, 2, 3));
  }
}
