package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Tensor;
import dev.duel.engine.cuda.nccl.NcclLibrary;
import java.util.Arrays;
import java.util.Locale;

/**
 * The GPU kit's NCCL part ({@code NcclOneRankCheck cuda|cuda-emu}): the FFM binding against the libnccl.so.2
 * the device finds (NVIDIA's on a GPU machine, Duel's stand-in on cuda-emu), with one rank — a lent machine has
 * one GPU, and NCCL refuses two ranks on one device. Unique id, communicator on the backend's device,
 * all-reduce (sum over one rank: the input, bit for bit) and broadcast from root 0 on 1,000,003 floats of
 * device memory, inside and outside a group, the async error, destroy. Prints one line per check; exit 1 when
 * one fails, 0 with "not run" when no NCCL is found (the reason and the fix are printed).
 */
public final class NcclOneRankCheck {
  public static void main(String[] args) {
    String device = args.length > 0 ? args[0] : "cuda";
    NcclLibrary lib;
    try {
      lib = NcclLibraries.forDevice(device);
    } catch (IllegalStateException e) {
      System.out.println("not run: " + e.getMessage());
      return;
    }
    System.out.println("library: " + lib.describe());
    Backend backend = CudaBackends.get(device);
    int n = 1_000_003;
    float[] x = new float[n], y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) Math.sin(i * 0.001) * (1 + i % 7);
      y[i] = (float) Math.cos(i * 0.003) - i % 5;
    }
    boolean ok = true;
    try (NcclCommunicator comm = NcclCommunicator.open(backend, lib.uniqueId(), 1, 0)) {
      Tensor tx = Tensor.of(backend, x, n), ty = Tensor.of(backend, y, n);
      long t0 = System.nanoTime();
      comm.allReduceSum(tx);
      float[] gx = tx.toArray();                                          // waits for the stream
      long t1 = System.nanoTime();
      lib.groupStart();
      comm.broadcast(ty, 0);
      lib.groupEnd();
      float[] gy = ty.toArray();
      long t2 = System.nanoTime();
      boolean sumOk = Arrays.equals(x, gx), bcastOk = Arrays.equals(y, gy);
      String async = comm.asyncError();
      System.out.println(String.format(Locale.ROOT, "all-reduce (sum, 1 rank) of %,d floats on %s: %s (%.1f ms with the copy back)",
          n, device, sumOk ? "exact" : "WRONG", (t1 - t0) / 1e6));
      System.out.println(String.format(Locale.ROOT, "broadcast (root 0, in a group) of %,d floats: %s (%.1f ms with the copy back)",
          n, bcastOk ? "exact" : "WRONG", (t2 - t1) / 1e6));
      System.out.println("async error after the calls: " + async);
      ok = sumOk && bcastOk && async.equals("ncclSuccess");
    } catch (RuntimeException e) {
      System.out.println("FAILED: " + e.getMessage());
      ok = false;
    }
    System.out.println(ok ? "nccl: OK" : "nccl: FAILED");
    System.exit(ok ? 0 : 1);
  }
}
