package dev.duel.engine.cuda.cudnn;

/**
 * Supplies device scratch memory for cuDNN calls, normally from the CUDA backend's caching allocator.
 *
 * <p>{@link #address} is asked only when an algorithm needs workspace, always with {@code bytes > 0},
 * and must answer a device address of at least that many bytes (aligned to 256 bytes, as cudaMalloc's
 * are). A facade call asks at most once, except the first call of a shape under measured algorithm
 * choice, which may ask twice (the block cudnnFind*AlgorithmEx times on, then a larger one if the
 * chosen algorithm needs more). The memory must stay reserved for work queued on the cuDNN handle's
 * stream: handing a block out again for later work on that stream is fine (stream order makes it
 * safe); returning it to the device or to another stream before the queued work has run is not. A
 * provider may keep one grow-only block and return it every time.
 */
@FunctionalInterface
public interface WorkspaceProvider {
  long address(long bytes);
}
