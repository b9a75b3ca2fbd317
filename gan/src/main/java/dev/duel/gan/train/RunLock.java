package dev.duel.gan.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock of a run folder, {@code runs/<name>/.lock}: an OS file lock ({@link FileChannel#tryLock})
 * held by the one process that trains the run, with that process's PID written in the file. A second
 * trainer on the same folder is refused with the holder's PID. The OS drops the lock when its process
 * dies, however it dies (kill -9 included), so a stale file never blocks a resume; the file itself is
 * left in place (deleting it would race with the next holder).
 */
public final class RunLock implements AutoCloseable {
  public static final String FILE = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another live process (or this one) holds the run. */
  public static final class Held extends IllegalStateException {
    public Held(String message) {
      super(message);
    }
  }

  /** Locks {@code runDir} (created if missing) or throws {@link Held} naming the holder's PID. */
  public static RunLock acquire(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    Path file = runDir.resolve(FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {          // held by this JVM
      l = null;
    } catch (IOException e) {
      ch.close();
      throw new IOException(file + ": cannot lock the run folder: " + e.getMessage(), e);
    }
    if (l == null) {
      String holder;
      try {
        holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        holder = "";
      } finally {
        ch.close();
      }
      throw new Held(runDir + " is in use by another duel train" + (holder.isEmpty() ? "" : " (PID " + holder + ")")
          + "; wait for it to finish or stop it (kill " + (holder.isEmpty() ? "<pid>" : holder) + " saves a checkpoint), then --resume");
    }
    byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(pid), 0);
    ch.force(false);
    return new RunLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
