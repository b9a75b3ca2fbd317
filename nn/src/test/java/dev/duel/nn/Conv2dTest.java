package dev.duel.nn;

import static dev.duel.nn.LinearTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Conv2d is PyTorch's cross-correlation, y[o] = b[o] + Σ_c x[c] ⋆ w[o, c]; worked by hand on a 3×3 image. */
class Conv2dTest {
  /** x = 1..9 as a 1×1×3×3 image (row-major). */
  static Tensor image() {
    return Tensor.of(Devices.cpu(), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
  }

  @Test
  void crossCorrelatesWithoutFlippingTheKernel() {
    Conv2d c = new Conv2d(Devices.cpu(), new Generator(1), 1, 1, 2, 1, 0, true);
    set(c.param("weight"), 1, 2, 3, 4);
    set(c.param("bias"), 0.5f);
    // y00 = 1·1 + 2·2 + 3·4 + 4·5 = 37, y01 = 1·2 + 2·3 + 3·5 + 4·6 = 47, y10 = 67, y11 = 77; plus 0.5
    Tensor y = c.forward(image());
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, y.toArray());
  }

  @Test
  void strideAndPaddingPickTheWindowsOfThePaddedImage() {
    Conv2d c = new Conv2d(Devices.cpu(), new Generator(1), 1, 1, 2, 2, 1, false);
    set(c.param("weight"), 1, 1, 1, 1);
    // padded 5×5, windows at rows/cols {−1, 1}: [1], [2+3], [4+7], [5+6+8+9]
    assertArrayEquals(new float[] {1, 5, 11, 28}, c.forward(image()).toArray());
  }

  @Test
  void sumsOverInputChannelsPerOutputChannel() {
    Conv2d c = new Conv2d(Devices.cpu(), new Generator(1), 2, 2, 1, 1, 0, false);
    set(c.param("weight"), 1, -1, 2, 0);                      // w: 2×2×1×1: out 0 = x0 − x1, out 1 = 2·x0
    Tensor x = Tensor.of(Devices.cpu(), new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    assertArrayEquals(new float[] {-9, -18, -27, -36, 2, 4, 6, 8}, c.forward(x).toArray());
  }

  @Test
  void gradientsOfTheHandWorkedCase() {
    Conv2d c = new Conv2d(Devices.cpu(), new Generator(1), 1, 1, 2, 1, 0, true);
    set(c.param("weight"), 1, 2, 3, 4);
    Tensor x = image().requiresGrad(true);
    c.forward(x).sum().backward();
    // dΣy/dw[i,j] = Σ of the 2×2 block of x at offset (i, j): 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    assertArrayEquals(new float[] {12, 16, 24, 28}, c.param("weight").grad().toArray());
    assertArrayEquals(new float[] {4}, c.param("bias").grad().toArray());
    // dΣy/dx: each pixel collects the weights of the windows that cover it
    assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, x.grad().toArray());
    assertEquals("Conv2d(1, 1, kernel_size=2, stride=1, padding=0)", c.describe());
    assertArrayEquals(new int[] {1, 1, 2, 2}, c.param("weight").shape());
  }
}
