package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Conv2d;
import dev.duel.nn.Dropout;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import dev.duel.nn.Sequential;

/**
 * The feature network of Duel's metrics: a small CNN that classifies 28×28 grayscale images in [−1, 1]
 * into the 10 Fashion-MNIST classes. Its 128-d penultimate activations are the features of FID, KID and
 * precision/recall; its softmax gives the classifier score and the class coverage.
 *
 * <pre>
 * index layer                        output (N = batch)
 *  0    Conv2d(1, 32, 3, 1, 1)       N×32×28×28
 *  1    ReLU
 *  2    Conv2d(32, 32, 3, 2, 1)      N×32×14×14
 *  3    ReLU
 *  4    Conv2d(32, 64, 3, 2, 1)      N×64×7×7
 *  5    ReLU
 *  6    Flatten                      N×3136
 *  7    Linear(3136, 128)            N×128
 *  8    ReLU                         N×128   ← features φ(x)
 *  9    Dropout(0.3)                 (training only)
 * 10    Linear(128, 10)              N×10    ← logits
 * </pre>
 * State names are PyTorch's ({@code 0.weight}, {@code 10.bias}), so the same net in PyTorch loads the file.
 */
public final class FashionClassifier extends Sequential {
  public static final int CLASSES = 10;
  public static final int FEATURES = 128;
  /** Index of the layer whose output is the feature vector. */
  public static final int FEATURE_LAYER = 8;
  /** What the weights file's metadata "architecture" must say. */
  public static final String ARCHITECTURE = "duel-fashion-cnn-v1: conv32-conv32s2-conv64s2-fc128-drop0.3-fc10";

  /** Features and logits of one batch. */
  public record Outputs(Tensor features, Tensor logits) {}

  /** A freshly initialised classifier (PyTorch's default init, drawn from {@code rng}). */
  public FashionClassifier(Backend b, Generator rng) {
    super(new Conv2d(b, rng, 1, 32, 3, 1, 1, true), Layers.relu(),
        new Conv2d(b, rng, 32, 32, 3, 2, 1, true), Layers.relu(),
        new Conv2d(b, rng, 32, 64, 3, 2, 1, true), Layers.relu(),
        Layers.flatten(),
        new Linear(b, rng, 64 * 7 * 7, FEATURES), Layers.relu(),
        new Dropout(0.3f, rng),
        new Linear(b, rng, FEATURES, CLASSES));
  }

  /** x: N×1×28×28 in [−1, 1] to logits N×10. */
  @Override
  public Tensor forward(Tensor x) {
    return run(x).logits();
  }

  /** x: N×1×28×28 to (features N×128, logits N×10) in one pass. */
  public Outputs run(Tensor x) {
    int[] s = x.shape();
    if (s.length != 4 || s[1] != 1 || s[2] != 28 || s[3] != 28) {
      throw new IllegalArgumentException("FashionClassifier: input of shape " + java.util.Arrays.toString(s)
          + " (want N×1×28×28 grayscale images in [-1, 1])");
    }
    Tensor f = forwardUpTo(x, FEATURE_LAYER);
    Tensor h = f;
    for (int i = FEATURE_LAYER + 1; i < size(); i++) h = get(i).forward(h);
    return new Outputs(f, h);
  }
}
