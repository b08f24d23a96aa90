package io.engramstream.canon;

import java.text.Normalizer;

/**
 * The Engram reference normalizer, in pure Java: the HF {@code tokenizers} sequence
 * NFKC, NFD, StripAccents, Lowercase, Replace({@code [ \t\r\n]+} -> " "), Replace({@code ^ $} -> U+E000),
 * Strip, Replace(U+E000 -> " ") that {@code engram_demo_v1.py} applies to every token's decoded text.
 *
 * <p>It reproduces the Rust normalizer bit for bit, including where Java's own Unicode tables
 * (Unicode 13 in Java 17) differ from the ones HF uses (see {@link UnicodeTables}):
 * <ul>
 *   <li>NFKC/NFD use Unicode 9.0 data: code points unassigned in 9.0 are inert (no decomposition,
 *       starters that never compose). Java's normalizer is applied to the runs between them; for
 *       code points assigned in 9.0 the stability policy makes its result identical.</li>
 *   <li>StripAccents drops General_Category Mn, Mc, Me as of Unicode 9.0.</li>
 *   <li>Lowercase maps each code point on its own to its full lowercase (Unicode 17, as the Rust
 *       standard library that built tokenizers 0.23.2); no final-sigma rule.</li>
 *   <li>Strip removes White_Space characters only, not {@link Character#isWhitespace} ones.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class TokenNormalizer {

    /** Names the semantics above; recorded in every {@link CanonicalMap}. Bump on any change. */
    public static final String VERSION = "engram-demo-v1/nfkc-u9.0/lower-u17.0";

    /** The private-use sentinel the reference uses to protect a lone space from Strip. */
    static final char SENTINEL = '\uE000';

    private TokenNormalizer() {}

    /** The output of each step, as the golden vectors record them. */
    public record Stages(String nfkc, String nfd, String stripAccents, String lowercase,
                         String whitespaceCollapsed, String result) {}

    /** Normalizes one token's decoded text. */
    public static String normalize(String text) {
        return stages(text).result();
    }

    /**
     * The reference's dictionary key for a decoded token text that has no U+FFFD:
     * the normalized text, or the text itself when that is empty. Returns null when the
     * text contains U+FFFD (the caller must key on the raw token instead).
     */
    public static String key(String decodedText) {
        if (decodedText.indexOf('\uFFFD') >= 0) return null;
        String n = normalize(decodedText);
        return n.isEmpty() ? decodedText : n;
    }

    public static Stages stages(String text) {
        String nfkc = normalizeUnicode9(text, Normalizer.Form.NFKC);
        String nfd = normalizeUnicode9(nfkc, Normalizer.Form.NFD);
        String stripped = stripAccents(nfd);
        String lower = lowercase(stripped);
        String collapsed = collapseWhitespace(lower);
        // Replace(Regex("^ $")): Oniguruma anchors are line anchors, but no \n survives the collapse,
        // so this fires exactly when the whole string is one space.
        String protectedSpace = collapsed.equals(" ") ? String.valueOf(SENTINEL) : collapsed;
        String result = strip(protectedSpace).replace(SENTINEL, ' ');
        return new Stages(nfkc, nfd, stripped, lower, collapsed, result);
    }

    /**
     * Java's normalizer applied to the runs of code points assigned in Unicode 9.0, with every code
     * point unassigned in 9.0 copied through as an inert starter (which is what the 9.0 tables make
     * of it: no decomposition, canonical class 0, no composition pair, so it blocks composition
     * across itself exactly like a hard boundary).
     */
    static String normalizeUnicode9(String s, Normalizer.Form form) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            if (!UnicodeTables.assignedInUnicode9(cp)) break;
            i += Character.charCount(cp);
        }
        if (i == n) return Normalizer.normalize(s, form);   // the common case: nothing newer than 9.0
        StringBuilder out = new StringBuilder(n + 8);
        int runStart = 0;
        i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (!UnicodeTables.assignedInUnicode9(cp)) {
                if (runStart < i) out.append(Normalizer.normalize(s.substring(runStart, i), form));
                out.appendCodePoint(cp);
                runStart = i + len;
            }
            i += len;
        }
        if (runStart < n) out.append(Normalizer.normalize(s.substring(runStart), form));
        return out.toString();
    }

    static String stripAccents(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (UnicodeTables.isMarkUnicode9(cp)) {
                if (out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += len;
        }
        return out == null ? s : out.toString();
    }

    static String lowercase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            UnicodeTables.appendLowercase(out, cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Replace(Regex("[ \t\r\n]+"), " "). */
    static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inRun = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (!inRun) out.append(' ');
                inRun = true;
            } else {
                out.append(c);
                inRun = false;
            }
        }
        return out.toString();
    }

    /** Strip: leading and trailing White_Space code points (Rust {@code char::is_whitespace}). */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhiteSpace(s.charAt(start))) start++;
        while (end > start && isWhiteSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** The White_Space property (all of it is in the BMP). */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
