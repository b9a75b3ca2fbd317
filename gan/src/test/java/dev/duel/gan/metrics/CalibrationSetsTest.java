package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.ImageDataset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationSetsTest {
  @Test
  void setsHaveTheirDefiningProperties() {
    int total = 60, per = 784;
    float[] px = new float[total * per];
    int[] labels = new int[total];
    for (int i = 0; i < total; i++) {
      labels[i] = i % 10;
      for (int p = 0; p < per; p++) px[i * per + p] = (float) Math.sin(i * 7 + p) * 0.9f;
    }
    List<CalibrationSets.Named> sets = CalibrationSets.build(new ImageDataset(px, labels, total, 1, 28, 28), 20, 3);
    assertEquals(List.of("train", "train-4", "train+noise", "train-blur", "5-classes", "one-image", "uniform-noise"),
        sets.stream().map(CalibrationSets.Named::name).toList());
    ImageSet train = sets.get(0).images(), one = sets.get(5).images(), half = sets.get(4).images(), noise = sets.get(6).images();
    assertArrayEquals(Arrays.copyOf(px, 20 * per), train.images());
    for (int i = 0; i < 20; i++) assertArrayEquals(Arrays.copyOf(px, per), Arrays.copyOfRange(one.images(), i * per, (i + 1) * per));
    assertEquals(20, half.count());
    // Classes 0-4 of labels i % 10: images 0-4, 10-14, 20-24, 30-34.
    assertArrayEquals(Arrays.copyOfRange(px, 10 * per, 11 * per), Arrays.copyOfRange(half.images(), 5 * per, 6 * per));
    for (float v : noise.images()) assertTrue(v >= -1 && v <= 1);
    for (float v : sets.get(2).images().images()) assertTrue(v >= -1 && v <= 1);
    float[] blur = sets.get(3).images().images();
    assertEquals((px[0] + px[1] + px[28] + px[29]) / 4, blur[29], 1e-6);
  }
}
