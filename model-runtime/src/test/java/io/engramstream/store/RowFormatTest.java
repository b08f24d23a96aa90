package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The 16-bit conversions round exactly as PyTorch does (the engine is the oracle). */
class RowFormatTest {
    private static float[] samples() {
        Random r = new Random(1);
        float[] v = new float[20000];
        int i = 0;
        float[] special = {0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, 1e-8f, 6.1e-5f, 5.96e-8f, 2.98e-8f, 2.99e-8f,
            Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.0e38f, 1.00390625f, 1.01171875f};
        for (float s : special) v[i++] = s;
        while (i < v.length) {
            switch (i % 4) {
                case 0: v[i++] = (float) r.nextGaussian(); break;
                case 1: v[i++] = (float) (r.nextGaussian() * 1e-5); break;       // fp16 subnormal range
                case 2: v[i++] = Float.intBitsToFloat(r.nextInt()); break;       // any bit pattern
                default: v[i++] = (float) (r.nextGaussian() * 3e4); break;       // near fp16 overflow
            }
        }
        for (int k = 0; k < v.length; k++) if (Float.isNaN(v[k])) v[k] = 0.5f;   // NaN payloads need not match
        return v;
    }

    @Test
    void fp16MatchesTheEngine() {
        float[] v = samples();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray a = m.create(v);
            float[] want = a.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                float got = RowFormat.fp16ToFloat(RowFormat.floatToFp16(v[i]));
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got), "fp16 of " + v[i] + " (bits " + Integer.toHexString(Float.floatToIntBits(v[i])) + ")");
            }
        }
    }

    /**
     * DJL's PyTorch engine aborts on any BFLOAT16 array (which is why bf16 rows reach the device as
     * fp32), so bf16 is checked against the definition instead: the nearer of the two bf16 values
     * around x, measured in double, ties to the even one.
     */
    @Test
    void bf16RoundsToNearestEven() {
        for (float x : samples()) {
            int bits = Float.floatToRawIntBits(x);
            if (Float.isNaN(x)) continue;
            int mag = bits & 0x7FFFFFFF;
            int loBits = mag & 0xFFFF0000, hiBits = loBits + 0x10000;
            double lo = Float.intBitsToFloat(loBits);
            double hi = hiBits >= 0x7F800000 ? Math.pow(2, 128) : Float.intBitsToFloat(hiBits);
            double ax = Math.abs((double) x);
            int chosen;
            if (mag >= 0x7F800000) chosen = mag;                        // infinity stays
            else if (ax - lo < hi - ax) chosen = loBits;
            else if (ax - lo > hi - ax) chosen = hiBits;
            else chosen = ((loBits >>> 16) & 1) == 0 ? loBits : hiBits;
            int want = (bits & 0x80000000) | Math.min(chosen, 0x7F800000);
            float got = RowFormat.bf16ToFloat(RowFormat.floatToBf16(x));
            assertEquals(want, Float.floatToRawIntBits(got), "bf16 of " + x);
        }
    }

    @Test
    void namesParse() {
        assertEquals(RowFormat.BF16, RowFormat.parse("bfloat16"));
        assertEquals(RowFormat.FP16, RowFormat.parse("half"));
        assertEquals(RowFormat.FP32, RowFormat.of(io.engramstream.spec.EmbeddingDType.FP32));
        assertThrows(IllegalArgumentException.class, () -> RowFormat.parse("int8"));
    }
}
