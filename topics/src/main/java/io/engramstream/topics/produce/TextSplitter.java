package io.engramstream.topics.produce;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits long text into parts of at most {@code maxChars} characters, preferring a paragraph
 * break, then a line break, then whitespace, so that a part boundary rarely cuts a word (and
 * tokenizing parts separately gives nearly the tokens of the whole). Kafka's default message
 * cap is 1 MiB; a 100k-char part stays well below it even as 4-byte UTF-8.
 */
public final class TextSplitter {
    private TextSplitter() {}

    public static List<String> split(String text, int maxChars) {
        if (maxChars < 16) throw new IllegalArgumentException("maxChars must be at least 16");
        List<String> parts = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (n - start > maxChars) {
            int limit = start + maxChars;
            int cut = lastBreak(text, start + maxChars / 2, limit);
            // Never split a surrogate pair.
            if (Character.isHighSurrogate(text.charAt(cut - 1))) cut--;
            parts.add(text.substring(start, cut));
            start = cut;
        }
        if (start < n || parts.isEmpty()) parts.add(text.substring(start));
        return parts;
    }

    /** The end (exclusive) of the best break in [from, limit]: after "\n\n", "\n" or whitespace; else limit. */
    private static int lastBreak(String text, int from, int limit) {
        int para = text.lastIndexOf("\n\n", limit - 2);
        if (para >= from) return para + 2;
        int line = text.lastIndexOf('\n', limit - 1);
        if (line >= from) return line + 1;
        for (int i = limit - 1; i >= from; i--) {
            if (Character.isWhitespace(text.charAt(i))) return i + 1;
        }
        return limit;
    }
}
