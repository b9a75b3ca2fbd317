package dev.duel.gan.cli;

import dev.duel.gan.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The picocli mapping of {@link TrainConfig}: one option per key of {@link TrainConfig#KEYS}, named
 * {@code --KEY}, with TrainConfig's defaults shown in the help. {@link #given} reads back the options
 * the user typed, by key, which TrainCommand layers over the defaults and the config file.
 */
final class TrainOptions {
  private static final TrainConfig DEFAULTS = new TrainConfig();

  // ---- model ----------------------------------------------------------------------------------
  @Option(names = "--model", paramLabel = "NAME", description = "mlp, dcgan28, cgan-mlp, keras-dcgan (the seed's Keras DCGAN, G on [0, 1]) or pix2pix (image to image: see --task) (default: ${DEFAULT-VALUE})")
  String model = DEFAULTS.model;

  @Option(names = "--latent", paramLabel = "N", description = "size of the noise vector z (default: ${DEFAULT-VALUE})")
  int latent = DEFAULTS.latent;

  @Option(names = "--width", paramLabel = "N",
      description = "model width w; 0 = the model's own (128 for mlp, cgan-mlp and keras-dcgan, 64 for dcgan28, 32 for pix2pix)")
  int width = DEFAULTS.width;

  // ---- objective and stabilisers -------------------------------------------------------------
  @Option(names = "--loss", paramLabel = "NAME", completionCandidates = LossNames.class,
      description = "GAN objective: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); wgan and wgan-gp bring their"
          + " papers' --d-steps 5, --beta1 0, --beta2 and learning rates unless given")
  String loss = DEFAULTS.loss;

  /** The names --loss accepts, listed by --help. */
  static final class LossNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return dev.duel.gan.train.Objectives.lossNames().iterator();
    }
  }

  @Option(names = "--label-smoothing", paramLabel = "S",
      description = "one-sided label smoothing: D's target for real images is 1 - S (default: 0 = off; 0.1 is usual)")
  float labelSmoothing = DEFAULTS.labelSmoothing;

  @Option(names = "--instance-noise", paramLabel = "SIGMA",
      description = "instance noise: N(0, sigma^2) added to every image D sees, sigma annealed linearly to 0 (default: 0 = off)")
  float instanceNoise = DEFAULTS.instanceNoise;

  @Option(names = "--instance-noise-steps", paramLabel = "T",
      description = "steps over which instance noise anneals to 0 (default: 0 = the run's steps at its start, kept on --resume)")
  long instanceNoiseSteps = DEFAULTS.instanceNoiseSteps;

  @Option(names = "--feature-matching", description = "G matches the mean of D's last hidden features instead of fooling D")
  boolean featureMatching = DEFAULTS.featureMatching;

  @Option(names = "--spectral-norm", description = "spectral normalisation of every weight of D")
  boolean spectralNorm = DEFAULTS.spectralNorm;

  @Option(names = "--d-norm", paramLabel = "NORM",
      description = "dcgan28's D normalisation: batch, layer or none (default: batch; layer with wgan-gp or --r1, none with --spectral-norm)")
  String dNorm = DEFAULTS.dNorm;

  @Option(names = "--minibatch-stddev", description = "minibatch standard deviation (ProGAN) before D's last layer (mlp, dcgan28)")
  boolean minibatchStddev = DEFAULTS.minibatchStddev;

  @Option(names = "--r1", paramLabel = "GAMMA", description = "R1 penalty weight (gamma/2 * ||grad D(x)||^2 on real images; default: 0 = off)")
  float r1 = DEFAULTS.r1;

  @Option(names = "--gp", paramLabel = "LAMBDA", description = "weight of the gradient penalty of --loss wgan-gp (default: ${DEFAULT-VALUE})")
  float gp = DEFAULTS.gp;

  @Option(names = "--clip", paramLabel = "C", description = "--loss wgan clips D's weights to [-C, C] after each D step (default: ${DEFAULT-VALUE})")
  float clip = DEFAULTS.clip;

  @Option(names = "--d-steps", paramLabel = "K", description = "D steps per G step, k of Algorithm 1 (default: ${DEFAULT-VALUE})")
  int dSteps = DEFAULTS.dSteps;

  // ---- optimisers -----------------------------------------------------------------------------
  @Option(names = "--lr-g", paramLabel = "LR", description = "G's Adam learning rate (default: ${DEFAULT-VALUE})")
  float lrG = DEFAULTS.lrG;

  @Option(names = "--lr-d", paramLabel = "LR", description = "D's Adam learning rate; differing from --lr-g is TTUR (default: ${DEFAULT-VALUE})")
  float lrD = DEFAULTS.lrD;

  @Option(names = "--beta1", paramLabel = "B", description = "Adam beta1 for both (default: ${DEFAULT-VALUE})")
  float beta1 = DEFAULTS.beta1;

  @Option(names = "--beta2", paramLabel = "B", description = "Adam beta2 for both (default: ${DEFAULT-VALUE})")
  float beta2 = DEFAULTS.beta2;

  @Option(names = "--ema-decay", paramLabel = "BETA",
      description = "keep an exponential moving average of G's weights (G-EMA) with this decay; 0 = off, 0.999 is usual")
  float emaDecay = DEFAULTS.emaDecay;

  // ---- schedule and data ----------------------------------------------------------------------
  @Option(names = "--epochs", paramLabel = "N", description = "passes over the data (default: ${DEFAULT-VALUE})")
  int epochs = DEFAULTS.epochs;

  @Option(names = "--batch", paramLabel = "N", description = "images per batch (default: ${DEFAULT-VALUE})")
  int batch = DEFAULTS.batch;

  @Option(names = "--seed", paramLabel = "N", description = "seed of every random stream of the run (default: ${DEFAULT-VALUE})")
  long seed = DEFAULTS.seed;

  @Mixin
  DeviceOptions device;                  // --device: the CLI's one device rule

  @Option(names = "--data", paramLabel = "FOLDER",
      description = "an MNIST-format folder (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]); default: the shipped Fashion-MNIST")
  String data = DEFAULTS.data;

  @Option(names = "--limit", paramLabel = "N",
      description = "at most N steps per epoch, for dry runs and tests (default: 0 = the whole data set)")
  int limit = DEFAULTS.limit;

  // ---- image-to-image (pix2pix) ---------------------------------------------------------------
  @Option(names = "--task", paramLabel = "TASK",
      description = "pix2pix's pairs: edges (sketch -> image), inpaint, superres, denoise (built from --data's images) or"
          + " folder:PATH (paired PNGs, input | target side by side; PATH/train and PATH/test when present) (default: ${DEFAULT-VALUE})")
  String task = DEFAULTS.task;

  @Option(names = "--edge-threshold", paramLabel = "T",
      description = "--task edges: a pixel is a line where the Sobel gradient magnitude of the [0, 1] gray image exceeds T (default: ${DEFAULT-VALUE})")
  float edgeThreshold = DEFAULTS.edgeThreshold;

  @Option(names = "--mask-size", paramLabel = "PIXELS",
      description = "--task inpaint: side of the square hole, at a random place in each image (default: ${DEFAULT-VALUE})")
  int maskSize = DEFAULTS.maskSize;

  @Option(names = "--scale", paramLabel = "S",
      description = "--task superres: the input is the image averaged over SxS blocks, shown at full size (default: ${DEFAULT-VALUE})")
  int scale = DEFAULTS.scale;

  @Option(names = "--noise-std", paramLabel = "SIGMA",
      description = "--task denoise: the input is the image plus N(0, SIGMA^2) noise, clamped to [-1, 1] (default: ${DEFAULT-VALUE})")
  float noiseStd = DEFAULTS.noiseStd;

  @Option(names = "--l1-weight", paramLabel = "LAMBDA",
      description = "pix2pix: L_G = L_cGAN + LAMBDA * mean|y - G(x)| (default: ${DEFAULT-VALUE})")
  float l1Weight = DEFAULTS.l1Weight;

  @Option(names = "--l1-only", description = "pix2pix: train the U-Net on LAMBDA * mean|y - G(x)| alone, with no D (the baseline)")
  boolean l1Only = DEFAULTS.l1Only;

  // ---- outputs --------------------------------------------------------------------------------
  @Option(names = "--out", paramLabel = "FOLDER", description = "where runs are kept (default: ${DEFAULT-VALUE})")
  String out = DEFAULTS.out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the run's folder under --out (default: the model's name, numbered -2, -3, ... when taken)")
  String name = DEFAULTS.name;

  @Option(names = "--sample-every", paramLabel = "STEPS",
      description = "also write a sample grid every STEPS steps (default: 0 = at each epoch's end only)")
  int sampleEvery = DEFAULTS.sampleEvery;

  @Option(names = "--checkpoint-every", paramLabel = "STEPS",
      description = "also write a checkpoint every STEPS steps (one is always written at each epoch's end; default: ${DEFAULT-VALUE})")
  int checkpointEvery = DEFAULTS.checkpointEvery;

  @Option(names = "--keep-checkpoints", paramLabel = "N", description = "keep the newest N checkpoints (default: ${DEFAULT-VALUE})")
  int keepCheckpoints = DEFAULTS.keepCheckpoints;

  // ---- evaluation during training --------------------------------------------------------------
  @Option(names = "--fid-every", paramLabel = "EPOCHS",
      description = "score FID every EPOCHS epochs (and after the last one) into metrics.jsonl; needs the data folder's test split (default: 0 = off)")
  int fidEvery = DEFAULTS.fidEvery;

  @Option(names = "--fid-samples", paramLabel = "N", description = "images generated for each --fid-every score (default: ${DEFAULT-VALUE})")
  int fidSamples = DEFAULTS.fidSamples;

  /** The TrainConfig options given on the command line, by key ("lr-d" → 4.0E-4). */
  static Map<String, Object> given(ParseResult parsed) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (OptionSpec o : parsed.matchedOptions()) {
      String key = o.longestName().substring(2);
      if (TrainConfig.KEYS.contains(key) && o.getValue() != null) m.put(key, o.getValue());
    }
    return m;
  }
}
