package dev.duel.gan.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The TCP rendezvous of a data-parallel job, run by the launcher of node 0 (as torchrun's c10d store). A line
 * protocol, one connection per worker, kept open for the whole run:
 * <pre>
 * worker → server   JOIN rank world host          then, from rank 0 only: ID hex(ncclUniqueId)
 * server → worker   ID hex                         once all W ranks have joined and rank 0's id is in
 *                   FAIL message                   the rendezvous failed (a rank did not come in time, a bad JOIN)
 * worker → server   DONE | FAIL message            at the end (a FAIL names the worker's error)
 * server → workers  ABORT message                  a rank failed, or its connection closed before DONE
 * </pre>
 * So a rank that dies (its socket closes when its process ends, even by kill -9) is named to every other rank,
 * which then aborts its NCCL communicator and exits: nobody waits forever in a collective.
 */
public final class RendezvousServer implements AutoCloseable {
  private final ServerSocket socket;
  private final int world;
  private final long timeoutMs;
  private final Peer[] peers;
  private String id;                         // rank 0's unique id, hex
  private boolean released, failed, aborted;
  private String failure;                    // why the rendezvous failed, for ranks that come after
  private final List<Thread> threads = new ArrayList<>();

  private static final class Peer {
    final Socket socket;
    final PrintWriter out;
    final String host;
    volatile boolean done;

    Peer(Socket socket, PrintWriter out, String host) {
      this.socket = socket;
      this.out = out;
      this.host = host;
    }
  }

  /** Listens on {@code bind} (port 0: any free port) for {@code world} workers, who must all join within {@code timeoutMs}. */
  public RendezvousServer(InetSocketAddress bind, int world, long timeoutMs) throws IOException {
    this.world = world;
    this.timeoutMs = timeoutMs;
    this.peers = new Peer[world];
    this.socket = new ServerSocket();
    socket.setReuseAddress(true);
    try {
      socket.bind(bind, Math.max(50, world));
    } catch (IOException e) {
      socket.close();
      throw new IOException("the rendezvous cannot listen on " + bind + ": " + e.getMessage()
          + " (another job on that port? pick another --rendezvous port)", e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Starts accepting workers (a daemon thread) and the join time-out. */
  public RendezvousServer start() {
    Thread accept = Thread.ofPlatform().daemon().name("duel-rendezvous").start(this::acceptLoop);
    threads.add(accept);
    Thread timer = Thread.ofPlatform().daemon().name("duel-rendezvous-timeout").start(() -> {
      try {
        Thread.sleep(timeoutMs);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (released || failed) return;
        TreeSet<Integer> missing = new TreeSet<>();
        for (int r = 0; r < world; r++) if (peers[r] == null) missing.add(r);
        failAll("the rendezvous timed out after " + timeoutMs / 1000 + " s: rank" + (missing.size() == 1 ? " " : "s ")
            + missing + " of " + world + " did not join (is every node's duel train --node-rank started, with the same"
            + " --nnodes, --nproc and --rendezvous?)");
      }
    });
    threads.add(timer);
    return this;
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        return;                                  // closed
      }
      Thread.ofPlatform().daemon().name("duel-rendezvous-peer").start(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    int rank = -1;
    try (s) {
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
      String[] join = line(in).split(" ");
      if (join.length < 3 || !join[0].equals("JOIN")) {
        out.println("FAIL not a duel worker's JOIN");
        return;
      }
      rank = Integer.parseInt(join[1]);
      int theirWorld = Integer.parseInt(join[2]);
      String host = join.length > 3 ? join[3] : s.getInetAddress().getHostAddress();
      String hexId = rank == 0 ? line(in) : null;
      synchronized (this) {
        if (failed) {
          out.println("FAIL " + failure);
          return;
        }
        if (theirWorld != world || rank < 0 || rank >= world || peers[rank] != null) {
          String why = theirWorld != world ? "rank " + rank + " on " + host + " expects a world of " + theirWorld + ", this"
              + " rendezvous " + world + " (the same --nnodes and --nproc on every node)"
              : "rank " + rank + " on " + host + " joined twice or is outside 0.." + (world - 1)
              + " (each node needs its own --node-rank)";
          out.println("FAIL " + why);
          failAll(why);
          return;
        }
        if (rank == 0) {
          if (hexId == null || !hexId.startsWith("ID ")) {
            out.println("FAIL rank 0 sent no NCCL id");
            return;
          }
          id = hexId.substring(3);
        }
        peers[rank] = new Peer(s, out, host);
        maybeRelease();
      }
      s.setSoTimeout(0);                        // from now on: wait for DONE, FAIL, or the connection's end
      String msg;
      try {
        msg = in.readLine();
      } catch (IOException e) {
        msg = null;
      }
      synchronized (this) {
        Peer p = peers[rank];
        if (msg != null && msg.equals("DONE")) {
          p.done = true;
        } else if (!aborted) {
          String why = msg != null && msg.startsWith("FAIL ") ? "rank " + rank + " (" + p.host + ") failed: " + msg.substring(5)
              : "rank " + rank + " (" + p.host + ") went away before finishing (its process died or was killed)";
          abortAll(why, rank);
        }
      }
    } catch (SocketTimeoutException e) {
      // a connection that sent nothing in time: the join time-out reports the missing ranks
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        if (rank >= 0 && peers[rank] != null && !peers[rank].done && !aborted && released) {
          abortAll("rank " + rank + " lost its rendezvous connection: " + e.getMessage(), rank);
        }
      }
    }
  }

  private static String line(BufferedReader in) throws IOException {
    String l = in.readLine();
    if (l == null) throw new IOException("the connection closed during the rendezvous");
    return l;
  }

  private void maybeRelease() {
    for (Peer p : peers) if (p == null) return;
    if (id == null) return;
    released = true;
    for (Peer p : peers) p.out.println("ID " + id);
  }

  private void failAll(String why) {
    failed = true;
    failure = why;
    for (Peer p : peers) {
      if (p != null) {
        p.out.println("FAIL " + why);
        closeQuietly(p.socket);
      }
    }
  }

  private void abortAll(String why, int culprit) {
    aborted = true;
    for (int r = 0; r < world; r++) {
      if (r != culprit && peers[r] != null && !peers[r].done) peers[r].out.println("ABORT " + why);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a broken socket
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Thread t : threads) t.interrupt();
  }
}
