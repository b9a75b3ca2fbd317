package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * duel eval's PNG folders are read with the GPU kit's modules only (bin/gpu-kit jlinks java.base, java.logging,
 * jdk.incubator.vector, jdk.zipfs, jdk.unsupported: no java.desktop, so no javax.imageio): a child JVM limited to
 * those modules reads a folder written here with ImageIO.
 */
class PngFolderKitRuntimeTest {
  static final String KIT_MODULES = "java.base,java.logging,jdk.incubator.vector,jdk.zipfs,jdk.unsupported";

  @TempDir Path dir;

  @Test
  void aPngFolderIsReadWithoutJavaDesktop() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("png"));
    ImageInputTest.writePng(folder.resolve("a.png"), ImageInputTest.gray(28, 28, 1));
    ImageInputTest.writePng(folder.resolve("b.png"), ImageInputTest.gray(28, 28, 2));
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(List.of(java, "--limit-modules", KIT_MODULES, "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), PngFolderMain.class.getName(), folder.toString()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    // gray(28, 28, 1): pixel (0, 0) is 1, so b/127.5 − 1
    String last = out.strip().lines().reduce((x, y) -> y).orElse("");
    String[] got = last.split(" ");
    assertEquals("2", got[0], out);
    assertEquals(1 / 127.5 - 1, Float.parseFloat(got[1]), 1e-6, out);
  }
}
