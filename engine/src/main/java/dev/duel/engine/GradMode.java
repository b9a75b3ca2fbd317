package dev.duel.engine;

/**
 * Whether ops record the graph, per thread. {@code try (var g = GradMode.disabled()) { ... }} is
 * PyTorch's {@code torch.no_grad()}.
 */
public final class GradMode implements AutoCloseable {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
  private final boolean previous;

  private GradMode(boolean enabled) {
    boolean[] flag = ENABLED.get();
    previous = flag[0];
    flag[0] = enabled;
  }

  public static boolean isEnabled() {
    return ENABLED.get()[0];
  }

  /** No graph is recorded until the returned scope closes. */
  public static GradMode disabled() {
    return new GradMode(false);
  }

  /** Sets grad mode to {@code enabled} until the returned scope closes. */
  public static GradMode set(boolean enabled) {
    return new GradMode(enabled);
  }

  @Override
  public void close() {
    ENABLED.get()[0] = previous;
  }
}
