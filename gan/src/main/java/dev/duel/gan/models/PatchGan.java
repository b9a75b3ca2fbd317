package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.Layers;
import dev.duel.nn.LayerNorm;
import dev.duel.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * pix2pix's PatchGAN discriminator (Isola et al. 2017, §3.2.2; PyTorch's NLayerDiscriminator). D sees a
 * pair on channels, [x, y] (N×(C_in + C_out)×H×W: the input and a real or generated output), and returns
 * one logit per overlapping patch, N×1×H'×W'; the losses average over every patch of every sample, so
 * D judges whether each R×R patch is real (R the receptive field).
 * <pre>
 *   Conv(C_in + C_out, w, 4, 2, 1) → LReLU(0.2)
 *   L − 1 times: Conv(w·m_{l−1}, w·m_l, 4, 2, 1) → Norm → LReLU(0.2)     m_l = min(2^l, 8)
 *   Conv(w·m_{L−1}, w·m_L, 4, 1, 1) → Norm → LReLU(0.2)
 *   Conv(w·m_L, 1, 4, 1, 1)                                               patch logits
 * </pre>
 * L, the number of stride-2 layers, comes from the image size: 1 up to 32 pixels a side (R = 16: 16×16
 * patches of a 28×28 image, 12×12 of them), 2 up to 64 (R = 34), 3 above (R = 70, the paper's 70×70
 * PatchGAN, 30×30 logits at 256×256). R = 1 + 3·(1 + 1 + 2 + 4 + … ) back through the layers:
 * r ← (r − 1)·stride + 4 from r = 1.
 * Norm is batch norm ("batch", the paper's), a {@link LayerNorm} ("layer", per sample, for gradient
 * penalties) or none; convolutions followed by a norm have no bias. With spectral norm every conv is
 * normalised.
 */
public final class PatchGan extends DiscriminatorNet {
  private final int channels, layers;

  /**
   * @param channels C_in + C_out, the channels of the pair D sees
   * @param norm     "batch", "layer" or "none"
   */
  public PatchGan(Backend b, Generator rng, int channels, int height, int width, int w, String norm, boolean spectralNorm) {
    super(build(b, rng, channels, stridedLayers(height, width), w, norm, spectralNorm));
    this.channels = channels;
    this.layers = stridedLayers(height, width);
  }

  /** L from the image's shorter side: 1 (≤ 32), 2 (≤ 64), 3 (larger). */
  public static int stridedLayers(int height, int width) {
    int s = Math.min(height, width);
    if (s < 8) throw new IllegalArgumentException("PatchGAN: images of " + height + "×" + width + " are too small (8 pixels a side at least)");
    return s <= 32 ? 1 : s <= 64 ? 2 : 3;
  }

  /** The side of the logit map for an input side s: s halved L times (floor), then − 1 − 1 by the two stride-1 convs. */
  public static int outputSide(int s, int layers) {
    for (int l = 0; l < layers; l++) s = (s + 2 - 4) / 2 + 1;
    return s - 2;
  }

  /** R, the receptive field of one logit, in pixels. */
  public static int receptiveField(int layers) {
    int r = 1;
    r = r + 3;                                   // the last conv (stride 1)
    r = r + 3;                                   // the stride-1 conv before it
    for (int l = 0; l < layers; l++) r = (r - 1) * 2 + 4;
    return r;
  }

  public int stridedLayers() {
    return layers;
  }

  @Override
  public Tensor score(Tensor pair, int[] labels) {
    if (pair.dim() != 4 || pair.size(1) != channels) {
      throw new IllegalArgumentException("PatchGAN: D takes a pair [x, y] of N×" + channels + "×H×W, got " + Arrays.toString(pair.shape()));
    }
    return forward(pair);
  }

  private static Module[] build(Backend b, Generator rng, int channels, int layers, int w, String norm, boolean sn) {
    boolean normed = switch (norm) {
      case "batch", "layer" -> true;
      case "none" -> false;
      default -> throw new IllegalArgumentException("PatchGAN: normalisation '" + norm + "' is not batch, layer or none");
    };
    List<Module> l = new ArrayList<>();
    l.add(conv(b, rng, channels, w, 2, true, sn));
    l.add(Layers.leakyRelu(0.2f));
    int mult = 1;
    for (int i = 1; i <= layers; i++) {
      int prev = mult;
      mult = Math.min(1 << i, 8);
      l.add(conv(b, rng, w * prev, w * mult, i < layers ? 2 : 1, !normed, sn));
      if (normed) l.add(norm.equals("batch") ? BatchNorm.bn2d(b, w * mult) : new LayerNorm(b, w * mult));
      l.add(Layers.leakyRelu(0.2f));
    }
    l.add(conv(b, rng, w * mult, 1, 1, true, sn));
    return l.toArray(Module[]::new);
  }

  private static Conv2d conv(Backend b, Generator rng, int in, int out, int stride, boolean bias, boolean sn) {
    Conv2d c = new Conv2d(b, rng, in, out, 4, stride, 1, bias);
    return sn ? c.spectralNorm(rng) : c;
  }
}
