package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.VectorLoops.SUM_BLOCK;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorLoops#sumRuns} for many channels at once, fed one run (an image's plane of one channel) at a time in
 * memory order: image by image, channel by channel, so an N×C×HW tensor is read as one stream instead of C strided
 * walks of N short runs each (a 14×14 plane is 13 cache lines, C·HW floats from the next; 128×64×196 summed a third
 * faster with the caches cold, 7×7 planes no faster: docs/benchmarks.md, session 15). Each channel keeps its own
 * float32 lanes, held count and double total, so the runs of a channel, added in image order, give bit for bit the
 * double that sumRuns gives.
 */
final class ChannelRunSums {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  private final int len, upper;
  private final double[] total;
  private final float[] lanes;
  private final int[] held;

  /** For runs of len floats of the given number of channels. */
  ChannelRunSums(int channels, int len) {
    this.len = len;
    this.upper = F.loopBound(len);
    this.total = new double[channels];
    this.lanes = len >= SUM_BLOCK ? null : new float[channels * L];
    this.held = len >= SUM_BLOCK ? null : new int[channels];
  }

  /** Adds the run x[at … at+len) to channel ch's sum: the next run of that channel, in sumRuns' order. */
  void add(int ch, float[] x, int at) {
    if (lanes == null) {
      total[ch] += VectorLoops.sum(x, at, len);
      return;
    }
    FloatVector acc = FloatVector.fromArray(F, lanes, ch * L);
    int i = 0;
    for (; i < upper; i += L) acc = acc.add(FloatVector.fromArray(F, x, at + i));
    double t = total[ch];
    for (; i < len; i++) t += x[at + i];
    int h = held[ch] + upper;
    if (h >= SUM_BLOCK) {
      acc.intoArray(lanes, ch * L);
      for (int l = 0; l < L; l++) t += lanes[ch * L + l];
      acc = FloatVector.zero(F);
      h = 0;
    }
    acc.intoArray(lanes, ch * L);
    total[ch] = t;
    held[ch] = h;
  }

  /** Channel ch's sum over the runs added so far, the lanes still held included. */
  double sum(int ch) {
    double t = total[ch];
    if (held != null && held[ch] != 0) {
      for (int l = 0; l < L; l++) t += lanes[ch * L + l];
    }
    return t;
  }
}
