package dev.duel.gan.demo;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.NonSaturating;
import dev.duel.gan.loss.Wasserstein;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;
import dev.duel.nn.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * GAN training on the 8-Gaussian ring with one of several methods, every draw from one Philox seed,
 * so two methods run with the same seed start from the same G and see the same data stream.
 *
 * <ul>
 *   <li>{@code vanilla}: L_D = BCE(D(x), 1) + BCE(D(G(z)), 0); L_G = BCE(D(G(z)), 1) (non-saturating).</li>
 *   <li>{@code minibatch}: vanilla with minibatch discrimination before D's last layer (Salimans et al. 2016).</li>
 *   <li>{@code k-step}: vanilla with k D steps per G step (Goodfellow et al.'s Algorithm 1 with k &gt; 1).</li>
 *   <li>{@code wgan-gp}: critic loss mean(D(G(z))) − mean(D(x)) + λ·mean((‖∇D(x̂)‖₂ − 1)²), x̂ = ε·x + (1 − ε)·G(z),
 *       ε ~ U[0, 1]; n_critic critic steps per G step; L_G = −mean(D(G(z))) (Gulrajani et al. 2017).</li>
 *   <li>{@code unrolled}: vanilla, but G's loss is taken against D unrolled K SGD steps ahead,
 *       θ_D^{k+1} = θ_D^k − η·∂L_D/∂θ_D^k, differentiated through the K steps ({@link RingUnrolled}; Metz et al. 2017).</li>
 *   <li>{@code vanilla-budget}: vanilla with WGAN-GP's budget — n_critic D steps per G step, WGAN-GP's
 *       learning rate and betas for both — the control that separates WGAN-GP's objective from its budget.</li>
 * </ul>
 * The losses are gan.loss's {@link NonSaturating} and {@link Wasserstein#withGradientPenalty} (its
 * {@link dev.duel.gan.loss.GradientPenalty}); the minibatch layer is gan.models'
 * {@link dev.duel.gan.models.MinibatchDiscrimination}.
 */
public final class RingGan {
  /** The methods compared by the demo. */
  public enum Method {
    VANILLA("vanilla"), MINIBATCH("minibatch"), K_STEP("k-step"), WGAN_GP("wgan-gp"), UNROLLED("unrolled"),
    VANILLA_BUDGET("vanilla-budget");

    public final String id;

    Method(String id) {
      this.id = id;
    }

    public static Method byName(String name) {
      for (Method m : values()) if (m.id.equalsIgnoreCase(name.trim())) return m;
      throw new IllegalArgumentException("unknown method '" + name + "': use vanilla, minibatch, k-step, wgan-gp, unrolled or vanilla-budget");
    }
  }

