package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.ConvTranspose2d;
import dev.duel.nn.Dropout;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;
import java.util.Arrays;

/**
 * pix2pix's generator (Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
 * Networks", appendix 6.1.1): an encoder–decoder whose decoder block i also sees encoder block i's
 * output through a skip connection (channel concatenation), as in Ronneberger et al.'s U-Net.
 *
 * <p>Shape legend: N batch, C_in/C_out the input/output channels, P×P the working size, D the depth,
 * w the width (--width), c_i = w·min(2^i, 8) the channels of encoder block i (i = 0 … D−1).
 * <pre>
 *   e_0 = Conv_0(x̃)                                   N×c_0×P/2×P/2           (no norm)
 *   e_i = BN(Conv_i(LReLU_0.2(e_{i−1})))              N×c_i×P/2^(i+1)×…       (0 &lt; i &lt; D−1)
 *   e_{D−1} = Conv_{D−1}(LReLU_0.2(e_{D−2}))          N×c_{D−1}×1×1           (the bottleneck, no norm)
 *   d_{D−1} = Drop(BN(ConvT_{D−1}(ReLU(e_{D−1}))))    N×c_{D−2}×2×2
 *   d_i = [Drop](BN(ConvT_i(ReLU([d_{i+1}, e_i]))))   N×c_{i−1}×…             (0 &lt; i &lt; D−1)
 *   G(x) = crop(tanh(ConvT_0(ReLU([d_1, e_0]))))       N×C_out×H×W
 * </pre>
 * Conv = Conv2d(4, stride 2, padding 1) halves the side, ConvT = ConvTranspose2d(4, 2, 1) doubles it;
 * [a, b] is concatenation on channels. Convolutions followed by batch norm have no bias (BN's β is one);
 * the first and the last keep theirs. Drop is inverted dropout with p = 0.5 in training, the noise of
 * pix2pix (its G takes no z: Gaussian noise at the input was ignored, dropout is not), on the decoder
 * blocks whose output is at most 8×8 — at 256×256 that is the paper's three innermost CD512 blocks.
 *
 * <p>Depth from the size: the image (H×W, both in [8, 1024]) is zero-padded, centred, to P×P with P the
 * smallest power of two ≥ max(H, W), and D = log2 P, so the bottleneck is 1×1 (28×28 → P = 32, D = 5;
 * 32 → D = 5; 64 → D = 6; 256 → D = 8, the paper's unet_256). 28 = 4·7 is not a power of two: strided
 * 4×4 convolutions would take 7×7 to 3×3 and back to 6×6, so the skips would not line up; padding to 32
 * keeps every level even, and the 2-pixel border is cropped off the output (so D and the L1 loss see
 * H×W only; G learns to ignore the border of its input).
 *
 * <p>State names (PyTorch style): {@code down.i.conv.weight}, {@code down.i.norm.*},
 * {@code up.i.conv.weight}, {@code up.i.conv.bias} (i = 0 only), {@code up.i.norm.*}.
 */
public final class UNet extends Module {
  /** Dropout probability of the innermost decoder blocks. */
  public static final float DROPOUT = 0.5f;
  /** Decoder blocks whose output side is at most this get dropout. */
  public static final int DROPOUT_MAX_SIDE = 8;
  public static final int MIN_SIDE = 8, MAX_SIDE = 1024;

  private final int inChannels, outChannels, height, width, side, depth, widthW;
  private final Sequential down, up;

  /**
   * @param dropoutRng the stream dropout draws its masks from (the trainer's train stream, so a resumed
   *                   run draws the same masks); null builds no dropout (and training draws nothing)
   */
  public UNet(Backend b, Generator initRng, Generator dropoutRng, int inChannels, int outChannels, int height, int width, int w) {
    if (inChannels < 1 || outChannels < 1) throw new IllegalArgumentException("UNet: channels must be >= 1, got " + inChannels + " → " + outChannels);
    if (height < MIN_SIDE || width < MIN_SIDE || height > MAX_SIDE || width > MAX_SIDE) {
      throw new IllegalArgumentException("UNet: images of " + height + "×" + width + " are outside the supported "
          + MIN_SIDE + "…" + MAX_SIDE + " pixels a side");
    }
    if (w < 1) throw new IllegalArgumentException("UNet: width must be >= 1, got " + w);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.height = height;
    this.width = width;
    this.widthW = w;
    this.side = Integer.highestOneBit(Math.max(height, width) - 1) << 1;      // next power of two ≥ max(H, W)
    this.depth = Integer.numberOfTrailingZeros(side);
    Module[] downs = new Module[depth], ups = new Module[depth];
    for (int i = 0; i < depth; i++) {
      boolean norm = i > 0 && i < depth - 1;
      downs[i] = new Block(new Conv2d(b, initRng, i == 0 ? inChannels : channels(i - 1), channels(i), 4, 2, 1, !norm),
          norm ? BatchNorm.bn2d(b, channels(i)) : null, null);
    }
    for (int i = depth - 1; i >= 0; i--) {
      int in = i == depth - 1 ? channels(i) : 2 * channels(i), out = i == 0 ? outChannels : channels(i - 1);
      int outSide = side >> i;
      boolean drop = i > 0 && outSide <= DROPOUT_MAX_SIDE && dropoutRng != null;
      ups[i] = new Block(new ConvTranspose2d(b, initRng, in, out, 4, 2, 1, i == 0),
          i > 0 ? BatchNorm.bn2d(b, out) : null, drop ? new Dropout(DROPOUT, dropoutRng) : null);
    }
    down = registerModule("down", new Sequential(downs));
    up = registerModule("up", new Sequential(ups));
  }

