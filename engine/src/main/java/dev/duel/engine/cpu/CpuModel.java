package dev.duel.engine.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The processor this JVM runs on, as Linux's /proc/cpuinfo names it (vendor, family, model, model name):
 * what Duel's CPU choices that depend on more than the vector width are made from ({@link SgemmSkinny}'s
 * level-2 split, {@link SgemmKernel}'s tile for large products), and what {@code duel info} prints. Elsewhere (no /proc/cpuinfo, or a field missing) the
 * model is unknown and every choice takes its default. The first processor's lines are read; the others
 * are the same on the machines Duel runs on.
 */
public record CpuModel(String vendor, int family, int model, String name) {
  /** The host's, read once. */
  public static final CpuModel HOST = read(Path.of("/proc/cpuinfo"));

  static final CpuModel UNKNOWN = new CpuModel("", -1, -1, "");

  static CpuModel read(Path cpuinfo) {
    try {
      return parse(Files.readString(cpuinfo));
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** The first processor block of a /proc/cpuinfo text; fields absent or unreadable stay unknown (−1, ""). */
  static CpuModel parse(String cpuinfo) {
    String vendor = "", name = "";
    int family = -1, model = -1;
    for (String line : cpuinfo.split("\n")) {
      if (line.isBlank()) {
        if (!vendor.isEmpty() || family >= 0) break;   // the end of the first processor's block
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
      switch (key) {
        case "vendor_id" -> vendor = value;
        case "cpu family" -> family = parseInt(value);
        case "model" -> model = parseInt(value);
        case "model name" -> name = value;
        default -> { }
      }
    }
    return new CpuModel(vendor, family, model, name);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** AMD Zen 5 or later: family 26 (0x1A) and up. */
  public boolean amdZen5OrLater() {
    return "AuthenticAMD".equals(vendor) && family >= 26;
  }

  /** An Intel CPU (GenuineIntel): {@link SgemmKernel#defaultLargeRows} takes the 12-row tile there (and on {@link #amdZen5OrLater}). */
  public boolean intel() {
    return "GenuineIntel".equals(vendor);
  }

  /** For {@code duel info}: "AMD EPYC (AuthenticAMD family 25 model 17)", or "unknown (no /proc/cpuinfo)". */
  public String describe() {
    if (vendor.isEmpty() && family < 0) return "unknown (no /proc/cpuinfo)";
    return String.format(Locale.ROOT, "%s (%s family %d model %d)", name.isEmpty() ? "?" : name, vendor, family, model);
  }
}
