package io.engramstream.store;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How one element of an embedding row is stored in the cold file and the warm tier.
 *
 * <p>The device type is what the hot tier and the lookup's host staging hold: FP32 and FP16 rows
 * go to the engine unchanged; BF16 rows are widened to FP32 on the host because DJL cannot create
 * a BF16 array from a buffer (the PyTorch engine aborts), so the widening (a 16-bit shift) happens
 * while rows are copied anyway.
 */
public enum RowFormat {
    FP32(0, 4, DataType.FLOAT32),
    BF16(1, 2, DataType.FLOAT32),
    FP16(2, 2, DataType.FLOAT16);

    private final int code;
    private final int bytesPerElement;
    private final DataType deviceType;

    RowFormat(int code, int bytesPerElement, DataType deviceType) {
        this.code = code;
        this.bytesPerElement = bytesPerElement;
        this.deviceType = deviceType;
    }

    /** The code stored in a cold table's header. */
    public int code() { return code; }

    public int bytesPerElement() { return bytesPerElement; }

    /** The element type of rows once staged for, or held on, the device. */
    public DataType deviceType() { return deviceType; }

    public int deviceBytesPerElement() { return deviceType == DataType.FLOAT16 ? 2 : 4; }

    /** Whether a stored row is byte-for-byte a device row (no conversion while staging). */
    public boolean storedAsDevice() { return this != BF16; }

    public static RowFormat of(io.engramstream.spec.EmbeddingDType d) {
        switch (d) {
            case FP32: return FP32;
            case BF16: return BF16;
            case FP16: return FP16;
            default: throw new IllegalArgumentException("unsupported dtype " + d);
        }
    }

    public io.engramstream.spec.EmbeddingDType dtype() {
        return io.engramstream.spec.EmbeddingDType.valueOf(name());
    }

    public static RowFormat fromCode(int code) {
        for (RowFormat f : values()) if (f.code == code) return f;
        throw new IllegalArgumentException("unknown row format code " + code);
    }

    /** Parses {@code fp32|float32|f32}, {@code bf16|bfloat16}, {@code fp16|float16|f16|half}. */
    public static RowFormat parse(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "fp32": case "float32": case "f32": return FP32;
            case "bf16": case "bfloat16": return BF16;
            case "fp16": case "float16": case "f16": case "half": return FP16;
            default: throw new IllegalArgumentException("unknown row dtype '" + name + "' (expected fp32, bf16 or fp16)");
        }
    }

    // ---- element conversions (round to nearest even, as PyTorch does) ----

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) return (short) ((x >>> 16) | 0x40); // NaN stays NaN (quiet)
        int rounding = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    public static float fp16ToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            // subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short floatToFp16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs > 0x7F800000) return (short) (sign | 0x7E00);           // NaN
        if (abs >= 0x477FF000) return (short) (sign | 0x7C00);          // overflow (incl. rounding up) -> inf
        if (abs < 0x38800000) {                                          // below smallest normal half: subnormal
            if (abs < 0x33000000) return (short) sign;                   // rounds to zero
            int e = abs >>> 23;
            int m = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - e;                                         // 14 + (113 - e) - 1 ... see below
            // half subnormal unit is 2^-24; value = m * 2^(e-150); units = m >> (150-24-e) = m >> (126-e)
            int q = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) != 0)) q++;
            return (short) (sign | q);
        }
        int e = (abs >>> 23) - 112;
        int m = abs & 0x7FFFFF;
        int q = (e << 10) | (m >>> 13);
        int rem = m & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (q & 1) != 0)) q++;
        return (short) (sign | q);
    }
}
