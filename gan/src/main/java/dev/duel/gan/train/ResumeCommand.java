package dev.duel.gan.train;

/** The command line that continues a run, as the messages of a stopped or diverged run print it. */
public final class ResumeCommand {
  private ResumeCommand() {}

  /** "duel train --resume --name NAME" (plus --out when not the default) and {@code extra}, shell-quoted. */
  public static String of(TrainConfig cfg, String... extra) {
    StringBuilder sb = new StringBuilder("duel train --resume");
    if (!cfg.out.equals(new TrainConfig().out)) sb.append(" --out ").append(quote(cfg.out));
    sb.append(" --name ").append(quote(cfg.name));
    for (String e : extra) sb.append(' ').append(quote(e));
    return sb.toString();
  }

  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
