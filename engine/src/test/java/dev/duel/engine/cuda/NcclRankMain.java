package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.duel.engine.cuda.nccl.NcclComm;
import dev.duel.engine.cuda.nccl.NcclDataType;
import dev.duel.engine.cuda.nccl.NcclException;
import dev.duel.engine.cuda.nccl.NcclLibrary;
import dev.duel.engine.cuda.nccl.NcclRedOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * One rank in a child JVM, for {@link NcclStandInTest}: {@code NcclRankMain ID_HEX NRANKS RANK MODE}.
 * MODE {@code sum}: all-reduces {@link NcclStandInTest#rankData} and prints "ok " + the result's bits hashed;
 * {@code exit}: joins, then exits with status 3 before any collective (a dead rank); {@code join}: only joins
 * (prints the error when joining fails). Errors are printed as "error " + the message, exit 1.
 */
public final class NcclRankMain {
  public static void main(String[] args) {
    byte[] id = HexFormat.of().parseHex(args[0]);
    int n = Integer.parseInt(args[1]), rank = Integer.parseInt(args[2]);
    String mode = args[3];
    NcclLibrary lib = NcclLibraries.forDevice("cuda-emu");
    try (NcclComm comm = lib.initRank(id, n, rank)) {
      if (mode.equals("exit")) Runtime.getRuntime().halt(3);
      if (mode.equals("sum")) {
        int count = Integer.parseInt(args[4]);
        MemorySegment buf = Arena.global().allocate(JAVA_FLOAT, count);
        MemorySegment.copy(NcclStandInTest.rankData(rank, count), 0, buf, JAVA_FLOAT, 0, count);
        comm.allReduce(buf.address(), buf.address(), count, NcclDataType.FLOAT32, NcclRedOp.SUM, 0);
        System.out.println("ok " + NcclStandInTest.hash(buf.toArray(JAVA_FLOAT)));
      } else {
        System.out.println("ok joined");
      }
    } catch (NcclException e) {
      System.out.println("error " + e.getMessage());
      System.exit(1);
    }
  }
}
