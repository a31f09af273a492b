package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

/** The Python bridge's encodings (python/tests exercise the rest through Py4J). */
class PythonBridgeTest {
  @Test
  void doublesAreLittleEndianIeee() {
    double[] values = {1.5, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Math.PI};
    byte[] bytes = PythonBridge.doubles(values);
    assertEquals(values.length * 8, bytes.length);
    double[] back = new double[values.length];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(back);
    assertArrayEquals(values, back);
    // 1.5 = 0x3FF8000000000000: its lowest byte first.
    assertEquals(0x3F, bytes[7]);
    assertEquals((byte) 0xF8, bytes[6]);
    assertEquals(0, bytes[0]);
  }

  @Test
  void linesAreDrainedOnce() throws Exception {
    PythonBridge.Lines lines = PythonBridge.lines();
    lines.write("mode search ...\n");
    lines.write("iter 1\n".toCharArray(), 0, 7);
    assertEquals("mode search ...\niter 1\n", lines.drain());
    assertEquals("", lines.drain());
  }

  @Test
  void pngHasItsSignature() {
    byte[] png = PythonBridge.png(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
  }

  @Test
  void sampleNeedsDraws() {
    assertThrows(InvalidInputException.class,
        () -> PythonBridge.sample(new org.poevi.family.GaussianModel(java.util.List.of("a"),
            new double[] {0}, new double[] {1}), 0, 1));
  }
}
