package dev.duel.engine.cpu;

/** The CPU backend's system properties (A/B knobs and overrides), read one way, refused with the property named. */
final class CpuSettings {
  private CpuSettings() {}

  /**
   * {@code -Dproperty}: a whole number ≥ {@code least} and a multiple of {@code unit}, or {@code otherwise} when
   * unset; anything else is an IllegalArgumentException that names the property, the value and {@code meaning}.
   */
  static long read(String property, long otherwise, long least, long unit, String meaning) {
    String given = System.getProperty(property);
    if (given == null || given.isBlank()) return otherwise;
    try {
      long v = Long.parseLong(given.trim());
      if (v >= least && v % unit == 0) return v;
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("-D" + property + "=" + given + " is not " + meaning);
  }

  /**
   * {@code -Dproperty}: one of {@code allowed} (surrounding blanks ignored), or {@code otherwise} when unset;
   * anything else is an IllegalArgumentException that names the property, the value and {@code meaning}.
   */
  static String choice(String property, String otherwise, String meaning, String... allowed) {
    String given = System.getProperty(property);
    if (given == null || given.isBlank()) return otherwise;
    for (String a : allowed) if (a.equals(given.trim())) return a;
    throw new IllegalArgumentException("-D" + property + "=" + given + " is not " + meaning);
  }
}
