package dev.duel.gan.dist;

import java.net.InetSocketAddress;

/** "HOST:PORT" as --rendezvous takes it ([v6]:port too). */
record HostPort(String host, int port) {
  static HostPort parse(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("--rendezvous " + s + ": expected HOST:PORT, e.g. node01:29500");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--rendezvous " + s + ": the port must be 0 … 65535");
    return new HostPort(host, port);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
