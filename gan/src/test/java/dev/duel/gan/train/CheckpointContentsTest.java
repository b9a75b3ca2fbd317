package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.gan.data.Shuffler;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.nn.state.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** state.json's training position and config, as both trainers write and read them: round trip and refusals, by name. */
class CheckpointContentsTest {
  private static final Path FOLDER = Path.of("runs", "x", "checkpoints", "step-7");

  /** What a trainer would read back: state written as JSON and parsed again (numbers come back as Long). */
  private static Checkpoint reread(Map<String, Object> state) {
    return new Checkpoint(FOLDER, 7, Json.parseObject(Json.write(state)));
  }

  private static Map<String, Object> position(long trainSeed, long offset, Shuffler.Cursor cursor) {
    return CheckpointContents.position(7, 3, new Generator(11), new Generator(trainSeed, offset), cursor);
  }

  @Test
  void thePositionComesBackAsItWasWritten() {
    Map<String, Object> state = position(5, 1234, new Shuffler.Cursor(2, 5));
    assertEquals(3, state.get("epoch"), "step 7 at 3 steps an epoch is in epoch 3");
    Checkpoint c = reread(state);
    assertEquals(1234, CheckpointContents.trainOffset(c, 5, 1));
    assertEquals(new Shuffler.Cursor(2, 5), CheckpointContents.cursor(c));
  }

  @Test
  void aTrainStreamOfAnotherSeedIsRefusedNamingTheFile() {
    Checkpoint c = reread(position(5, 1234, new Shuffler.Cursor(2, 5)));
    var e = assertThrows(IllegalArgumentException.class, () -> CheckpointContents.trainOffset(c, 6, 1));
    assertTrue(e.getMessage().contains(FOLDER.resolve("state.json").toString()) && e.getMessage().contains("rng.train")
        && e.getMessage().contains("seed 1"), e.getMessage());
  }

  @Test
  void aMissingOrMalformedPositionIsRefusedNamingTheKey() {
    Map<String, Object> noData = position(5, 0, new Shuffler.Cursor(0, 0));
    noData.remove("data");
    var e = assertThrows(IllegalArgumentException.class, () -> CheckpointContents.cursor(reread(noData)));
    assertTrue(e.getMessage().contains("\"data\" is missing"), e.getMessage());

    Map<String, Object> hugePosition = position(5, 0, new Shuffler.Cursor(0, 0));
    hugePosition.put("data", Map.of("epoch", 1L, "position", 1L << 40));
    e = assertThrows(IllegalArgumentException.class, () -> CheckpointContents.cursor(reread(hugePosition)));
    assertTrue(e.getMessage().contains("whole epoch and position"), e.getMessage());

    Map<String, Object> noRng = position(5, 0, new Shuffler.Cursor(0, 0));
    noRng.put("rng", "none");
    e = assertThrows(IllegalArgumentException.class, () -> CheckpointContents.trainOffset(reread(noRng), 5, 1));
    assertTrue(e.getMessage().contains("\"rng\" is missing or not an object"), e.getMessage());
  }

  private static Checkpoint withConfig(TrainConfig saved) {
    Map<String, Object> state = position(5, 0, new Shuffler.Cursor(0, 0));
    state.put("config", saved.toJson());
    return reread(state);
  }

  @Test
  void aRunWithoutItsOwnNoiseHorizonTakesTheSavedOne() {
    TrainConfig saved = TinyData.smallMlp();
    saved.instanceNoise = 0.1f;
    saved.instanceNoiseSteps = 500;
    TrainConfig cfg = TinyData.smallMlp();
    cfg.instanceNoise = 0.1f;
    assertTrue(CheckpointContents.checkConfig(withConfig(saved), cfg, true), "the horizon changed: rebuild the noise");
    assertEquals(500, cfg.instanceNoiseSteps);

    TrainConfig same = TinyData.smallMlp();
    same.instanceNoise = 0.1f;
    same.instanceNoiseSteps = 500;
    assertFalse(CheckpointContents.checkConfig(withConfig(saved), same, false), "the same horizon: nothing to rebuild");
  }

  @Test
  void aDifferentConfigIsRefusedWithTheDifference() {
    TrainConfig saved = TinyData.smallMlp();
    TrainConfig cfg = TinyData.smallMlp();
    cfg.width = saved.width * 2;
    var e = assertThrows(IllegalArgumentException.class, () -> CheckpointContents.checkConfig(withConfig(saved), cfg, false));
    assertTrue(e.getMessage().startsWith("cannot resume " + FOLDER) && e.getMessage().contains("width"), e.getMessage());
  }
}
