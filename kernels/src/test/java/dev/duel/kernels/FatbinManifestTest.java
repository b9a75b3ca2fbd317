package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped fatbin is the one of the current sources: its recorded sources hash equals the hash of
 * kernels/src/main/cuda now (a kernel edited without `kernels/build.sh fatbin` fails here, with or without
 * nvcc on the machine), its bytes match the manifest, it holds every kernel for every promised architecture,
 * and REPORT.md belongs to the same build and shows no spills.
 */
class FatbinManifestTest {

  @Test
  void shippedFatbinIsBuiltFromTheCurrentSources() throws IOException {
    FatbinManifest m = KernelBinaries.manifest();
    String now = FatbinManifest.hashSources(NativeBuild.cudaDir(), m.nvccFlags());
    assertEquals(m.sourcesSha256(), now, "the shipped fatbin is stale: kernels/src/main/cuda changed since it was built. "
        + "Run kernels/build.sh fatbin (needs nvcc) and commit duel.fatbin, duel.fatbin.sha256 and REPORT.md");
  }

  @Test
  void fatbinBytesMatchTheManifest() {
    byte[] f = KernelBinaries.fatbin();  // checks the sha256 itself
    assertEquals(KernelBinaries.manifest().fatbinSha256(), FatbinManifest.sha256(f));
  }

  @Test
  void everyKernelOfTheSourcesIsInTheFatbin() {
    Set<String> sources = sourceKernels();
    assertEquals(sources, new TreeSet<>(KernelBinaries.manifest().kernels()), "manifest kernels vs sources");
    String text = new String(KernelBinaries.fatbin(), StandardCharsets.ISO_8859_1);
    Set<String> entries = new TreeSet<>();
    Matcher e = Pattern.compile("\\.entry (duel_\\w+)").matcher(text);
    while (e.find()) entries.add(e.group(1));
    assertEquals(sources, entries, "PTX .entry list of the fatbin vs sources");
  }

  /** The fatbin container: SASS for sm_75, 80, 86, 89, 90 and PTX (for newer GPUs), uncompressed. */
  @Test
  void fatbinHoldsTheArchitectures() {
    ByteBuffer b = ByteBuffer.wrap(KernelBinaries.fatbin()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0xBA55ED50, b.getInt(0), "fatbin magic");
    int header = b.getShort(6);
    long size = b.getLong(8);
    Set<String> parts = new TreeSet<>();
    for (long off = header; off < header + size; ) {
      int kind = b.getShort((int) off), entryHeader = b.getInt((int) off + 4);
      long payload = b.getLong((int) off + 8);
      int arch = b.getInt((int) off + 28);
      parts.add((kind == 1 ? "ptx" : "sm") + "_" + arch);
      off += entryHeader + payload;
    }
    assertEquals(Set.of("sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "ptx_90"), parts);
  }

  @Test
  void reportBelongsToThisFatbinAndShowsNoSpills() {
    String report = NativeBuild.read(NativeBuild.moduleDir().resolve("REPORT.md"));
    assertTrue(report.contains(KernelBinaries.manifest().sourcesSha256()), "REPORT.md is from another build: run kernels/build.sh fatbin");
    Set<String> rows = new TreeSet<>();
    for (String line : report.lines().toList()) {
      if (!line.startsWith("| duel_")) continue;
      List<String> cells = List.of(line.split("\\|"));
      String kernel = cells.get(1).trim();
      rows.add(kernel);
      assertEquals("0", cells.get(cells.size() - 1).trim(), kernel + " spills registers");
    }
    assertEquals(sourceKernels(), rows, "REPORT.md rows vs kernels");
  }

  /** The extern "C" __global__ kernels declared in kernels/src/main/cuda/*.cu. */
  static Set<String> sourceKernels() {
    Set<String> names = new TreeSet<>();
    Pattern decl = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(duel_\\w+)\\(");
    try (var files = java.nio.file.Files.list(NativeBuild.cudaDir())) {
      for (var f : files.filter(p -> p.toString().endsWith(".cu")).toList()) {
        Matcher m = decl.matcher(NativeBuild.read(f));
        while (m.find()) names.add(m.group(1));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertTrue(names.size() >= 30, "found " + names.size() + " kernels");
    return names;
  }
}
