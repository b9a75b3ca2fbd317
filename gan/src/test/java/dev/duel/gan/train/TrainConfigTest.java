package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.nn.state.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  @Test
  void defaultsAreTheBenchmarkStepOnDcgan28() {
    TrainConfig c = new TrainConfig().validate();
    assertEquals("dcgan28", c.model);
    assertEquals(64, c.resolvedWidth());
    assertEquals("non-saturating", c.loss);
    assertEquals(2e-4f, c.lrG);
    assertEquals(2e-4f, c.lrD);
    assertEquals(0.5f, c.beta1);
    assertEquals(0.999f, c.beta2);
    assertEquals(1, c.dSteps);
    assertEquals(Devices.defaultName(), c.device);          // DUEL_DEVICE, else cpu
  }

  @Test
  void jsonRoundTripsEveryOptionExactly() {
    TrainConfig c = new TrainConfig();
    c.model = "cgan-mlp";
    c.lrD = 3.3e-4f;
    c.seed = -7;
    c.featureMatching = true;
    c.labelSmoothing = 0.1f;
    String text = Json.writePretty(c.toJson());
    TrainConfig back = TrainConfig.fromJson(text, "test");
    assertEquals(c.toJson(), back.toJson());
    assertEquals(List.of(), back.differencesFrom(c));
    assertEquals(TrainConfig.KEYS, List.copyOf(c.toJson().keySet()));
  }

  @Test
  void badFilesNameTheKey() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"lr\": 1}", "f.json"));
    assertTrue(unknown.getMessage().contains("f.json") && unknown.getMessage().contains("'lr'"), unknown.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"batch\": \"64\"}", "f.json"));
    assertTrue(type.getMessage().contains("'batch' must be a whole number"), type.getMessage());
    IllegalArgumentException frac = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"epochs\": 1.5}", "f.json"));
    assertTrue(frac.getMessage().contains("'epochs'"), frac.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("[1]", "f.json"));
  }

  @Test
  void validateNamesEveryBadOption() {
    TrainConfig c = new TrainConfig().with(Map.of("model", "gan9000", "batch", -1L, "beta1", 1.5), "test");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
    assertTrue(e.getMessage().contains("--model 'gan9000'") && e.getMessage().contains("--batch") && e.getMessage().contains("--beta1"),
        e.getMessage());
  }

  @Test
  void resumeMayChangeEpochsButNotTheModel() {
    TrainConfig saved = new TrainConfig();
    TrainConfig longer = saved.copy();
    longer.epochs = 50;
    longer.device = "cuda";
    assertEquals(List.of(), longer.differencesFrom(saved));
    TrainConfig other = saved.copy();
    other.model = "mlp";
    other.width = 64;                       // mlp's 64 vs dcgan28's resolved 64: only the model differs
    assertEquals(List.of("--model is mlp here but dcgan28 in the run"), other.differencesFrom(saved));
  }
}
