package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShufflerTest {
  @Test
  void splitMix64MatchesTheReferenceSequence() {
    // First outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    SplitMix64 g = new SplitMix64(0);
    assertEquals(0xE220A8397B1DCDAFL, g.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, g.nextLong());
    assertEquals(0x06C45D188009454FL, g.nextLong());
    SplitMix64 copy = new SplitMix64(g.state());
    assertEquals(g.nextLong(), copy.nextLong(), "state() is the whole state");
  }

  @Test
  void nextIntIsInRangeAndRoughlyUniform() {
    SplitMix64 g = new SplitMix64(42);
    int[] counts = new int[3];
    int n = 30000;
    for (int i = 0; i < n; i++) counts[g.nextInt(3)]++;
    double chi2 = 0;
    for (int c : counts) chi2 += (c - n / 3.0) * (c - n / 3.0) / (n / 3.0);
    assertTrue(chi2 < 13.8, "chi² " + chi2 + " for 2 degrees of freedom (p = 0.001)");
    for (int i = 0; i < 1000; i++) assertEquals(0, g.nextInt(1));
    int big = Integer.MAX_VALUE;
    for (int i = 0; i < 1000; i++) { int v = g.nextInt(big); assertTrue(v >= 0 && v < big); }
    assertThrows(IllegalArgumentException.class, () -> g.nextInt(0));
  }

  @Test
  void permutationsArePermutationsThatDependOnSeedAndEpoch() {
    for (int n : new int[] {1, 3, 17, 130}) {
      Shuffler s = new Shuffler(n, 1, false, 7);
      for (long e = 0; e < 3; e++) {
        int[] p = s.permutation(e);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) assertEquals(i, sorted[i]);
      }
    }
    Shuffler a = new Shuffler(130, 8, true, 7), b = new Shuffler(130, 8, true, 7), c = new Shuffler(130, 8, true, 8);
    assertArrayEquals(a.permutation(5), b.permutation(5));
    assertFalse(Arrays.equals(a.permutation(0), a.permutation(1)));
    assertFalse(Arrays.equals(a.permutation(0), c.permutation(0)));
  }

  @Test
  void everyEpochVisitsEachSampleOnce() {
    Shuffler keep = new Shuffler(17, 5, false, 1);
    assertEquals(4, keep.batchesPerEpoch());
    int[] seen = new int[17], out = new int[5];
    List<Integer> sizes = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      int k = keep.next(out);
      sizes.add(k);
      for (int i = 0; i < k; i++) seen[out[i]]++;
    }
    assertEquals(List.of(5, 5, 5, 2), sizes);
    for (int v : seen) assertEquals(1, v);
    assertEquals(new Shuffler.Cursor(0, 17), keep.cursor());
    keep.next(out);
    assertEquals(new Shuffler.Cursor(1, 5), keep.cursor(), "the next batch opens epoch 1");

    Shuffler drop = new Shuffler(17, 5, true, 1);
    assertEquals(3, drop.batchesPerEpoch());
    for (int b = 0; b < 3; b++) assertEquals(5, drop.next(out));
    assertEquals(5, drop.next(out));
    assertEquals(new Shuffler.Cursor(1, 5), drop.cursor(), "the short batch is dropped");
    assertThrows(IllegalArgumentException.class, () -> new Shuffler(4, 5, true, 0));
  }

  @Test
  void aRestoredCursorContinuesIdentically() {
    Shuffler a = new Shuffler(130, 33, true, 1234);
    int[] out = new int[33];
    for (int i = 0; i < 11; i++) a.next(out); // 3 batches per epoch: ends inside epoch 3
    Shuffler.Cursor saved = a.cursor();
    assertEquals(new Shuffler.Cursor(3, 66), saved);

    Shuffler b = new Shuffler(130, 33, true, 1234);
    b.restore(saved);
    int[] oa = new int[33], ob = new int[33];
    for (int i = 0; i < 40; i++) { // across several epoch boundaries
      int ka = a.next(oa), kb = b.next(ob);
      assertEquals(ka, kb);
      assertArrayEquals(oa, ob, "batch " + i);
      assertEquals(a.cursor(), b.cursor());
    }
    assertThrows(IllegalArgumentException.class, () -> b.restore(new Shuffler.Cursor(0, 131)));
    assertThrows(IllegalArgumentException.class, () -> b.restore(new Shuffler.Cursor(-1, 0)));
  }
}
