package io.engramstream.spec;

import java.util.Locale;

/** The element type of an embedding row, as stored in tiers and snapshots. */
public enum EmbeddingDType {
    FP32(4),
    FP16(2),
    BF16(2);

    private final int bytes;

    EmbeddingDType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    /** The spelling in spec files: {@code fp32}, {@code fp16}, {@code bf16}. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Parses {@code fp32}/{@code float32}, {@code fp16}/{@code float16}, {@code bf16}/{@code bfloat16}. */
    public static EmbeddingDType parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "fp32", "float32", "f32" -> FP32;
            case "fp16", "float16", "f16", "half" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (expected fp32, fp16 or bf16)");
        };
    }
}
