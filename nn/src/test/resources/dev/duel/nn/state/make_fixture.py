# Writes the reference-implementation fixture read by SafetensorsTest (run once; the tests do not need Python).
import numpy as np, safetensors
from safetensors.numpy import save_file
t = {
    "0.weight": (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1),
    "0.bias": np.array([1.5, -2.25, 3.0e-3], dtype=np.float32),
    "2.running_mean": np.linspace(-1, 1, 5).astype(np.float16),
    "2.running_var": np.array([[1e-3, 2.5], [3.0, 1e10]], dtype=np.float64),
    "2.num_batches_tracked": np.array(12345, dtype=np.int64),
    "mask": np.array([True, False, True]),
    "bytes": np.arange(4, dtype=np.uint8),
    "i32": np.array([-7, 70000], dtype=np.int32),
    "empty": np.zeros((0, 3), dtype=np.float32),
}
save_file(t, "python-fixture.safetensors", metadata={"format": "pt", "source": "safetensors " + safetensors.__version__})
