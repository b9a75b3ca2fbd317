package dev.duel.engine.cuda.nccl;

/** NCCL's ncclDataType_t values (nccl.h.in) that Duel passes, with their sizes in bytes. */
public enum NcclDataType {
  INT8(0, 1), UINT8(1, 1), INT32(2, 4), UINT32(3, 4), INT64(4, 8), UINT64(5, 8), FLOAT32(7, 4), FLOAT64(8, 8);

  /** The C enum value. */
  public final int code;
  public final int bytes;

  NcclDataType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }
}
