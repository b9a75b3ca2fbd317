package dev.duel.engine;

/**
 * One rank's end of a group of processes that train together (data parallelism): collectives on tensors of
 * this rank's device, in place. Every rank must make the same calls in the same order with tensors of the
 * same size; a call returns when its result may be read (on a GPU: enqueued before any later work of the
 * backend's stream). The NCCL implementation is {@code dev.duel.engine.cuda.NcclCommunicator}.
 */
public interface Communicator extends AutoCloseable {
  /** This process's rank, 0 … worldSize − 1. */
  int rank();

  int worldSize();

  /** t = Σ over ranks of t (float32 sum), the same bits on every rank. t must be contiguous. */
  void allReduceSum(Tensor t);

  /** t = rank {@code root}'s t, on every rank. t must be contiguous. */
  void broadcast(Tensor t, int root);

  /** Breaks the group at once: the peers' pending and later calls fail (a rank that is going down). */
  void abort();

  /** The library and where it came from, e.g. "NCCL 2.27.3 (libnccl.so.2 (dynamic linker))". */
  String describe();

  @Override
  void close();
}
