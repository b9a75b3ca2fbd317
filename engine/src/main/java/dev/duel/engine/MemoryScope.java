package dev.duel.engine;

import java.util.ArrayList;

/**
 * Frees a region's tensors deterministically: every tensor created on this thread while the scope is
 * open is closed when it closes, unless {@link #keep kept}. A training step runs in one scope, so its
 * activations and temporary gradients go back to the device allocator at the end of the step.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *   Tensor loss = ...;           // intermediates tracked
 *   loss.backward();             // parameter grads are kept automatically
 *   return loss.item();
 * }                              // intermediates closed here
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
  private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();
  private final MemoryScope parent;
  private final ArrayList<Tensor> tracked = new ArrayList<>();
  private boolean closed;

  private MemoryScope(MemoryScope parent) {
    this.parent = parent;
  }

  public static MemoryScope open() {
    MemoryScope s = new MemoryScope(CURRENT.get());
    CURRENT.set(s);
    return s;
  }

  static void track(Tensor t) {
    MemoryScope s = CURRENT.get();
    if (s != null) {
      s.tracked.add(t);
      t.owner = s;
    }
  }

  /** Moves t out of its scope (into the enclosing one, if any) so it survives the scope's close. */
  public static <T extends Tensor> T keep(T t) {
    if (t == null || t.owner == null) return t;
    MemoryScope up = t.owner.parent;
    t.owner = up;
    if (up != null) up.tracked.add(t);
    return t;
  }

  /**
   * Moves t into the scope that owns {@code owner} (out of every scope when owner is in none), so t
   * lives exactly as long as owner: a parameter's gradient belongs to the parameter, not to the scope
   * of the step (however deeply nested) that computed it.
   */
  public static <T extends Tensor> T keepWith(T t, Tensor owner) {
    if (t == null || t.owner == owner.owner) return t;
    MemoryScope to = owner.owner;
    t.owner = to;
    if (to != null) to.tracked.add(t);
    return t;
  }

  /** Tensors this scope would close now. */
  public int liveCount() {
    int n = 0;
    for (Tensor t : tracked) if (t.owner == this && !t.isClosed()) n++;
    return n;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (CURRENT.get() != this) {
      throw new IllegalStateException("MemoryScope closed out of order (scopes must nest)");
    }
    CURRENT.set(parent);
    for (Tensor t : tracked) {
      if (t.owner == this) t.close();
    }
    tracked.clear();
  }
}
