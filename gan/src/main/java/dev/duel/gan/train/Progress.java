package dev.duel.gan.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The console view of training. Attached to a terminal: a live bar redrawn in place with carriage
 * returns, at most 10 times a second,
 * <pre>  412/938 [=========>...........] ETA 23s  d_loss: 0.61  g_loss: 0.70</pre>
 * Headless (a log file, a CI job): a plain line every tenth of an epoch (and at least every minute).
 * Either way, one line per epoch in the Keras style:
 * <pre>Epoch 3/20  938/938  41s 44ms/step  d_loss: 0.59  g_loss: 0.68  D(x): 0.62  D(G(z)): 0.35</pre>
 * The losses and D outputs on that line are means over the epoch's steps.
 */
public final class Progress {
  private static final int BAR = 30;
  private static final long REDRAW_NS = 100_000_000L, HEADLESS_MAX_NS = 60_000_000_000L;
  private final PrintStream out;
  private final boolean tty;

  private int epoch, epochs, stepsPerEpoch, startStep, lastStep;
  private long epochStartNs, lastDrawNs;
  private double sumD, sumG, sumReal, sumFake, sumMs;
  private int count;
  private boolean barShown;
  private int shownLength;                  // characters of the bar on screen

  private String dName = "d_loss", gName = "g_loss";

  /**
   * The names shown for StepStats' dLoss and gLoss ("d_loss", "g_loss" by default); a run without D
   * (pix2pix --l1-only) shows its L1 in the first slot. With NaN D scores the D(x) columns are left out.
   */
  public Progress names(String d, String g) {
    dName = d;
    gName = g;
    return this;
  }

  /** @param tty true when {@code out} is an interactive terminal (System.console().isTerminal()) */
  public Progress(PrintStream out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  /** True when this process's standard output is an interactive terminal. */
  public static boolean stdoutIsTerminal() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  /** An epoch (1-based) begins, or continues at {@code stepInEpoch} after a resume. */
  public void startEpoch(int epoch, int epochs, int stepsPerEpoch, int stepInEpoch) {
    this.epoch = epoch;
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
    this.startStep = stepInEpoch;
    this.lastStep = stepInEpoch;
    epochStartNs = lastDrawNs = System.nanoTime();
    sumD = sumG = sumReal = sumFake = sumMs = 0;
    count = 0;
  }

  /** Step {@code stepInEpoch} (1-based) of the epoch is done. */
  private boolean logits = true;               // D(x) is σ(logit); else a raw score (StepStats)

  public void step(int stepInEpoch, StepStats s) {
    lastStep = stepInEpoch;
    sumD += s.dLoss();
    sumG += s.gLoss();
    sumReal += s.dReal();
    logits = s.logits();
    sumFake += s.dFake();
    sumMs += s.ms();
    count++;
    long now = System.nanoTime();
    if (tty) {
      if (now - lastDrawNs >= REDRAW_NS || stepInEpoch == stepsPerEpoch) {
        redraw(bar(stepInEpoch, now));
        lastDrawNs = now;
      }
    } else {
      int every = Math.max(1, stepsPerEpoch / 10);
      if (stepInEpoch < stepsPerEpoch && (stepInEpoch % every == 0 || now - lastDrawNs >= HEADLESS_MAX_NS)) {
        out.println(String.format(Locale.ROOT, "  epoch %d/%d  step %d/%d  %.0fms/step  ETA %s  %s: %.4f  %s: %.4f",
            epoch, epochs, stepInEpoch, stepsPerEpoch, sumMs / count, eta(stepInEpoch, now), dName, sumD / count, gName, sumG / count));
        lastDrawNs = now;
      }
    }
  }

  /** The epoch's summary line. */
  public void endEpoch() {
    clearBar();
    long seconds = Math.round((System.nanoTime() - epochStartNs) / 1e9);
    int n = Math.max(count, 1);
    String line = String.format(Locale.ROOT, "Epoch %d/%d  %d/%d  %ds %.0fms/step  %s: %.4f  %s: %.4f",
        epoch, epochs, lastStep, stepsPerEpoch, seconds, sumMs / n, dName, sumD / n, gName, sumG / n);
    if (!Double.isNaN(sumReal)) {
      line += String.format(Locale.ROOT, "  %s: %.3f  %s: %.3f", logits ? "D(x)" : "score(x)", sumReal / n,
          logits ? "D(G(z))" : "score(G(z))", sumFake / n);
    }
    out.println(line);
  }

  /** A message between steps (checkpoint written, ...): printed on its own line, below the bar. */
  public void note(String line) {
    clearBar();
    out.println(line);
  }

  /** Clears the live bar (before an error message). */
  public void interrupt() {
    clearBar();
  }

  private void clearBar() {
    if (barShown) {
      out.print("\r" + " ".repeat(Math.max(shownLength, 1)) + "\r");
      out.flush();
      barShown = false;
      shownLength = 0;
    }
  }

  /** Draws {@code line} over the bar in place, blanking what is left of a longer previous one. */
  public void redraw(String line) {
    int stale = barShown ? shownLength - line.length() : 0;
    out.print("\r" + line + (stale > 0 ? " ".repeat(stale) + "\b".repeat(stale) : ""));
    out.flush();
    barShown = true;
    shownLength = line.length();
  }

  private String bar(int stepInEpoch, long now) {
    int filled = (int) ((long) BAR * stepInEpoch / stepsPerEpoch);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%" + digits(stepsPerEpoch) + "d/%d [", stepInEpoch, stepsPerEpoch));
    for (int i = 0; i < BAR; i++) b.append(i < filled ? '=' : i == filled ? '>' : '.');
    b.append("] ");
    b.append(stepInEpoch == stepsPerEpoch ? "done" : "ETA " + eta(stepInEpoch, now));
    b.append(String.format(Locale.ROOT, "  %s: %.4f  %s: %.4f", dName, sumD / count, gName, sumG / count));
    return b.toString();
  }

  private String eta(int stepInEpoch, long now) {
    int done = stepInEpoch - startStep;
    if (done <= 0) return "?";
    double perStep = (now - epochStartNs) / 1e9 / done;
    return duration(Math.round(perStep * (stepsPerEpoch - stepInEpoch)));
  }

  /** 75 → "1:15", 3725 → "1:02:05", 9 → "9s". */
  static String duration(long s) {
    if (s < 60) return s + "s";
    if (s < 3600) return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  private static int digits(int n) {
    return Integer.toString(n).length();
  }
}
