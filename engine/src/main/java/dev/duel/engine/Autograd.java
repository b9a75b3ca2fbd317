package dev.duel.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the recorded graph: a topological sort from the outputs, then a
 * reversed walk that applies each node's backward closure and sums the gradients of tensors used more
 * than once (micrograd's {@code backward()}).
 *
 * <p>With {@code createGraph}, the closures run with grad mode on, so the returned gradients are
 * themselves differentiable: ∂/∂x ‖∇ₓD(x)‖ for WGAN-GP and R1.
 */
public final class Autograd {
  private Autograd() {}

  /** Adds ∂output/∂leaf (times gradOutput) into every leaf's grad; frees the graph unless retainGraph. */
  public static void backward(Tensor output, Tensor gradOutput, boolean retainGraph) {
    Tensor[] outs = {output};
    Tensor[] gouts = {gradOutput};
    run(outs, gouts, null, false, retainGraph, (leaf, g, owned) -> accumulateLeaf(leaf, g, false, owned));
  }

  /**
   * Like {@link #backward(Tensor, Tensor, boolean)} for a scalar, but adds gradients only into the given
   * leaves and evaluates only the part of the graph that leads to them (PyTorch's
   * {@code loss.backward(inputs=...)}): G's update skips the weight gradients of D.
   */
  public static void backward(Tensor output, java.util.Collection<Tensor> leaves) {
    Set<Tensor> targets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    targets.addAll(leaves);
    run(new Tensor[] {output}, null, targets, false, false, (leaf, g, owned) -> accumulateLeaf(leaf, g, false, owned));
  }

  /**
   * ∂(Σ outputs·gradOutputs)/∂inputs, without touching any .grad. gradOutputs may be null for scalar
   * outputs. An input the outputs do not depend on gets null (PyTorch's allow_unused).
   */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] gradOutputs, Tensor[] inputs,
                              boolean createGraph, boolean retainGraph) {
    Set<Tensor> targets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    targets.addAll(Arrays.asList(inputs));
    Map<Tensor, Tensor> found = new IdentityHashMap<>();
    run(outputs, gradOutputs, targets, createGraph, retainGraph, (t, g, owned) -> found.put(t, g));
    Tensor[] result = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) result[i] = found.get(inputs[i]);
    return result;
  }

  /** grad of a scalar output; the graph is kept when createGraph (PyTorch's default). */
  public static Tensor[] grad(Tensor output, Tensor[] inputs, boolean createGraph) {
    return grad(new Tensor[] {output}, null, inputs, createGraph, createGraph);
  }

  /** The tensors on a path to the requested inputs of the backward/grad call running on this thread. */
  private static final ThreadLocal<Set<Tensor>> NEEDED = new ThreadLocal<>();

  /**
   * Whether the backward closure running now must produce t's gradient (PyTorch's
   * {@code ctx.needs_input_grad}): t requires grad and, inside a backward/grad call, lies on a path to
   * one of the requested inputs. Closures test this, not {@code requiresGrad()}, so that
   * {@code backward(lossG, G's parameters)} does not compute D's weight gradients: in a GAN's G step
   * those are a third of D's backward work.
   */
  static boolean needsGrad(Tensor t) {
    if (!t.requiresGrad()) return false;
    Set<Tensor> needed = NEEDED.get();
    return needed == null || needed.contains(t);
  }

  /**
   * The gradient's destination in {@link #run}: a leaf (or requested input) and its gradient; {@code owned} when
   * the gradient is a whole buffer that this run's closures made and that no other pending gradient shares, so the
   * sink may keep the buffer instead of copying it.
   */
  @FunctionalInterface
  private interface Sink {
    void accept(Tensor t, Tensor g, boolean owned);
  }

  private static void accumulateLeaf(Tensor leaf, Tensor g, boolean createGraph, boolean owned) {
    Tensor existing;
    if (createGraph) {
      existing = leaf.grad();
      leaf.setGrad(MemoryScope.keepWith(existing == null ? g : existing.add(g), leaf));
      return;
    }
    Tensor zeroed = leaf.takeZeroedGrad();
    if (zeroed != null) {
      // The zeros zeroGrad() left pending, plus g: g's buffer itself when g is this run's own (the zeroed buffer goes
      // back to the backend with g), else a copy of g.
      if (owned && zeroed.holdsUnsharedBuffer()) {
        zeroed.exchangeStorage(g);
        g.close();
      } else {
        zeroed.assign(g);
      }
      return;
    }
    existing = leaf.grad();
    if (existing == null) {
      Tensor kept = g;
      if (!owned) {
        kept = Tensor.allocate(leaf.backend, leaf.shape);
        kept.assign(g);
      }
      leaf.setGrad(MemoryScope.keepWith(kept, leaf));
    } else {
      // existing += g, in place (existing is contiguous: it was allocated above).
      leaf.backend.binary(BinaryOp.ADD, existing.shape, existing.buffer(), existing.offset, existing.strides,
          g.buffer(), g.offset, Shape.broadcastStrides(g.shape, g.strides, existing.shape), existing.buffer());
    }
  }

  private static void run(Tensor[] outputs, Tensor[] gradOutputs, Set<Tensor> targets, boolean createGraph,
                          boolean retainGraph, Sink sink) {
    List<Tensor> order = topologicalOrder(outputs);
    // needed(t): t is a target, or some input of t is needed. Without targets, every leaf is one.
    Set<Tensor> needed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : order) {
      boolean need = targets == null ? t.gradFn == null : targets.contains(t);
      if (!need && t.gradFn != null) {
        for (Tensor in : t.gradFn.inputs) {
          if (in != null && needed.contains(in)) { need = true; break; }
        }
      }
      if (need) needed.add(t);
    }
    Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    // How many gradients waiting in `grads` use each storage. A closure may pass its gradOutput on (copy, add), give
    // one tensor to two inputs, or views of one buffer (a product and its transpose); a gradient whose buffer was
    // made in this run and that no other waiting gradient shares is the sink's to keep. A consumed gradient's
    // memory is not read again: with createGraph off the closures keep none.
    Map<Storage, Integer> waiting = new IdentityHashMap<>();
    long firstMadeHere = Storage.nextSerial();
    Set<Tensor> outerNeeded = NEEDED.get();   // a closure may itself call grad (nested runs)
    NEEDED.set(needed);
    try (GradMode mode = GradMode.set(createGraph)) {
      for (int i = 0; i < outputs.length; i++) {
        Tensor out = outputs[i];
        if (!out.requiresGrad()) {
          throw new IllegalArgumentException("output " + i + " (shape " + Shape.str(out.shape)
              + ") does not require grad: nothing it depends on has requiresGrad(true)");
        }
        Tensor g = gradOutputs == null ? null : gradOutputs[i];
        if (g == null) {
          if (out.numel() != 1) {
            throw new IllegalArgumentException("backward of a non-scalar output (shape " + Shape.str(out.shape)
                + ") needs an explicit gradOutput");
          }
          g = Tensor.ones(out.backend, out.shape);
        } else if (!Arrays.equals(g.shape, out.shape)) {
          throw new IllegalArgumentException("gradOutput shape " + Shape.str(g.shape) + " != output shape "
              + Shape.str(out.shape));
        }
        handOut(grads, waiting, out, g);
      }
      for (int i = order.size() - 1; i >= 0; i--) {
        Tensor t = order.get(i);
        Tensor g = grads.remove(t);
        if (g != null) waiting.merge(g.storageObject(), -1, Integer::sum);
        if (g == null || !needed.contains(t)) continue;
        if (targets != null ? targets.contains(t) : t.gradFn == null) {
          // Only a leaf may keep g's buffer: a target with a closure passes g on below, perhaps as a view.
          Storage s = g.storageObject();
          boolean owned = !createGraph && t.gradFn == null && s.serial >= firstMadeHere && waiting.get(s) == 0
              && g.isWholeBuffer();
          sink.accept(t, g, owned);
        }
        Node node = t.gradFn;
        if (node == null) continue;
        Tensor[] inputGrads = node.apply(g);
        for (int k = 0; k < node.inputs.length; k++) {
          Tensor in = node.inputs[k];
          Tensor gi = inputGrads[k];
          if (in == null || gi == null || !in.requiresGrad() || !needed.contains(in)) continue;
          if (!Arrays.equals(gi.shape, in.shape)) {
            throw new IllegalStateException("backward of op '" + node.op + "' produced a gradient of shape "
                + Shape.str(gi.shape) + " for input " + k + " of shape " + Shape.str(in.shape));
          }
          handOut(grads, waiting, in, gi);
        }
      }
    } finally {
      NEEDED.set(outerNeeded);
      if (!retainGraph) {
        for (Tensor t : order) if (t.gradFn != null) t.gradFn.free();
      }
    }
  }

  /** Adds g to t's waiting gradient (a new sum tensor when t has one already), counting the storages that wait. */
  private static void handOut(Map<Tensor, Tensor> grads, Map<Storage, Integer> waiting, Tensor t, Tensor g) {
    Tensor before = grads.get(t);
    Tensor now = before == null ? g : before.add(g);
    grads.put(t, now);
    if (before != null) waiting.merge(before.storageObject(), -1, Integer::sum);
    waiting.merge(now.storageObject(), 1, Integer::sum);
  }

  /** Post-order over the graph: every tensor after all the inputs it was computed from. */
  private static List<Tensor> topologicalOrder(Tensor[] outputs) {
    List<Tensor> order = new ArrayList<>();
    Set<Tensor> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Object[]> stack = new ArrayDeque<>();   // {tensor, next input index}
    for (Tensor out : outputs) {
      if (!visited.add(out)) continue;
      stack.push(new Object[] {out, 0});
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Tensor t = (Tensor) top[0];
        int next = (Integer) top[1];
        Tensor[] inputs = t.gradFn == null ? new Tensor[0] : t.gradFn.inputs;
        if (next < inputs.length) {
          top[1] = next + 1;
          Tensor in = inputs[next];
          if (in != null && in.requiresGrad() && visited.add(in)) stack.push(new Object[] {in, 0});
        } else {
          stack.pop();
          order.add(t);
        }
      }
    }
    return order;
  }
}
