package dev.duel.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Duel's compiled kernels, as the CUDA backend needs them:
 * <ul>
 *   <li>{@link #fatbin()}: the fatbin of every kernel (SASS for sm_75, 80, 86, 89, 90 and PTX for newer
 *       GPUs), for {@code cuModuleLoadData}; the kernels and their launch shapes are in
 *       {@code kernels/src/main/cuda/ABI.md};</li>
 *   <li>{@link #findEmulation()}: the host emulation of CUDA (the {@code cuda-emu} device), when present.</li>
 * </ul>
 */
public final class KernelBinaries {
  public static final String FATBIN_RESOURCE = "dev/duel/kernels/duel.fatbin";
  public static final String MANIFEST_RESOURCE = "dev/duel/kernels/duel.fatbin.sha256";
  /** Where the {@code emu} classifier jar holds the emulation libraries. */
  public static final String EMU_RESOURCE_DIR = "dev/duel/kernels/emu/linux-x86_64/";
  /** System property naming a directory with the emulation libraries (wins over everything else). */
  public static final String EMU_DIR_PROPERTY = "duel.emu.dir";
  /** Environment variable naming a directory with the emulation libraries. */
  public static final String EMU_DIR_ENV = "DUEL_EMU_DIR";

  private static byte[] fatbin;
  private static EmulationLibraries extracted;

  private KernelBinaries() {}

  /**
   * The fatbin's bytes (a fresh copy), checked against the manifest's sha256.
   *
   * @throws IllegalStateException when the resource is missing or corrupt
   */
  public static synchronized byte[] fatbin() {
    if (fatbin == null) {
      byte[] bytes = resource(FATBIN_RESOURCE);
      String want = manifest().fatbinSha256();
      String have = FatbinManifest.sha256(bytes);
      if (!want.equals(have)) {
        throw new IllegalStateException(FATBIN_RESOURCE + " is corrupt: sha256 " + have + ", the manifest says " + want
            + "; rebuild the duel-kernels jar");
      }
      fatbin = bytes;
    }
    return fatbin.clone();
  }

  /** The manifest shipped with the fatbin (what it was built from, which kernels it holds). */
  public static FatbinManifest manifest() {
    return FatbinManifest.parse(new String(resource(MANIFEST_RESOURCE), StandardCharsets.UTF_8));
  }

  /**
   * The CUDA emulation libraries, looked up in this order: the directory in system property
   * {@value #EMU_DIR_PROPERTY}, the directory in environment variable {@value #EMU_DIR_ENV}, then the
   * classpath (the {@code duel-kernels} jar with classifier {@code emu}), extracted once per JVM into a
   * temporary directory. Empty when none is configured or on the classpath.
   *
   * @throws IllegalStateException when a configured directory lacks one of the libraries
   */
  public static Optional<EmulationLibraries> findEmulation() {
    String dir = System.getProperty(EMU_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) dir = System.getenv(EMU_DIR_ENV);
    if (dir != null && !dir.isBlank()) return Optional.of(new EmulationLibraries(Path.of(dir)));
    return extractFromClasspath();
  }

  /** {@link #findEmulation()}, or an exception that says how to get the libraries. */
  public static EmulationLibraries emulation() {
    return findEmulation().orElseThrow(() -> new IllegalStateException(
        "CUDA emulation libraries not found: add the duel-kernels jar with classifier 'emu' to the classpath, or set -D"
            + EMU_DIR_PROPERTY + " (or " + EMU_DIR_ENV + ") to kernels/target/native/linux-x86_64 after kernels/build.sh native"));
  }

  private static synchronized Optional<EmulationLibraries> extractFromClasspath() {
    if (extracted != null) return Optional.of(extracted);
    ClassLoader cl = KernelBinaries.class.getClassLoader();
    String[] names = {EmulationLibraries.DRIVER, EmulationLibraries.CUBLAS, EmulationLibraries.KERNELS};
    for (String n : names) {
      if (cl.getResource(EMU_RESOURCE_DIR + n) == null) return Optional.empty();
    }
    try {
      Path dir = Files.createTempDirectory("duel-cuda-emu-");
      dir.toFile().deleteOnExit();
      java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(names));
      if (cl.getResource(EMU_RESOURCE_DIR + EmulationLibraries.NCCL) != null) all.add(EmulationLibraries.NCCL);  // optional
      for (String n : all) {
        Path f = dir.resolve(n);
        try (InputStream in = cl.getResourceAsStream(EMU_RESOURCE_DIR + n)) {
          Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        f.toFile().deleteOnExit();
      }
      extracted = new EmulationLibraries(dir);
      return Optional.of(extracted);
    } catch (IOException e) {
      throw new UncheckedIOException("CUDA emulation: cannot extract the libraries to a temporary directory", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = KernelBinaries.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath: the duel-kernels jar is missing or was built "
            + "without it (kernels/build.sh fatbin makes it; it is checked in under kernels/src/main/resources)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