  /** c_i = w·min(2^i, 8). */
  private int channels(int i) {
    return widthW * Math.min(1 << Math.min(i, 3), 8);
  }

  /** x: N×C_in×H×W in [−1, 1] → G(x): N×C_out×H×W in (−1, 1). */
  @Override
  public Tensor forward(Tensor x) {
    return forwardWithSkips(x, -1);
  }

  /**
   * The forward pass with encoder block {@code cutSkip}'s skip replaced by zeros (−1: none cut); for
   * the test that shows the decoder reads every skip.
   */
  public Tensor forwardWithSkips(Tensor x, int cutSkip) {
    if (x.dim() != 4 || x.size(1) != inChannels || x.size(2) != height || x.size(3) != width) {
      throw new IllegalArgumentException("UNet: input must be N×" + inChannels + "×" + height + "×" + width + ", got "
          + Arrays.toString(x.shape()));
    }
    Tensor[] e = new Tensor[depth];
    Tensor h = pad(x);
    for (int i = 0; i < depth; i++) {
      h = ((Block) down.get(i)).forward(i == 0 ? h : h.leakyRelu(0.2f));
      e[i] = h;
    }
    Tensor d = e[depth - 1];
    for (int i = depth - 1; i >= 0; i--) {
      Tensor in = d;
      if (i < depth - 1) {
        Tensor skip = i == cutSkip ? Tensor.zeros(x.backend(), e[i].shape()) : e[i];
        in = Tensor.concat(1, d, skip);
      }
      d = ((Block) up.get(i)).forward(in.relu());
    }
    return crop(d.tanh());
  }

  /** x̃: x zero-padded (centred) to P×P; x itself when H = W = P. */
  private Tensor pad(Tensor x) {
    int top = (side - height) / 2, left = (side - width) / 2;
    int n = x.size(0), c = x.size(1);
    Tensor h = x;
    if (side != height) {
      h = Tensor.concat(2, Tensor.zeros(x.backend(), n, c, top, width), h, Tensor.zeros(x.backend(), n, c, side - height - top, width));
    }
    if (side != width) {
      h = Tensor.concat(3, Tensor.zeros(x.backend(), n, c, side, left), h, Tensor.zeros(x.backend(), n, c, side, side - width - left));
    }
    return h;
  }

  private Tensor crop(Tensor y) {
    int top = (side - height) / 2, left = (side - width) / 2;
    Tensor out = y;
    if (side != height) out = out.narrow(2, top, height);
    if (side != width) out = out.narrow(3, left, width);
    return out;
  }

  /** D: encoder (and decoder) blocks. */
  public int depth() { return depth; }

  /** P: the padded side the network works at. */
  public int paddedSide() { return side; }

  public int inChannels() { return inChannels; }

  public int outChannels() { return outChannels; }

  public int height() { return height; }

  public int width() { return width; }

  @Override
  public String describe() {
    return "UNet(" + inChannels + "→" + outChannels + ", " + height + "×" + width + " padded to " + side + "×" + side
        + ", depth " + depth + ", width " + widthW + ")";
  }

  /** conv → norm → dropout (each but the conv optional); children "conv", "norm". */
  static final class Block extends Module {
    private final Module conv, norm, dropout;

    Block(Module conv, Module norm, Module dropout) {
      this.conv = registerModule("conv", conv);
      this.norm = norm == null ? null : registerModule("norm", norm);
      this.dropout = dropout == null ? null : registerModule("dropout", dropout);
    }

    @Override
    public Tensor forward(Tensor x) {
      Tensor h = conv.forward(x);
      if (norm != null) h = norm.forward(h);
      if (dropout != null) h = dropout.forward(h);
      return h;
    }
  }
}
