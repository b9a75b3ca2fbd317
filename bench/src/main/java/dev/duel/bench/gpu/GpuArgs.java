package dev.duel.bench.gpu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line shared by the GPU report's mains:
 * {@code --device cuda|cuda-emu} (default cuda), {@code --quick} (tiny shapes and repetitions, for
 * cuda-emu in CI), {@code --budget-s N} (wall-clock seconds for the whole main; parts not started
 * in time are skipped with a line saying so), {@code --out FILE} (JSON lines appended), plus
 * main-specific {@code --key value} options named in {@code extra}. {@code --key=value} works too.
 */
public record GpuArgs(String device, boolean quick, double budgetS, Path out, Map<String, String> extra) {

  /** A usage error: the main prints it with the usage line and exits 2. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static GpuArgs parse(String[] args, double defaultBudgetS, String... extraKeys) {
    String device = "cuda";
    boolean quick = false;
    double budget = defaultBudgetS;
    Path out = null;
    Map<String, String> extra = new LinkedHashMap<>();
    List<String> keys = List.of(extraKeys);
    List<String> list = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        list.add(a.substring(0, eq));
        list.add(a.substring(eq + 1));
      } else {
        list.add(a);
      }
    }
    for (int i = 0; i < list.size(); i++) {
      String a = list.get(i);
      switch (a) {
        case "--quick" -> quick = true;
        case "--device" -> {
          device = value(list, ++i, a);
          if (!device.equals("cuda") && !device.equals("cuda-emu")) {
            throw new UsageException("--device " + device + ": use cuda or cuda-emu");
          }
        }
        case "--budget-s" -> {
          String v = value(list, ++i, a);
          try {
            budget = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new UsageException("--budget-s " + v + ": not a number of seconds");
          }
          if (!(budget > 0) || Double.isInfinite(budget)) throw new UsageException("--budget-s " + v + ": must be > 0");
        }
        case "--out" -> out = Path.of(value(list, ++i, a));
        default -> {
          String key = a.startsWith("--") ? a.substring(2) : null;
          if (key == null || !keys.contains(key)) {
            throw new UsageException("unknown argument '" + a + "'");
          }
          extra.put(key, value(list, ++i, a));
        }
      }
    }
    return new GpuArgs(device, quick, budget, out, extra);
  }

  private static String value(List<String> list, int i, String option) {
    if (i >= list.size() || list.get(i).startsWith("--")) throw new UsageException(option + " needs a value");
    return list.get(i);
  }

  public String extra(String key, String fallback) {
    return extra.getOrDefault(key, fallback);
  }

  /** The usage line of a main: the common options plus its own. */
  public static String usage(String main, String own) {
    return "usage: java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp <jars> "
        + "dev.duel.bench.gpu." + main + " [--device cuda|cuda-emu] [--quick] [--budget-s N] [--out FILE.json]"
        + (own.isEmpty() ? "" : " " + own);
  }
}
