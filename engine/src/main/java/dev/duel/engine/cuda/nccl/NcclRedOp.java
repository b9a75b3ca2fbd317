package dev.duel.engine.cuda.nccl;

/** NCCL's built-in ncclRedOp_t values (nccl.h.in). AVG (NCCL ≥ 2.10) is the sum divided by the rank count. */
public enum NcclRedOp {
  SUM(0), PROD(1), MAX(2), MIN(3), AVG(4);

  public final int code;

  NcclRedOp(int code) {
    this.code = code;
  }
}
