package dev.duel.gan.train;

/**
 * What one training iteration (k D-steps and one G-step) logs: the losses, D's mean output on the real
 * and the fake batch of the last D step, the gradient norms √(Σ g²) over all of G's and all of D's
 * parameters (D's of the last D step), and the wall time of the iteration. With a logit loss
 * ({@code logits}: minimax, non-saturating) dReal and dFake are mean σ(D(x)) and mean σ(D(G(z))),
 * probabilities; with the others (least squares, WGAN, hinge) D's output is not a logit, and they are
 * the raw mean scores, logged as score_real and score_fake.
 */
public record StepStats(long step, int epoch, float dLoss, float gLoss, float dReal, float dFake,
                        float gradNormG, float gradNormD, double ms, boolean logits) {
  /** Stats of a logit loss. */
  public StepStats(long step, int epoch, float dLoss, float gLoss, float dReal, float dFake, float gradNormG, float gradNormD,
                   double ms) {
    this(step, epoch, dLoss, gLoss, dReal, dFake, gradNormG, gradNormD, ms, true);
  }

  /** The metrics.jsonl keys of dReal and dFake: "d_real"/"d_fake" for probabilities, else "score_real"/"score_fake". */
  public String realKey() {
    return logits ? "d_real" : "score_real";
  }

  public String fakeKey() {
    return logits ? "d_fake" : "score_fake";
  }
}
