package dev.duel.nn.state;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Crash-safe file and folder writes: a reader sees the old version or the complete new one, never a
 * half-written file, even after kill -9 or a power cut.
 *
 * <p>A file: written under a temporary name in the same folder ({@code .NAME.tmp-RANDOM}), forced to
 * disk (FileChannel.force(true)), renamed over the target with ATOMIC_MOVE, then the folder is fsynced
 * so the rename itself is durable. A folder: filled under a temporary name, every file and sub-folder
 * fsynced, then renamed into place the same way (a folder cannot atomically replace a non-empty one,
 * so the target must not exist). Leftover temporaries of a crashed write start with '.' and contain
 * ".tmp-" ({@link #isTemporary}).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the bytes that {@code body} sends to its channel. */
  @FunctionalInterface
  public interface ChannelWriter { void write(FileChannel channel) throws IOException; }

  /** Fills a folder. */
  @FunctionalInterface
  public interface FolderWriter { void fill(Path folder) throws IOException; }

  /** Writes {@code bytes} to {@code target} atomically (replacing an existing file). */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    write(target, ch -> {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) ch.write(b);
    });
  }

  /** Writes {@code text} as UTF-8 to {@code target} atomically. */
  public static void writeString(Path target, String text) throws IOException {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code target} atomically from what {@code body} writes to a channel on a temporary file. */
  public static void write(Path target, ChannelWriter body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
    if (Files.isDirectory(abs)) throw new IOException("cannot write " + target + ": a folder of that name exists");
    Path tmp = dir.resolve(temporaryName(abs.getFileName().toString()));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.write(ch);
        ch.force(true);
      }
      move(tmp, abs);
    } catch (IOException | RuntimeException | Error e) {
      try { Files.deleteIfExists(tmp); } catch (IOException suppressed) { e.addSuppressed(suppressed); }
      throw e;
    }
    fsyncDirectory(dir);
  }

  /** Writes the bytes that {@code body} sends to a stream. */
  @FunctionalInterface
  public interface StreamWriter { void write(OutputStream out) throws IOException; }

  /**
   * Writes {@code target} atomically from what {@code body} writes to a buffered stream. The body may
   * close the stream (e.g. a GZIPOutputStream around it): closing only flushes, the file is forced and
   * renamed after the body returns.
   */
  public static void writeStream(Path target, StreamWriter body) throws IOException {
    write(target, ch -> {
      OutputStream raw = Channels.newOutputStream(ch);
      OutputStream keepOpen = new FilterOutputStream(raw) {
        @Override public void write(byte[] b, int off, int len) throws IOException { raw.write(b, off, len); }
        @Override public void close() throws IOException { raw.flush(); }
      };
      try (BufferedOutputStream out = new BufferedOutputStream(keepOpen, 1 << 16)) {
        body.write(out);
      }
    });
  }

  /**
   * Creates folder {@code target} atomically: {@code fill} writes into a temporary sibling folder, every
   * file in it is fsynced, and it is renamed to {@code target}. Refuses when {@code target} exists.
   */
  public static void writeFolder(Path target, FolderWriter fill) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) throw new IOException("cannot create " + target + ": folder " + dir + " does not exist");
    if (Files.exists(abs)) throw new FileAlreadyExistsException(abs.toString(), null, "refusing to replace an existing folder");
    Path tmp = dir.resolve(temporaryName(abs.getFileName().toString()));
    Files.createDirectory(tmp);
    try {
      fill.fill(tmp);
      fsyncTree(tmp);
      if (Files.exists(abs)) throw new FileAlreadyExistsException(abs.toString(), null, "appeared while it was being written");
      move(tmp, abs);
    } catch (IOException | RuntimeException | Error e) {
      try { deleteTree(tmp); } catch (IOException suppressed) { e.addSuppressed(suppressed); }
      throw e;
    }
    fsyncDirectory(dir);
  }

  /** True for the names of this class's temporary files and folders (left behind only by a crash). */
  public static boolean isTemporary(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith(".") && n.contains(".tmp-");
  }

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try { md = MessageDigest.getInstance("SHA-256"); } catch (NoSuchAlgorithmException e) { throw new IllegalStateException(e); }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** fsyncs a folder so that renames and creations in it survive a crash; a no-op where the OS refuses (Windows). */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // Some platforms cannot open a directory as a channel; the rename is still atomic there.
    }
  }

  /** Deletes a folder and everything in it (no link is followed). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) { all = s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList(); }
    for (Path p : all) Files.deleteIfExists(p);
  }

  private static void fsyncTree(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) { all = s.toList(); }
    for (Path p : all) {
      if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.force(true); }
      }
    }
    // Deepest folders first, so each folder's entries are durable before its parent's.
    for (Path p : all.reversed()) if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) fsyncDirectory(p);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically on this file system", e);
    }
  }

  private static String temporaryName(String name) {
    return "." + name + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