  /**
   * @param latent      z dimension, z ~ N(0, I)
   * @param width       hidden width of G and D
   * @param batch       real and fake samples per step, each
   * @param steps       G steps
   * @param dLr         D's Adam learning rate (vanilla, minibatch, k-step)
   * @param gLr         G's Adam learning rate (vanilla, minibatch, k-step)
   * @param wganLr      WGAN-GP's Adam learning rate, critic and G alike
   * @param dSteps      D steps per G step for k-step and WGAN-GP (n_critic)
   * @param gpWeight    WGAN-GP's λ
   * @param mbKernels   minibatch discrimination: kernels B
   * @param mbDim       minibatch discrimination: dimension C of each kernel
   * @param evalSamples generated samples scored at each log point and at the end
   * @param minPerMode  high-quality samples a mode needs to count as covered
   * @param logEvery    G steps between log points (0: only the end)
   * @param unrollSteps unrolled: K, the D steps G looks ahead through
   * @param unrollLr    unrolled: η, the SGD step of the unrolled D updates
   */
  public record Config(RingMixture ring, int latent, int width, int batch, int steps, float dLr, float gLr, float wganLr, int dSteps,
                       float gpWeight, int mbKernels, int mbDim, int evalSamples, int minPerMode, int logEvery, long seed,
                       int unrollSteps, float unrollLr) {
    public Config {
      require(latent >= 1, "--latent must be >= 1, got " + latent);
      require(width >= 1, "--width must be >= 1, got " + width);
      require(batch >= 2, "--batch must be >= 2 (minibatch discrimination compares samples), got " + batch);
      require(steps >= 0, "--steps must be >= 0, got " + steps);
      require(dLr > 0 && gLr > 0 && wganLr > 0, "learning rates must be > 0, got D " + dLr + ", G " + gLr + ", wgan " + wganLr);
      require(dSteps >= 1, "--d-steps must be >= 1, got " + dSteps);
      require(gpWeight >= 0, "--gp-weight must be >= 0, got " + gpWeight);
      require(mbKernels >= 1 && mbDim >= 1, "--mb-kernels and --mb-dim must be >= 1, got " + mbKernels + ", " + mbDim);
      require(evalSamples >= 1 && minPerMode >= 1, "--eval-samples and --min-per-mode must be >= 1, got " + evalSamples + ", " + minPerMode);
      require(logEvery >= 0, "--log-every must be >= 0, got " + logEvery);
      require(unrollSteps >= 1 && unrollSteps <= 100, "--unroll-steps must be in 1..100, got " + unrollSteps);
      require(unrollLr > 0 && Float.isFinite(unrollLr), "--unroll-lr must be > 0, got " + unrollLr);
    }

    private static void require(boolean ok, String message) {
      if (!ok) throw new IllegalArgumentException("ring: " + message);
    }

    /** The demo's defaults (see docs/math.md, "Mode collapse on a ring"). */
    public static Config defaults() {
      return new Config(RingMixture.standard(), 16, 64, 64, 2000, 1e-4f, 1e-3f, 1e-3f, 5, 0.1f, 8, 4, 2500, 20, 250, 1L, 5, UNROLL_LR);
    }

    public Config withSteps(int newSteps, int newLogEvery) {
      return new Config(ring, latent, width, batch, newSteps, dLr, gLr, wganLr, dSteps, gpWeight, mbKernels, mbDim, evalSamples,
          minPerMode, newLogEvery, seed, unrollSteps, unrollLr);
    }

    public Config withSeed(long newSeed) {
      return new Config(ring, latent, width, batch, steps, dLr, gLr, wganLr, dSteps, gpWeight, mbKernels, mbDim, evalSamples,
          minPerMode, logEvery, newSeed, unrollSteps, unrollLr);
    }
  }

  /** The unrolled D's SGD step η (see docs/math.md, "Mode collapse on a ring"). */
  public static final float UNROLL_LR = 0.05f;

  /** Scores at one log point; samples are the evalSamples generated points (n×2). */
  public record Checkpoint(int step, double dLoss, double gLoss, RingMixture.Coverage coverage, float[] samples) {}

  /** A finished run. */
  public record Result(Method method, RingMixture.Coverage coverage, float[] samples, List<Checkpoint> history, double seconds) {}

  private RingGan() {}

