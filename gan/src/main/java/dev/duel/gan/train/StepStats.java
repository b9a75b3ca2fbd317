package dev.duel.gan.train;

/**
 * What one training iteration (k D-steps and one G-step) logs: the losses, mean σ(D(x)) and
 * mean σ(D(G(z))) (of the last D step), the gradient norms √(Σ g²) over all of G's and all of D's
 * parameters (D's of the last D step), and the wall time of the iteration.
 */
public record StepStats(long step, int epoch, float dLoss, float gLoss, float dReal, float dFake,
                        float gradNormG, float gradNormD, double ms) {}
