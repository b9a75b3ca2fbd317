package dev.duel.engine;

import dev.duel.engine.cpu.CpuBackend;
import java.util.Locale;

/**
 * Finds backends by name: {@code cpu} (the default), {@code cuda} (a real GPU) and {@code cuda-emu}
 * (the CUDA backend over Duel's emulated CUDA libraries). The default comes from the system property
 * {@code duel.device}, else the environment variable {@code DUEL_DEVICE}, else {@code cpu}.
 */
public final class Devices {
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

  /** The backend named by duel.device / DUEL_DEVICE, or cpu. */
  public static Backend defaultBackend() {
    Backend b = defaultBackend;
    if (b == null) {
      String name = System.getProperty("duel.device");
      if (name == null || name.isBlank()) name = System.getenv("DUEL_DEVICE");
      b = get(name == null || name.isBlank() ? "cpu" : name);
      defaultBackend = b;
    }
    return b;
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
