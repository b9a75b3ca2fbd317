package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Tensor;
import dev.duel.engine.cuda.nccl.NcclComm;
import dev.duel.engine.cuda.nccl.NcclDataType;
import dev.duel.engine.cuda.nccl.NcclException;
import dev.duel.engine.cuda.nccl.NcclLibrary;
import dev.duel.engine.cuda.nccl.NcclRedOp;
import dev.duel.engine.cuda.nccl.NcclResult;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FFM NCCL binding against Duel's stand-in libnccl.so.2: ranks as threads of this JVM and as child JVMs.
 * All-reduce results are compared bit for bit with the rank-ordered fold ((x0 + x1) + x2) computed here, the
 * order the stand-in documents; a dead, aborting or absent rank must give an error naming it, never a hang.
 */
class NcclStandInTest {
  private static NcclLibrary lib;

  @BeforeAll
  static void load() {
    Path p = NcclLibraries.emulatedPath();
    assumeTrue(p != null && Files.isRegularFile(p), "the stand-in libnccl.so.2 is not built (no g++?)");
    lib = NcclLibraries.forDevice("cuda-emu");
  }

  /** Rank r's test data: values of mixed magnitude, so the order of the float sum matters. */
  static float[] rankData(int rank, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) x[i] = (float) (Math.sin(i * 0.37 + rank * 1.3) * Math.pow(10, (i + rank) % 7 - 3));
    return x;
  }

  static String hash(float[] x) {
    return Integer.toHexString(Arrays.hashCode(x));
  }

  /** Σ over ranks in rank order, float arithmetic: what every rank must get. */
  private static float[] foldedSum(int ranks, int count) {
    float[] acc = rankData(0, count);
    for (int r = 1; r < ranks; r++) {
      float[] x = rankData(r, count);
      for (int i = 0; i < count; i++) acc[i] += x[i];
    }
    return acc;
  }

  /** Runs body(rank) on n threads, each with its own communicator; returns their results in rank order. */
  private static <T> List<T> threads(int n, IntFunction<Callable<T>> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (int r = 0; r < n; r++) fs.add(pool.submit(body.apply(r)));
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reportsItselfAsTheStandIn() {
    assertTrue(lib.standIn());
    assertEquals("2.27.3", lib.versionString());
    assertTrue(lib.describe().contains("stand-in"), lib.describe());
    assertEquals(NcclLibrary.UNIQUE_ID_BYTES, lib.uniqueId().length);
    assertFalse(Arrays.equals(lib.uniqueId(), lib.uniqueId()), "two unique ids must differ");
  }

  @Test
  void allReduceSumIsTheRankOrderedFoldOnEveryRank() throws Exception {
    for (int ranks : new int[] {1, 2, 3}) {
      // 1,300,001 floats: more than one 4 MiB chunk (1,048,576 floats), and not a multiple of it
      for (int count : new int[] {0, 1, 17, 1_300_001}) {
        byte[] id = lib.uniqueId();
        List<float[]> got = threads(ranks, r -> () -> {
          try (NcclComm c = lib.initRank(id, ranks, r); Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(JAVA_FLOAT, Math.max(1, count));
            MemorySegment.copy(rankData(r, count), 0, buf, JAVA_FLOAT, 0, count);
            c.allReduce(buf.address(), buf.address(), count, NcclDataType.FLOAT32, NcclRedOp.SUM, 0);
            return Arrays.copyOf(buf.toArray(JAVA_FLOAT), count);
          }
        });
        float[] want = foldedSum(ranks, count);
        for (int r = 0; r < ranks; r++) assertArrayEquals(want, got.get(r), ranks + " ranks, " + count + " floats, rank " + r);
      }
    }
  }

  @Test
  void otherOpsTypesAndOutOfPlace() throws Exception {
    byte[] id = lib.uniqueId();
    int n = 3, count = 5;
    List<Object[]> got = threads(n, r -> () -> {
      try (NcclComm c = lib.initRank(id, n, r); Arena a = Arena.ofConfined()) {
        MemorySegment d = a.allocate(JAVA_DOUBLE, count), avg = a.allocate(JAVA_DOUBLE, count);
        MemorySegment l = a.allocate(JAVA_LONG, count), mx = a.allocate(JAVA_FLOAT, count);
        for (int i = 0; i < count; i++) {
          d.setAtIndex(JAVA_DOUBLE, i, i + 10.0 * r);
          l.setAtIndex(JAVA_LONG, i, (long) i << (40 + r));
          mx.setAtIndex(JAVA_FLOAT, i, (i + r) % 3);
        }
        c.allReduce(d.address(), avg.address(), count, NcclDataType.FLOAT64, NcclRedOp.AVG, 0);   // out of place
        c.allReduce(l.address(), l.address(), count, NcclDataType.INT64, NcclRedOp.SUM, 0);
        c.allReduce(mx.address(), mx.address(), count, NcclDataType.FLOAT32, NcclRedOp.MAX, 0);
        lib.groupStart();
        c.broadcast(d.address(), d.address(), count, NcclDataType.FLOAT64, 1, 0);                 // rank 1's d
        lib.groupEnd();
        return new Object[] {avg.toArray(JAVA_DOUBLE), l.toArray(JAVA_LONG), mx.toArray(JAVA_FLOAT), d.toArray(JAVA_DOUBLE)};
      }
    });
    for (Object[] g : got) {
      for (int i = 0; i < count; i++) {
        assertEquals(i + 10.0, ((double[]) g[0])[i], "avg of i, i+10, i+20");
        assertEquals(((long) i << 40) + ((long) i << 41) + ((long) i << 42), ((long[]) g[1])[i]);
        assertEquals(2f, ((float[]) g[2])[i], "max of the three residues mod 3");
        assertEquals(i + 10.0, ((double[]) g[3])[i], "broadcast from rank 1");
      }
    }
  }

  @Test
  void misuseIsNamed() throws Exception {
    NcclException e = assertThrows(NcclException.class, lib::groupEnd);
    assertEquals(NcclResult.INVALID_USAGE, e.result());
    assertTrue(e.getMessage().contains("ncclGroupEnd") && e.getMessage().contains("ncclInvalidUsage"), e.getMessage());
    e = assertThrows(NcclException.class, () -> lib.initRank(new byte[NcclLibrary.UNIQUE_ID_BYTES], 2, 0));
    assertEquals(NcclResult.INVALID_ARGUMENT, e.result());
    assertTrue(e.getMessage().contains("rank 0") && e.getMessage().contains("unique id"), e.getMessage());
    e = assertThrows(NcclException.class, () -> lib.initRank(lib.uniqueId(), 2, 2));
    assertTrue(e.getMessage().contains("rank 2 is outside 0..1"), e.getMessage());
  }

  @Test
  void anAbortingRankFailsItsPeersWithItsNumber() throws Exception {
    byte[] id = lib.uniqueId();
    List<String> got = threads(2, r -> () -> {
      NcclComm c = lib.initRank(id, 2, r);
      if (r == 0) {
        c.abort();
        return "aborted";
      }
      try (Arena a = Arena.ofConfined()) {
        MemorySegment buf = a.allocate(JAVA_FLOAT, 4);
        NcclException e = assertThrows(NcclException.class,
            () -> c.allReduce(buf.address(), buf.address(), 4, NcclDataType.FLOAT32, NcclRedOp.SUM, 0));
        assertEquals(NcclResult.name(NcclResult.REMOTE_ERROR), NcclResult.name(e.result()));
        assertEquals(NcclResult.REMOTE_ERROR, c.asyncError());
        c.close();
        return e.getMessage();
      }
    });
    String msg = got.get(1);
    assertTrue(msg.contains("ncclAllReduce") && msg.contains("on rank 1") && msg.contains("rank 0 aborted"), msg);
  }

  @Test
  void threeProcessesAgreeAndADeadOneIsNamed() throws Exception {
    int count = 100_003;
    byte[] id = lib.uniqueId();
    String hex = HexFormat.of().formatHex(id);
    Process p1 = child(Map.of(), hex, 3, 1, "sum", count), p2 = child(Map.of(), hex, 3, 2, "sum", count);
    try (NcclComm c = lib.initRank(id, 3, 0); Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(JAVA_FLOAT, count);
      MemorySegment.copy(rankData(0, count), 0, buf, JAVA_FLOAT, 0, count);
      c.allReduce(buf.address(), buf.address(), count, NcclDataType.FLOAT32, NcclRedOp.SUM, 0);
      assertArrayEquals(foldedSum(3, count), buf.toArray(JAVA_FLOAT));
    }
    String want = "ok " + hash(foldedSum(3, count));
    assertEquals(want, output(p1).strip());
    assertEquals(want, output(p2).strip());

    // rank 1 joins, then its process dies before the all-reduce: rank 0 must fail, naming it, not hang
    byte[] id2 = lib.uniqueId();
    Process dead = child(Map.of(), HexFormat.of().formatHex(id2), 2, 1, "exit", 0);
    try (NcclComm c = lib.initRank(id2, 2, 0); Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(JAVA_FLOAT, 8);
      long t0 = System.nanoTime();
      NcclException e = assertThrows(NcclException.class,
          () -> c.allReduce(buf.address(), buf.address(), 8, NcclDataType.FLOAT32, NcclRedOp.SUM, 0));
      assertTrue(e.remote() && e.getMessage().contains("rank 1 (pid " + dead.pid() + ") exited"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < 30e9, "the dead rank was noticed late");
    }
    assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
    assertEquals(3, dead.exitValue());
  }

  @Test
  void aRankThatNeverComesTimesOut() throws Exception {
    Process p = child(Map.of("FAKE_NCCL_TIMEOUT_MS", "300"), HexFormat.of().formatHex(lib.uniqueId()), 2, 0, "join", 0);
    String out = output(p).strip();
    assertEquals(1, p.exitValue());
    assertTrue(out.startsWith("error NCCL ncclCommInitRank(nranks 2) on rank 0 failed: ncclSystemError")
        && out.contains("timed out after 300 ms waiting for rank 1"), out);
  }

  @Test
  void communicatorOnCudaEmuTensors() throws Exception {
    TestCuda.assumeEmulated();                            // a JVM that runs a real GPU cannot start cuda-emu
    Backend emu = TestCuda.library();
    byte[] id = lib.uniqueId();
    int count = 1000;
    List<float[]> got = threads(2, r -> () -> {
      try (NcclCommunicator c = NcclCommunicator.open(emu, id, 2, r)) {
        assertEquals(r, c.rank());
        assertEquals(2, c.worldSize());
        Tensor t = Tensor.of(emu, rankData(r, count), 10, 100);
        c.allReduceSum(t);
        Tensor b = Tensor.of(emu, rankData(r + 5, count), count);
        c.broadcast(b.narrow(0, 0, count), 1);
        float[] sum = t.toArray(), bc = b.toArray();
        float[] both = Arrays.copyOf(sum, 2 * count);
        System.arraycopy(bc, 0, both, count, count);
        return both;
      }
    });
    float[] want = Arrays.copyOf(foldedSum(2, count), 2 * count);
    System.arraycopy(rankData(6, count), 0, want, count, count);
    assertArrayEquals(want, got.get(0));
    assertArrayEquals(want, got.get(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NcclCommunicator.open(dev.duel.engine.Devices.cpu(), id, 2, 0));
    assertTrue(e.getMessage().contains("--device cuda or cuda-emu"), e.getMessage());
  }

  private static Process child(Map<String, String> env, String idHex, int n, int rank, String mode, int count) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Xshare:auto");
    for (String p : new String[] {"duel.emu.dir", "duel.emu.nccl"}) {
      if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NcclRankMain.class.getName());
    cmd.addAll(List.of(idHex, String.valueOf(n), String.valueOf(rank), mode, String.valueOf(count)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    return pb.start();
  }

  private static String output(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child rank did not finish");
    return out;
  }
}
