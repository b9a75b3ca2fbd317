package dev.duel.gan.loss;

import java.util.ArrayList;
import java.util.List;

/**
 * The stabilisers of one training run, as the trainer and the CLI's {@code --config} read them. Each
 * field's default (from {@link #defaults()}) turns its stabiliser off, except the learning rates and dSteps:
 * <ul>
 *   <li>{@code labelSmoothing} s ∈ [0, 1): real target t = 1 − s ({@link OneSidedLabelSmoothing});
 *       0.1 gives 0.9.</li>
 *   <li>{@code instanceNoiseSigma} σ₀ ≥ 0 and {@code instanceNoiseSteps} T: {@link InstanceNoise}, σ annealed
 *       linearly from σ₀ to 0 over T steps, applied to D's real and fake inputs; σ₀ = 0 is off.</li>
 *   <li>{@code featureMatching}: G minimises {@link FeatureMatching} instead of the loss's L_G.</li>
 *   <li>{@code spectralNorm}: an architecture option of D (Linear/Conv2d.spectralNorm), read by whoever
 *       builds D. The other architecture stabilisers are options of the trainer's TrainConfig
 *       ({@code --minibatch-stddev}, {@code --d-norm}) or of the ring demo (minibatch discrimination).</li>
 *   <li>{@code r1Gamma} γ ≥ 0: {@link R1} added to L_D when γ &gt; 0.</li>
 *   <li>{@code gpLambda} λ: the gradient penalty's weight for the wgan-gp loss (default 10).</li>
 *   <li>{@code dSteps} k ≥ 1: D steps per G step (Goodfellow et al.'s k; 5 in the WGAN papers).</li>
 *   <li>{@code lrG}, {@code lrD} &gt; 0: separate learning rates (TTUR, Heusel et al. 2017, e.g. 1e-4 and 4e-4).</li>
 *   <li>{@code emaDecay} β ∈ [0, 1): G-EMA, θ_ema ← β·θ_ema + (1 − β)·θ after each G step (nn.optim.Ema);
 *       0 is off.</li>
 *   <li>{@code clip} c &gt; 0: the weight-clipping bound for the wgan loss (default 0.01).</li>
 * </ul>
 * What this record builds: {@link #realTarget()}, {@link #instanceNoise()}, {@link #loss(String)} and
 * {@link #regularizers(GanLoss)}; the trainer owns the rest (the k-step loop, two optimizers, the EMA copy).
 * One iteration, as these classes expect to be called (y: labels or null):
 * <pre>{@code
 * GanLoss loss = cfg.loss("wgan-gp");  InstanceNoise noise = cfg.instanceNoise();  // once
 * for (int k = 0; k < cfg.dSteps(); k++) {                  // D steps (a fresh real batch and fake each)
 *   Tensor xr = noise == null ? real : noise.apply(real, step, rng);
 *   Tensor xf = noise == null ? fake.detach() : noise.apply(fake.detach(), step, rng);
 *   Tensor lossD = loss.discriminatorLoss(d.score(xr, y), d.score(xf, y), cfg.realTarget());
 *   for (Regularizer r : cfg.regularizers(loss)) lossD = lossD.add(r.penalty(d, xr, xf, y, rng));
 *   optD.zeroGrad(); lossD.backward(); optD.step();
 *   if (loss.weightClipping() != null) loss.weightClipping().apply(d);
 * }
 * Tensor xg = noise == null ? fake : noise.apply(fake, step, rng);  // G step
 * Tensor lossG = cfg.featureMatching() ? new FeatureMatching().generatorLoss(d, real, xg, y)
 *                                      : loss.generatorLoss(d.score(xg, y));
 * optG.zeroGrad(); lossG.backward(); optG.step();
 * }</pre>
 */
public record StabiliserConfig(
    float labelSmoothing,
    float instanceNoiseSigma,
    long instanceNoiseSteps,
    boolean featureMatching,
    boolean spectralNorm,
    float r1Gamma,
    float gpLambda,
    int dSteps,
    float lrG,
    float lrD,
    float emaDecay,
    float clip) {

  /** Adam's lr for both networks in the reference step (DESIGN.md). */
  public static final float DEFAULT_LR = 2e-4f;

  public StabiliserConfig {
    OneSidedLabelSmoothing.realTarget(labelSmoothing);       // validates s
    if (!(instanceNoiseSigma >= 0f) || !Float.isFinite(instanceNoiseSigma)) {
      throw bad("instanceNoiseSigma", instanceNoiseSigma, ">= 0 (0 = off)");
    }
    if (instanceNoiseSigma > 0f && instanceNoiseSteps < 1) {
      throw bad("instanceNoiseSteps", instanceNoiseSteps, ">= 1 when instanceNoiseSigma > 0");
    }
    if (instanceNoiseSteps < 0) throw bad("instanceNoiseSteps", instanceNoiseSteps, ">= 0");
    if (!(r1Gamma >= 0f) || !Float.isFinite(r1Gamma)) throw bad("r1Gamma", r1Gamma, ">= 0 (0 = off)");
    if (!(gpLambda >= 0f) || !Float.isFinite(gpLambda)) throw bad("gpLambda", gpLambda, ">= 0");
    if (dSteps < 1) throw bad("dSteps", dSteps, ">= 1");
    if (!(lrG > 0f) || !Float.isFinite(lrG)) throw bad("lrG", lrG, "> 0");
    if (!(lrD > 0f) || !Float.isFinite(lrD)) throw bad("lrD", lrD, "> 0");
    if (!(emaDecay >= 0f && emaDecay < 1f)) throw bad("emaDecay", emaDecay, "in [0, 1) (0 = off)");
    if (!(clip > 0f) || !Float.isFinite(clip)) throw bad("clip", clip, "> 0");
  }

  /** No stabiliser; one D step per G step; lr 2e-4 for both; λ = 10; c = 0.01. */
  public static StabiliserConfig defaults() {
    return new StabiliserConfig(0f, 0f, 0L, false, false, 0f, GradientPenalty.DEFAULT_LAMBDA, 1,
        DEFAULT_LR, DEFAULT_LR, 0f, WeightClipping.DEFAULT_CLIP);
  }

  /** The realTarget to pass to {@link GanLoss#discriminatorLoss}: 1 − labelSmoothing. */
  public float realTarget() {
    return OneSidedLabelSmoothing.realTarget(labelSmoothing);
  }

  /** The instance-noise schedule, or null when instanceNoiseSigma = 0. */
  public InstanceNoise instanceNoise() {
    return instanceNoiseSigma > 0f ? new InstanceNoise(instanceNoiseSigma, instanceNoiseSteps) : null;
  }

  /** The loss called {@code name} (see {@link GanLosses}), using this config's gpLambda and clip. */
  public GanLoss loss(String name) {
    return GanLosses.byName(name, gpLambda, clip);
  }

  /** The penalties to add to L_D at each D step: the loss's own (WGAN-GP), then R1 if r1Gamma &gt; 0. */
  public List<Regularizer> regularizers(GanLoss loss) {
    List<Regularizer> out = new ArrayList<>();
    if (loss.regularizer() != null) out.add(loss.regularizer());
    if (r1Gamma > 0f) out.add(new R1(r1Gamma));
    return List.copyOf(out);
  }

  /** Whether G-EMA is on. */
  public boolean ema() {
    return emaDecay > 0f;
  }

  private static IllegalArgumentException bad(String field, Object value, String want) {
    return new IllegalArgumentException("stabiliser setting " + field + " = " + value + " is invalid: want " + want);
  }
}
