package dev.duel.engine;

import dev.duel.engine.cpu.CpuBackend;
import dev.duel.engine.cpu.CpuPool;
import java.util.List;
import java.util.Locale;

/**
 * Finds backends by name: {@code cpu} (the default), {@code cuda} (a real GPU) and {@code cuda-emu}
 * (the CUDA backend over Duel's emulated CUDA libraries). The default comes from the system property
 * {@code duel.device}, else the environment variable {@code DUEL_DEVICE}, else {@code cpu}.
 */
public final class Devices {
  /** The device names {@link #get} knows. */
  public static final List<String> NAMES = List.of("cpu", "cuda", "cuda-emu");
  /** The system property, then the environment variable, that name the default device. */
  public static final String PROPERTY = "duel.device", ENV = "DUEL_DEVICE";
  /** The device used when none is named: Duel does not pick a GPU by itself. */
  public static final String DETECTED_DEFAULT = "cpu";

  private static volatile Backend defaultBackend;

  private Devices() {}

  public static Backend cpu() {
    return CpuBackend.instance();
  }

  public static Backend get(String name) {
    String n = name.toLowerCase(Locale.ROOT).trim();
    return switch (n) {
      case "cpu" -> CpuBackend.instance();
      case "cuda", "cuda-emu" -> cudaBackend(n);
      default -> throw new IllegalArgumentException("unknown device '" + name + "': use cpu, cuda or cuda-emu");
    };
  }

  /** The name of the default device: {@code -Dduel.device}, else {@code DUEL_DEVICE}, else {@link #DETECTED_DEFAULT}. */
  public static String defaultName() {
    String name = System.getProperty(PROPERTY);
    if (name == null || name.isBlank()) name = System.getenv(ENV);
    return name == null || name.isBlank() ? DETECTED_DEFAULT : name.strip();
  }

  /** The backend named by {@link #defaultName()}. */
  public static Backend defaultBackend() {
    Backend b = defaultBackend;
    if (b == null) {
      b = get(defaultName());
      defaultBackend = b;
    }
    return b;
  }

  /** Threads of the CPU backend's shared pool (all cores, or {@code -Dduel.threads} / {@code DUEL_THREADS}). */
  public static int cpuThreads() {
    return CpuPool.threads();
  }

  public static void setDefault(Backend backend) {
    defaultBackend = backend;
  }

  private static Backend cudaBackend(String name) {
    try {
      Class<?> c = Class.forName("dev.duel.engine.cuda.CudaBackends");
      return (Backend) c.getMethod("get", String.class).invoke(null, name);
    } catch (ClassNotFoundException e) {
      throw new UnsupportedOperationException("device '" + name + "': the CUDA backend is not part of this build; "
          + "use --device cpu");
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException("device '" + name + "' failed to start: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("device '" + name + "': " + e, e);
    }
  }
}
