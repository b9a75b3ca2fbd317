package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Communicator;
import dev.duel.engine.Tensor;
import dev.duel.engine.cuda.nccl.NcclComm;
import dev.duel.engine.cuda.nccl.NcclDataType;
import dev.duel.engine.cuda.nccl.NcclLibrary;
import dev.duel.engine.cuda.nccl.NcclRedOp;

/**
 * {@link Communicator} over NCCL on a {@link CudaBackend}'s device: the tensors' device addresses go to
 * ncclAllReduce / ncclBroadcast on the legacy default stream (0), where the backend issues all its work, so a
 * collective is ordered after the kernels that wrote its input and before those that read its output.
 */
public final class NcclCommunicator implements Communicator {
  private final CudaBackend backend;
  private final NcclComm comm;

  NcclCommunicator(CudaBackend backend, NcclComm comm) {
    this.backend = backend;
    this.comm = comm;
  }

  /**
   * Joins rank {@code rank} of {@code world} to the communicator of {@code uniqueId} (from
   * {@link NcclLibraries#uniqueId}) on {@code backend}'s device; blocks until every rank has joined.
   */
  public static NcclCommunicator open(Backend backend, byte[] uniqueId, int world, int rank) {
    if (!(backend instanceof CudaBackend cb)) {
      throw new IllegalArgumentException("data-parallel training runs on NCCL, which needs --device cuda or cuda-emu, not "
          + backend.name());
    }
    NcclLibrary lib = NcclLibraries.forDevice(cb.device().mode == DriverMode.EMULATED ? "cuda-emu" : "cuda");
    cb.device().ensureCurrent();                          // NCCL binds the communicator to the current device
    return new NcclCommunicator(cb, lib.initRank(uniqueId, world, rank));
  }

  @Override
  public int rank() { return comm.rank(); }

  @Override
  public int worldSize() { return comm.size(); }

  @Override
  public void allReduceSum(Tensor t) {
    long a = address(t, "allReduceSum");
    comm.allReduce(a, a, t.numel(), NcclDataType.FLOAT32, NcclRedOp.SUM, 0L);
  }

  @Override
  public void broadcast(Tensor t, int root) {
    long a = address(t, "broadcast");
    comm.broadcast(a, a, t.numel(), NcclDataType.FLOAT32, root, 0L);
  }

  private long address(Tensor t, String op) {
    if (!t.isContiguous()) throw new IllegalArgumentException(op + ": the tensor must be contiguous");
    if (!(t.storageBuffer() instanceof CudaBuffer b)) {                // any backend over this CUDA device
      throw new IllegalArgumentException(op + ": the tensor is on " + t.backend().name() + ", the communicator on "
          + backend.name());
    }
    backend.device().ensureCurrent();
    return b.address(t.storageOffset());
  }

  @Override
  public void abort() {
    comm.abort();
  }

  @Override
  public String describe() {
    return comm.library().describe();
  }

  /** NCCL's async error as a name ("ncclSuccess", "ncclRemoteError", ...). */
  public String asyncError() {
    return dev.duel.engine.cuda.nccl.NcclResult.name(comm.asyncError());
  }

  @Override
  public void close() {
    comm.close();
  }
}
