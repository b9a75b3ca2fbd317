package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.Communicator;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a trainer shares the work of a world of W ranks (synchronous data parallelism, as PyTorch's DDP):
 * <ul>
 *   <li>the global batch B (--batch) is cut into W shards of B/W: rank r takes rows [r·B/W, (r+1)·B/W) of
 *       every global batch of the shared permutation ({@link BatchSource}), so an epoch's shards are
 *       disjoint and together are exactly the one-process epoch;</li>
 *   <li>rank r draws its noise from its own stream, {@link RunStreams#train(long, int)} (rank 0's is the
 *       one-process stream);</li>
 *   <li>after each backward pass the gradients are averaged, ḡ = (1/W)·Σ_r g_r, in flat buckets of at
 *       most {@value #BUCKET_FLOATS} floats (100 MiB) — each loss is a mean over its shard, so ḡ is the
 *       gradient of the mean over the global batch — and the optimiser steps on ḡ, identically on every
 *       rank (all-reduce hands every rank the same bits);</li>
 *   <li>rank 0 alone writes metrics, samples, checkpoints and FID.</li>
 * </ul>
 * Three shapes: {@link #single()} (W = 1, the plain trainer), {@link #rank} (one rank of a group, with a
 * {@link Communicator}), and {@link #simulated} — one process computing all W shards at once, each shard
 * with its own rank's data rows and noise stream, concatenated into the global batch. The last is the
 * reference a data-parallel run must match (up to float rounding and batch statistics).
 */
public final class DataParallel {
  /** Floats per gradient bucket: 25 Mi floats (100 MiB), the order of DDP's 25 MB buckets. */
  static final int BUCKET_FLOATS = 25 << 20;

  private final int world;
  private final int[] localRanks;
  private final Communicator comm;

  private DataParallel(int world, int[] localRanks, Communicator comm) {
    this.world = world;
    this.localRanks = localRanks;
    this.comm = comm;
  }

  /** One process, one rank: the plain trainer. */
  public static DataParallel single() {
    return new DataParallel(1, new int[] {0}, null);
  }

  /** Rank {@code comm.rank()} of {@code comm.worldSize()}. */
  public static DataParallel rank(Communicator comm) {
    return new DataParallel(comm.worldSize(), new int[] {comm.rank()}, comm);
  }

  /** All {@code world} ranks' shards in one process, with no communication: the reference of a data-parallel run. */
  public static DataParallel simulated(int world) {
    if (world < 1) throw new IllegalArgumentException("the number of simulated ranks must be at least 1, got " + world);
    int[] all = new int[world];
    for (int r = 0; r < world; r++) all[r] = r;
    return new DataParallel(world, all, null);
  }

  public int world() { return world; }

  /** The ranks this process computes: {r} for a rank, 0..W−1 when simulated. */
  public int[] localRanks() { return localRanks.clone(); }

  /** Rank 0 alone writes files. */
  public boolean writes() {
    return localRanks[0] == 0;
  }

  /** The rank this process is (its first shard's). */
  public int rank() {
    return localRanks[0];
  }

  public boolean communicates() {
    return comm != null && world > 1;
  }

  /** True when one process computes several ranks' shards ({@link #simulated} with W > 1). */
  boolean simulatesRanks() {
    return localRanks.length > 1;
  }

  /** --batch must divide by W (a clear error otherwise); returns the shard size B/W. */
  int shard(int globalBatch) {
    if (globalBatch % world != 0) {
      throw new IllegalArgumentException("--batch " + globalBatch + " is the global batch and must divide by the " + world
          + " ranks; use a multiple of " + world + " (e.g. " + Math.max(world, globalBatch / world * world) + ")");
    }
    return globalBatch / world;
  }

  /** One Philox stream per local rank, keyed by {@link RunStreams#train(long, int)}. */
  List<Generator> trainStreams(long seed) {
    List<Generator> g = new ArrayList<>();
    for (int r : localRanks) g.add(new Generator(RunStreams.train(seed, r)));
    return g;
  }

  /** z for this process's rows: each local rank's shard×latent from its own stream, concatenated in rank order. */
  static Tensor noise(List<Generator> streams, Backend backend, int shard, int latent) {
    if (streams.size() == 1) return streams.getFirst().normal(backend, 0f, 1f, shard, latent);
    Tensor[] parts = new Tensor[streams.size()];
    for (int i = 0; i < parts.length; i++) parts[i] = streams.get(i).normal(backend, 0f, 1f, shard, latent);
    return Tensor.concat(0, parts);
  }

  /** Makes every rank's tensors equal to rank 0's (its weights and buffers): the start of every run. */
  void broadcastFromRank0(Map<String, Tensor> state) {
    if (!communicates()) return;
    try (GradMode off = GradMode.disabled()) {
      for (Tensor t : state.values()) {
        if (!t.isContiguous()) throw new IllegalStateException("a model tensor is not contiguous: cannot broadcast it");
        comm.broadcast(t, 0);
      }
    }
  }

  /**
   * ḡ = (1/W)·Σ_r g_r for every parameter's gradient (a missing gradient counts as 0), and the same mean of
   * {@code extras} (the step's losses): returns the averaged extras. Without communication it returns
   * {@code extras} and leaves the gradients alone.
   */
  float[] averageGradients(List<Tensor> params, float... extras) {
    if (!communicates()) return extras;
    try (GradMode off = GradMode.disabled()) {
      List<Tensor> bucket = new ArrayList<>();
      long floats = 0;
      float[] out = extras;
      for (int i = 0; i <= params.size(); i++) {
        boolean last = i == params.size();
        if (!last) {
          Tensor p = params.get(i);
          if (p.grad() == null) p.setGrad(Tensor.zeros(p.backend(), p.shape()));
          if (!bucket.isEmpty() && floats + p.numel() > BUCKET_FLOATS) {
            reduceBucket(bucket, null);
            bucket.clear();
            floats = 0;
          }
          bucket.add(p);
          floats += p.numel();
        } else {
          out = reduceBucket(bucket, extras);                       // the last bucket carries the extras
        }
      }
      return out;
    }
  }

  /** Packs the gradients (and extras) into one flat tensor, all-reduces it, scales by 1/W and unpacks it. */
  private float[] reduceBucket(List<Tensor> params, float[] extras) {
    if (params.isEmpty()) throw new IllegalStateException("a gradient bucket needs at least one parameter");
    int n = params.size() + (extras != null && extras.length > 0 ? 1 : 0);
    Backend backend = params.getFirst().backend();
    Tensor[] parts = new Tensor[n];
    for (int i = 0; i < params.size(); i++) parts[i] = params.get(i).grad().contiguous().reshape(-1);
    if (n > params.size()) parts[n - 1] = Tensor.of(backend, extras, extras.length);
    Tensor flat = n == 1 ? parts[0].contiguous().mul(1f) : Tensor.concat(0, parts);   // a fresh buffer either way
    comm.allReduceSum(flat);
    Tensor mean = flat.mul(1f / world);
    long at = 0;
    for (Tensor p : params) {
      int len = (int) p.numel();
      p.grad().assign(mean.narrow(0, (int) at, len).reshape(p.shape()));
      at += len;
    }
    float[] avg = extras;
    if (n > params.size()) avg = mean.narrow(0, (int) at, extras.length).toArray();
    flat.close();
    mean.close();
    return avg;
  }

  /**
   * The mean over ranks of per-rank values (D(x), D(G(z)) of the shard) and whether any rank asks to stop: the
   * last element of {@code values} is a stop flag (0 or 1) and comes back as the sum (≥ 1: some rank stops).
   */
  float[] averageScalars(Backend backend, float[] values) {
    if (!communicates()) return values;
    try (GradMode off = GradMode.disabled()) {
      Tensor t = Tensor.of(backend, values, values.length);
      comm.allReduceSum(t);
      float[] sum = t.toArray();
      t.close();
      for (int i = 0; i < sum.length - 1; i++) sum[i] /= world;
      return sum;
    }
  }

  /**
   * Checks that this rank's tensors are bit for bit rank 0's (data parallelism keeps replicas identical: every rank
   * steps on the same averaged gradient): rank 0's values are broadcast, each rank counts the elements that differ,
   * and the counts are summed. Returns the total (0: identical everywhere); without communication, 0.
   */
  long differingFromRank0(List<Tensor> tensors) {
    if (!communicates()) return 0;
    try (GradMode off = GradMode.disabled()) {
      Tensor[] parts = new Tensor[tensors.size()];
      for (int i = 0; i < parts.length; i++) parts[i] = tensors.get(i).contiguous().reshape(-1);
      Tensor mine = Tensor.concat(0, parts);
      Tensor theirs = mine.mul(1f);                                      // a copy, overwritten by rank 0's values
      comm.broadcast(theirs, 0);
      float[] a = mine.toArray(), b = theirs.toArray();
      long differ = 0;
      for (int i = 0; i < a.length; i++) if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) differ++;
      Tensor count = Tensor.of(mine.backend(), new float[] {differ}, 1);  // exact: far below 2^24 per rank here
      comm.allReduceSum(count);
      long total = (long) count.item();
      mine.close();
      theirs.close();
      count.close();
      return total;
    }
  }
}
