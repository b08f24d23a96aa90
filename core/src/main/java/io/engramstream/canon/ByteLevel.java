package io.engramstream.canon;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-unicode alphabet, used by byte-level BPE vocabularies (DeepSeek-V3, Llama-3,
 * Qwen, GPT-2): printable Latin-1 bytes stand for themselves, the other 68 bytes map in order to
 * U+0100 and up. Decoding follows the HF ByteLevel decoder: a token with any character outside
 * the alphabet is kept as its UTF-8 bytes, and the bytes are read as lossy UTF-8.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Char (0..0x143) to byte, or -1. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (0x100 + next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The byte-level string of raw token bytes. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The bytes a byte-level token stands for, or its UTF-8 if a character is outside the alphabet. */
    public static byte[] tokenBytes(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) return token.getBytes(StandardCharsets.UTF_8);
            out.write(b);
        }
        return out.toByteArray();
    }

    /** HF {@code decode([id])} of one byte-level token: its bytes as lossy UTF-8. */
    public static String decode(String token) {
        return new String(tokenBytes(token), StandardCharsets.UTF_8);
    }
}
