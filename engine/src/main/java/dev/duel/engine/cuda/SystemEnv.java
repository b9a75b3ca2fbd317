package dev.duel.engine.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link CudaLibraries.Env} of this JVM: system properties, the environment, the dynamic linker (probed with
 * an FFM lookup that is closed again) and the {@code python3} on the PATH, asked once for its site-packages
 * with a 5 s limit. Nothing here throws: a missing or hanging python3 means no wheel folders.
 */
final class SystemEnv implements CudaLibraries.Env {
  static final SystemEnv INSTANCE = new SystemEnv();
  /** Prints every folder python3 may import from: site-packages (also of venvs and --user) and sys.path. */
  private static final String SCRIPT = "import site,sys\n"
      + "p=list(getattr(site,'getsitepackages',lambda:[])())\n"
      + "try:\n p.append(site.getusersitepackages())\nexcept Exception:\n pass\n"
      + "print('\\n'.join(p+sys.path))\n";
  private static final long PYTHON_TIMEOUT_S = 5;

  private List<Path> sitePackages;

  private SystemEnv() {}

  @Override
  public String property(String name) {
    return System.getProperty(name);
  }

  @Override
  public String getenv(String name) {
    return System.getenv(name);
  }

  @Override
  public boolean loadable(String soname) {
    try (Arena a = Arena.ofConfined()) {
      SymbolLookup.libraryLookup(soname, a);
      return true;
    } catch (RuntimeException | LinkageError e) {   // IllegalArgumentException: the linker did not find it
      return false;
    }
  }

  @Override
  public synchronized List<Path> sitePackages() {
    if (sitePackages == null) sitePackages = askPython();
    return sitePackages;
  }

  private static List<Path> askPython() {
    Path out = null;
    Process p = null;
    try {
      out = Files.createTempFile("duel-python-site", ".txt");
      p = new ProcessBuilder("python3", "-c", SCRIPT).redirectErrorStream(false)
          .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(PYTHON_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) return List.of();
      Set<Path> dirs = new LinkedHashSet<>();
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        Path d = Path.of(line.strip());
        if (Files.isDirectory(d.resolve("nvidia"))) dirs.add(d.toAbsolutePath().normalize());
      }
      return List.copyOf(new ArrayList<>(dirs));
    } catch (IOException | RuntimeException e) {   // no python3 on the PATH, unreadable output: no wheels
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      if (p != null && p.isAlive()) p.destroyForcibly();
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file of a few bytes
        }
      }
    }
  }
}
