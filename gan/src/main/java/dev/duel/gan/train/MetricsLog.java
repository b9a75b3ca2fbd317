package dev.duel.gan.train;

import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * metrics.jsonl: one JSON object per training step, appended as the step ends (one write call per
 * line, so a kill loses at most the line being written). Non-finite values are written as null.
 * {@link #force} makes the lines so far durable; the trainer calls it with each checkpoint.
 */
public final class MetricsLog implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;

  private MetricsLog(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Opens {@code file} for appending, creating it when absent. */
  public static MetricsLog open(Path file) throws IOException {
    return new MetricsLog(file);
  }

  /**
   * Opens {@code file} to continue a run resumed at {@code step}: lines of later steps (written after
   * the checkpoint by the run that was killed) and a torn last line are dropped first, atomically, so
   * the file again reads as one run.
   */
  public static MetricsLog resumeAt(Path file, long step) throws IOException {
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      StringBuilder kept = new StringBuilder();
      for (String line : lines) {
        if (line.isBlank()) continue;
        Map<String, Object> m;
        try {
          m = Json.parseObject(line);
        } catch (Json.JsonException torn) {
          continue; // the line a kill cut short
        }
        if (m.get("step") instanceof Long s && s <= step) kept.append(line).append('\n');
      }
      AtomicFiles.writeString(file, kept.toString());
    }
    return new MetricsLog(file);
  }

  /** Appends one line: {@code values} in order; floats and doubles that are NaN or infinite become null. */
  public void append(Map<String, Object> values) throws IOException {
    Map<String, Object> clean = new LinkedHashMap<>();
    values.forEach((k, v) -> clean.put(k, finiteOrNull(v)));
    ByteBuffer b = ByteBuffer.wrap((Json.write(clean) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (b.hasRemaining()) channel.write(b);
    } catch (IOException e) {
      throw IoErrors.at(file(), e);
    }
  }

  /** fsync: the lines written so far survive a power cut. */
  public void force() throws IOException {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw IoErrors.at(file(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static Object finiteOrNull(Object v) {
    if (v instanceof Float f && !Float.isFinite(f)) return null;
    if (v instanceof Double d && !Double.isFinite(d)) return null;
    return v;
  }
}
