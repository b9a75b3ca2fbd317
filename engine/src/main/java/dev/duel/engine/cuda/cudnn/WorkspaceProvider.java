package dev.duel.engine.cuda.cudnn;

/**
 * Supplies device scratch memory for cuDNN calls, normally from the CUDA backend's caching allocator.
 *
 * <p>{@link #address} is called at most once per facade call, with {@code bytes > 0}, and must answer a
 * device address of at least that many bytes (aligned to 256 bytes, as cudaMalloc's are). The memory
 * must stay reserved for work queued on the cuDNN handle's stream: handing the same block out again
 * for later work on that stream is fine (stream order makes it safe), freeing it to another stream
 * before the queued work has run is not. A provider may keep one growing block and return it every time.
 */
@FunctionalInterface
public interface WorkspaceProvider {
  long address(long bytes);
}
