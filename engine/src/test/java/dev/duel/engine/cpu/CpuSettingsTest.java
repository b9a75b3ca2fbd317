package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The choice-valued CPU settings (-Dduel.sgemm.rows, -Dduel.winograd.tile, -Dduel.conv.winograd): one of theirs, or refused by name. */
class CpuSettingsTest {
  private static final String P = "duel.test.choiceSetting";

  @Test
  void aChoiceIsOneOfTheAllowedValuesOrRefusedNamingThePropertyAndValue() {
    try {
      assertNull(CpuSettings.choice(P, null, "4 or 7", "4", "7"), "unset: the default");
      System.setProperty(P, " 7 ");
      assertEquals("7", CpuSettings.choice(P, null, "4 or 7", "4", "7"), "blanks around are ignored");
      System.setProperty(P, "  ");
      assertEquals("0", CpuSettings.choice(P, "0", "4 or 7", "4", "7"), "blank: the default");
      for (String bad : new String[] {"5", "07", "x", "FALSE"}) {
        System.setProperty(P, bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuSettings.choice(P, "0", "4 or 7", "4", "7"));
        assertTrue(e.getMessage().equals("-D" + P + "=" + bad + " is not 4 or 7"), e.getMessage());
      }
    } finally {
      System.clearProperty(P);
    }
  }
}