  /** Trains G and D with {@code method}; {@code onLog} (may be null) sees each checkpoint as it is made. */
  public static Result train(Config cfg, Method method, Backend backend, Consumer<Checkpoint> onLog) {
    long t0 = System.nanoTime();
    Generator rng = new Generator(cfg.seed());
    Sequential g = RingNets.generator(backend, rng, cfg.latent(), cfg.width());
    DiscriminatorNet d = RingNets.discriminator(backend, rng, cfg.width(), method == Method.MINIBATCH ? cfg.mbKernels() : 0, cfg.mbDim());
    // One fixed z for every evaluation, drawn from its own stream so it does not shift the training draws.
    Tensor zEval = new Generator(cfg.seed() ^ 0x5EEDL).normal(backend, 0f, 1f, cfg.evalSamples(), cfg.latent());
    boolean critic = method == Method.WGAN_GP, wganBudget = critic || method == Method.VANILLA_BUDGET;
    GanLoss loss = critic ? Wasserstein.withGradientPenalty(cfg.gpWeight()) : new NonSaturating();
    // Gulrajani et al.'s toy code uses betas (0.5, 0.9) for WGAN-GP; (0.5, 0.999) is the GAN default otherwise.
    float beta2 = wganBudget ? 0.9f : 0.999f;
    Adam optG = new Adam(g.parameters(), wganBudget ? cfg.wganLr() : cfg.gLr(), 0.5f, beta2);
    Adam optD = new Adam(d.parameters(), wganBudget ? cfg.wganLr() : cfg.dLr(), 0.5f, beta2);
    int dStepsPerG = wganBudget || method == Method.K_STEP ? cfg.dSteps() : 1;
    List<Checkpoint> history = new ArrayList<>();
    double dLoss = Double.NaN, gLoss = Double.NaN;
    for (int step = 1; step <= cfg.steps(); step++) {
      // (1) Update D (k times for k-step, n_critic times for WGAN-GP).
      for (int k = 0; k < dStepsPerG; k++) {
        try (MemoryScope scope = MemoryScope.open()) {
          Tensor real = Tensor.of(backend, cfg.ring().sample(backend, rng, cfg.batch()), cfg.batch(), 2);
          Tensor fake;
          try (GradMode off = GradMode.disabled()) {
            fake = g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), cfg.latent()));
          }
          optD.zeroGrad();
          Tensor dReal = d.forward(real), dFake = d.forward(fake);
          Tensor lossD = loss.discriminatorLoss(dReal, dFake, 1f);
          if (critic) lossD = lossD.add(loss.regularizer().penalty(d, real, fake, null, rng));
          lossD.backward();
          optD.step();
          dLoss = lossD.item();
        }
      }
      // (2) Update G, D fixed: non-saturating −log D(G(z)), or −D(G(z)) for the critic. The unrolled G needs
      // D's parameters in the graph (its look-ahead differentiates L_D by them); D itself does not move here.
      boolean unrolled = method == Method.UNROLLED;
      if (!unrolled) setRequiresGrad(d, false);
      try (MemoryScope scope = MemoryScope.open()) {
        optG.zeroGrad();
        Tensor lossG = method == Method.UNROLLED
            ? RingUnrolled.generatorLoss(g, d, cfg, backend, rng)
            : loss.generatorLoss(d.forward(g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), cfg.latent()))));
        Autograd.backward(lossG, optG.params());                   // G's gradients only
        optG.step();
        gLoss = lossG.item();
      } finally {
        setRequiresGrad(d, true);
      }
      if (!Double.isFinite(dLoss) || !Double.isFinite(gLoss)) {
        throw new IllegalStateException("ring/" + method.id + ": loss became " + dLoss + " / " + gLoss + " at step " + step
            + "; lower the learning rates");
      }
      boolean last = step == cfg.steps();
      if (last || (cfg.logEvery() > 0 && step % cfg.logEvery() == 0)) {
        float[] samples = generate(g, zEval);
        Checkpoint c = new Checkpoint(step, dLoss, gLoss, cfg.ring().coverage(samples, cfg.minPerMode()), samples);
        history.add(c);
        if (onLog != null) onLog.accept(c);
      }
    }
    float[] samples = history.isEmpty() ? generate(g, zEval) : history.get(history.size() - 1).samples();
    return new Result(method, cfg.ring().coverage(samples, cfg.minPerMode()), samples, history, (System.nanoTime() - t0) / 1e9);
  }

  static float[] generate(Module g, Tensor z) {
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      return g.forward(z).toArray();
    }
  }

  private static void setRequiresGrad(Module m, boolean on) {
    for (Tensor p : m.parameters()) p.requiresGrad(on);
  }

  /** One log line. */
  public static String describe(Method m, Checkpoint c) {
    return String.format(Locale.ROOT, "%-14s step %5d  d_loss %8.4f  g_loss %8.4f  modes %d/%d  high-quality %5.1f%%  mode entropy %.2f",
        m.id, c.step(), c.dLoss(), c.gLoss(), c.coverage().modesCovered(), c.coverage().perMode().length,
        100 * c.coverage().highQualityShare(), c.coverage().modeEntropy());
  }
}
