package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss --loss accepts resumes bit-identically, including the penalties that draw random numbers
 * (WGAN-GP's interpolation ε) and the weight clipping of wgan, once gan/loss is wired into
 * {@link Objectives}.
 */
class LossesResumeTest {
  @TempDir
  Path tmp;

  static List<String> losses() {
    return Objectives.lossNames();
  }

  @ParameterizedTest
  @MethodSource("losses")
  void resumesBitIdentically(String loss) throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.loss = loss;
    c.limit = 3;
    c.checkpointEvery = 2;
    Path whole = tmp.resolve("whole");
    Trainer full = new Trainer(c, TinyData.dataset(), whole, ResumeTest.QUIET, false);
    full.train();
    List<Map<String, Object>> expected = ResumeTest.readMetrics(whole.resolve("metrics.jsonl"));

    Trainer resumed = new Trainer(c, TinyData.dataset(), tmp.resolve("resumed"), ResumeTest.QUIET, false);
    resumed.restore(Checkpoints.verify(whole.resolve("checkpoints/step-2")));
    resumed.train();
    List<Map<String, Object>> got = ResumeTest.readMetrics(tmp.resolve("resumed/metrics.jsonl"));
    assertEquals(expected.size() - 2, got.size());
    for (int i = 0; i < got.size(); i++) {
      for (String key : expected.get(2 + i).keySet()) {                 // d_real or score_real, ...
        if (key.equals("ms_per_step")) continue;
        assertEquals(expected.get(2 + i).get(key), got.get(i).get(key), loss + ": step " + (3 + i) + " " + key);
      }
    }
    ResumeTest.assertSameState(full, resumed);
  }
}
