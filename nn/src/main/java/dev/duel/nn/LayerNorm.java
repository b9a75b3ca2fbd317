package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Tensor;
import java.util.Arrays;

/**
 * Layer normalisation (Ba et al. 2016) as Gulrajani et al.'s WGAN-GP critic uses it: each sample is
 * normalised over all its features, with a per-channel scale γ and shift β (PyTorch's GroupNorm(1, C)).
 * For a sample x of N×C (F = C) or N×C×H×W (F = C·H·W):
 * <pre>
 *   μ = (1/F)·Σ_f x_f      σ² = (1/F)·Σ_f (x_f − μ)²      y_{c,h,w} = γ_c·(x_{c,h,w} − μ)/√(σ² + ε) + β_c
 * </pre>
 * Unlike batch norm, sample i's output depends on sample i alone, so ∇_x D(x) of one sample is that
 * sample's own gradient, which is what a gradient penalty (WGAN-GP, R1) assumes. No running statistics:
 * train and eval compute the same function. Built from differentiable engine ops, so second derivatives
 * (for the penalties) come for free. Parameters "weight" (γ, ones) and "bias" (β, zeros), of size C.
 */
public final class LayerNorm extends Module {
  /** PyTorch's default ε. */
  public static final float EPS = 1e-5f;
  private final int channels;

  public LayerNorm(Backend b, int channels) {
    if (channels < 1) throw new IllegalArgumentException("LayerNorm: channels must be >= 1, got " + channels);
    this.channels = channels;
    registerParameter("weight", Tensor.ones(b, channels));
    registerParameter("bias", Tensor.zeros(b, channels));
  }

  @Override
  public Tensor forward(Tensor x) {
    if ((x.dim() != 2 && x.dim() != 4) || x.size(1) != channels) {
      throw new IllegalArgumentException(describe() + ": input must be N×" + channels + " or N×" + channels
          + "×H×W, got " + Arrays.toString(x.shape()));
    }
    return apply(x, param("weight"), param("bias"), EPS);
  }

  /**
   * y = γ·(x − μ)/√(σ² + ε) + β per sample, as above. x: N×C or N×C×H×W; weight, bias: C.
   * Every step is an engine op with its own backward.
   */
  public static Tensor apply(Tensor x, Tensor weight, Tensor bias, float eps) {
    int n = x.size(0);
    int[] shape = x.shape();
    Tensor flat = x.reshape(n, -1);                                          // N×F
    Tensor centred = flat.sub(flat.mean(true, 1));                           // x − μ
    Tensor inv = centred.square().mean(true, 1).add(eps).sqrt();             // √(σ² + ε): N×1
    Tensor y = centred.div(inv).reshape(shape);
    int[] affine = new int[shape.length];                                    // 1×C or 1×C×1×1
    Arrays.fill(affine, 1);
    affine[1] = shape[1];
    return y.mul(weight.reshape(affine)).add(bias.reshape(affine));
  }

  @Override
  public String describe() {
    return "LayerNorm(" + channels + ")";
  }
}
