package dev.duel.engine.cuda;

import dev.duel.engine.Devices;

/**
 * Run in a child JVM by CudaDetectionTest: starts the named device the way {@code --device} does and
 * exits 0 (it started), 1 (a clear runtime error, printed on stderr) or 3 (something else went wrong).
 * Prints "probe: <Cuda.probe().describe()>" first.
 */
public final class DeviceStartMain {
  private DeviceStartMain() {}

  public static void main(String[] args) {
    System.out.println("probe: " + Cuda.probe().describe());
    try {
      System.out.println("started: " + Devices.get(args[0]));
      System.exit(0);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(3);
    }
  }
}
