package dev.duel.gan.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A worker's side of the {@link RendezvousServer} protocol: join (rank 0 also hands in NCCL's unique id), get
 * the id, then keep the connection as a lifeline: the server's ABORT (another rank failed) reaches
 * {@code onAbort}, and this process's end — even by kill -9 — closes the socket, which tells the others.
 */
public final class RendezvousClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final PrintWriter out;
  private final byte[] id;
  private volatile boolean finished;

  private RendezvousClient(Socket socket, BufferedReader in, PrintWriter out, byte[] id) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.id = id;
  }

  /**
   * Connects to {@code hostPort} (retrying while the server is not up yet), joins as {@code rank} of {@code world}
   * and waits for the id; within {@code timeoutMs} in all.
   *
   * @param uniqueId called on rank 0 only: ncclGetUniqueId
   * @throws IOException naming the rendezvous and what went wrong (time-out, refused join)
   */
  public static RendezvousClient join(String hostPort, int rank, int world, Supplier<byte[]> uniqueId, long timeoutMs)
      throws IOException {
    HostPort hp = HostPort.parse(hostPort);
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    Socket s = null;
    IOException last = null;
    while (s == null) {
      try {
        s = new Socket();
        s.connect(hp.address(), 2000);
      } catch (IOException e) {
        last = e;
        try {
          s.close();
        } catch (IOException ignored) {
          // not connected
        }
        s = null;
        if (System.nanoTime() > deadline) {
          throw new IOException("rank " + rank + " could not reach the rendezvous " + hp + " within " + timeoutMs / 1000
              + " s (" + last.getMessage() + "); is node 0's duel train (--node-rank 0) running, and the port open?");
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while joining the rendezvous", ie);
        }
      }
    }
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println("JOIN " + rank + " " + world + " " + InetAddress.getLocalHost().getHostName().replace(' ', '_'));
      if (rank == 0) out.println("ID " + HexFormat.of().formatHex(uniqueId.get()));
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left + 5000));   // the server's own time-out answers first
      String reply;
      try {
        reply = in.readLine();
      } catch (SocketTimeoutException e) {
        reply = null;
      }
      if (reply == null) {
        throw new IOException("rank " + rank + ": the rendezvous " + hp + " closed or did not answer within " + timeoutMs / 1000 + " s");
      }
      if (reply.startsWith("FAIL ")) throw new IOException("rank " + rank + ": " + reply.substring(5));
      if (!reply.startsWith("ID ")) throw new IOException("rank " + rank + ": the rendezvous " + hp + " answered '" + reply + "'");
      s.setSoTimeout(0);
      return new RendezvousClient(s, in, out, HexFormat.of().parseHex(reply.substring(3)));
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** NCCL's unique id, as rank 0 made it. */
  public byte[] uniqueId() {
    return id.clone();
  }

  /** Reads the lifeline in a daemon thread: an ABORT, or the server's end before {@link #done()}, calls {@code onAbort}. */
  public void watch(Consumer<String> onAbort) {
    Thread.ofPlatform().daemon().name("duel-rendezvous-watch").start(() -> {
      String msg;
      try {
        msg = in.readLine();
      } catch (IOException e) {
        msg = null;
      }
      if (finished) return;
      onAbort.accept(msg != null && msg.startsWith("ABORT ") ? msg.substring(6)
          : "the rendezvous (the launcher of node 0) went away");
    });
  }

  /** Tells the others this rank finished its run. */
  public void done() {
    finished = true;
    out.println("DONE");
  }

  /** Tells the others this rank failed, and why (they stop, naming it). */
  public void fail(String why) {
    finished = true;
    out.println("FAIL " + why.replace('\n', ' '));
  }

  @Override
  public void close() {
    finished = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
