package dev.duel.kernels;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The manifest shipped beside the fatbin ({@code duel.fatbin.sha256}, written by {@code kernels/build.sh
 * fatbin}): what the fatbin was built from and what it holds.
 *
 * @param sourcesSha256 {@link #hashSources} of {@code kernels/src/main/cuda} at build time
 * @param fatbinSha256  sha256 of the fatbin's bytes
 * @param nvccVersion   the nvcc that built it, e.g. "13.0.88"
 * @param nvccFlags     its flags (part of the sources hash)
 * @param kernels       the kernel names of the fatbin (its PTX {@code .entry} list), sorted
 */
public record FatbinManifest(String sourcesSha256, String fatbinSha256, String nvccVersion, String nvccFlags,
                             List<String> kernels) {

  /** Parses the manifest's {@code key=value} lines; a missing key is an error naming it. */
  public static FatbinManifest parse(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException("duel.fatbin.sha256: unreadable: " + e.getMessage(), e);
    }
    String kernels = require(p, "kernels").trim();
    return new FatbinManifest(require(p, "sources-sha256"), require(p, "fatbin-sha256"), require(p, "nvcc-version"),
        require(p, "nvcc-flags"), kernels.isEmpty() ? List.of() : List.of(kernels.split(" ")));
  }

  private static String require(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalStateException("duel.fatbin.sha256 lacks '" + key + "': regenerate it with kernels/build.sh fatbin");
    }
    return v;
  }

  /**
   * The sources hash of a CUDA source folder, as {@code build.sh hash} computes it: sha256 of the lines
   * {@code "<sha256 of file>  <file name>"} for every .cu, .cuh and .h file in byte order of their names,
   * then the line {@code "flags <nvccFlags>"}.
   */
  public static String hashSources(Path cudaDir, String nvccFlags) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(cudaDir)) {
      s.filter(f -> f.getFileName().toString().matches(".*\\.(cu|cuh|h)")).forEach(files::add);
    }
    files.sort((a, b) -> Arrays.compare(a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
        b.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
    StringBuilder listing = new StringBuilder();
    for (Path f : files) {
      listing.append(sha256(Files.readAllBytes(f))).append("  ").append(f.getFileName()).append('\n');
    }
    listing.append("flags ").append(nvccFlags).append('\n');
    return sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex sha256 of bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
