package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.train.StateMaps;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Safetensors;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierWeightsTest {
  @TempDir Path dir;

  static FashionClassifier random(long seed) {
    return new FashionClassifier(Devices.cpu(), new Generator(seed));
  }

  @Test
  void savedWeightsLoadBackWithTheirChecksum() throws IOException {
    FashionClassifier c = random(3);
    Path f = dir.resolve("c.safetensors");
    String sha = ClassifierWeights.save(c, f, Map.of("test_accuracy", "0.1"));
    assertEquals(AtomicFiles.sha256(f), sha);
    assertEquals(sha + "  c.safetensors\n", Files.readString(dir.resolve("SHA256SUMS")));
    // Saving again (another model) replaces the line rather than adding one.
    String sha2 = ClassifierWeights.save(random(4), dir.resolve("c.safetensors"), Map.of());
    ClassifierWeights.save(random(5), dir.resolve("other.safetensors"), Map.of());
    assertEquals(2, Files.readAllLines(dir.resolve("SHA256SUMS")).size());
    ClassifierWeights.save(c, f, Map.of("test_accuracy", "0.1"));
    ClassifierWeights.Loaded l = ClassifierWeights.load(Devices.cpu(), f);
    assertEquals(sha, l.sha256());
    assertTrue(!sha.equals(sha2));
    assertEquals("0.1", l.metadata().get("test_accuracy"));
    assertEquals(FashionClassifier.ARCHITECTURE, l.metadata().get("architecture"));
    for (var e : c.stateDict().entrySet()) assertArrayEquals(e.getValue().toArray(), l.model().stateDict().get(e.getKey()).toArray(), e.getKey());
    assertTrue(!l.model().isTraining(), "loaded in eval mode");
  }

  @Test
  void aCorruptFileIsRefusedNamingTheFileAndBothHashes() throws IOException {
    Path f = dir.resolve("c.safetensors");
    String sha = ClassifierWeights.save(random(1), f, Map.of());
    byte[] b = Files.readAllBytes(f);
    b[b.length - 5] ^= 0x40;   // one bit of one weight
    Files.write(f, b);
    String actual = AtomicFiles.sha256(f);
    StateFormatException e = assertThrows(StateFormatException.class, () -> ClassifierWeights.load(Devices.cpu(), f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(sha) && e.getMessage().contains(actual), e.getMessage());
    assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
  }

  @Test
  void anUnlistedFileIsRefused() throws IOException {
    Path f = dir.resolve("c.safetensors");
    ClassifierWeights.save(random(1), f, Map.of());
    Files.copy(f, dir.resolve("copy.safetensors"));
    StateFormatException e = assertThrows(StateFormatException.class, () -> ClassifierWeights.load(Devices.cpu(), dir.resolve("copy.safetensors")));
    assertTrue(e.getMessage().contains("not listed") && e.getMessage().contains(AtomicFiles.sha256(f)), e.getMessage());
    Files.delete(dir.resolve("SHA256SUMS"));
    e = assertThrows(StateFormatException.class, () -> ClassifierWeights.load(Devices.cpu(), f));
    assertTrue(e.getMessage().contains("no SHA256SUMS"), e.getMessage());
  }

  @Test
  void aListedFileOfAnotherArchitectureIsRefused() throws IOException {
    Path f = dir.resolve("c.safetensors");
    Safetensors.write(f, StateMaps.toHost(random(1).stateDict()), Map.of("architecture", "something-else"));
    Files.writeString(dir.resolve("SHA256SUMS"), AtomicFiles.sha256(f) + "  c.safetensors\n");
    StateFormatException e = assertThrows(StateFormatException.class, () -> ClassifierWeights.load(Devices.cpu(), f));
    assertTrue(e.getMessage().contains("something-else"), e.getMessage());
    // Right architecture label, wrong tensors.
    var state = new java.util.LinkedHashMap<>(StateMaps.toHost(random(1).stateDict()));
    state.remove("10.bias");
    Safetensors.write(f, state, Map.of("architecture", FashionClassifier.ARCHITECTURE));
    Files.writeString(dir.resolve("SHA256SUMS"), AtomicFiles.sha256(f) + "  c.safetensors\n");
    e = assertThrows(StateFormatException.class, () -> ClassifierWeights.load(Devices.cpu(), f));
    assertTrue(e.getMessage().contains("missing [10.bias]"), e.getMessage());
  }

  @Test
  void theShippedWeightsMatchTheirChecksumAndClassifyFashionMnist() throws IOException {
    Path shipped = ClassifierWeights.locateShipped();
    String listed = FashionMnist.readChecksums(shipped.getParent()).get(ClassifierWeights.FILE_NAME);
    ClassifierWeights.Loaded l = ClassifierWeights.load(Devices.cpu(), null);
    assertEquals(listed, l.sha256());
    assertEquals(AtomicFiles.sha256(shipped), l.sha256());
    assertTrue(Double.parseDouble(l.metadata().get("test_accuracy")) >= 0.91, "recorded accuracy " + l.metadata());
    // The first 300 test images: the shipped net must classify them about as well as recorded.
    ImageDataset test = FashionMnist.load(null, ImageDataset.Split.TEST).head(300);
    double acc = ClassifierTrainer.accuracy(l.model(), test, Devices.cpu());
    assertTrue(acc >= 0.88, "accuracy on 300 test images: " + acc);
  }
}
