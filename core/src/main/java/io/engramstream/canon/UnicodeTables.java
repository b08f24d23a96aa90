package io.engramstream.canon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Unicode data of the HF normalizer, independent of the JDK's own tables: which code points
 * Unicode 9.0 assigns and which are marks there (the normalization tables inside HF tokenizers),
 * and the full lowercase mapping of Unicode 17.0 (the Rust standard library that built tokenizers
 * 0.23.2). Loaded once from {@code unicode-tables.txt}, generated from the Unicode Character
 * Database by {@code core/src/build/unicode/generate-unicode-tables.mjs}.
 *
 * <p>Lookups are binary searches over sorted primitive arrays, with ASCII fast paths.
 */
final class UnicodeTables {
    private static final String RESOURCE = "unicode-tables.txt";

    /** Inclusive [start, end] pairs, sorted. */
    private static final int[] UNASSIGNED9;
    private static final int[] MARK9;
    /** Code points with a lowercase different from themselves, sorted; LOWER_TO[i] is the mapping. */
    private static final int[] LOWER_FROM;
    private static final int[][] LOWER_TO;

    static {
        try (InputStream in = UnicodeTables.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            UNASSIGNED9 = readRanges(r, "unassigned9");
            MARK9 = readRanges(r, "mark9");
            int n = section(r, "lower17");
            LOWER_FROM = new int[n];
            LOWER_TO = new int[n][];
            for (int i = 0; i < n; i++) {
                String[] f = r.readLine().split(" ");
                LOWER_FROM[i] = Integer.parseInt(f[0], 16);
                LOWER_TO[i] = new int[f.length - 1];
                for (int j = 1; j < f.length; j++) LOWER_TO[i][j - 1] = Integer.parseInt(f[j], 16);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private UnicodeTables() {}

    /** Whether Unicode 9.0 assigns {@code cp} (General_Category other than Cn). */
    static boolean assignedInUnicode9(int cp) {
        if (cp < 0x378) return true;   // first unassigned code point in 9.0
        return !inRanges(UNASSIGNED9, cp);
    }

    /** General_Category Mn, Mc or Me in Unicode 9.0: what StripAccents removes. */
    static boolean isMarkUnicode9(int cp) {
        if (cp < 0x300) return false;
        return inRanges(MARK9, cp);
    }

    /** Appends the full lowercase of one code point (Unicode 17.0, no context rules). */
    static void appendLowercase(StringBuilder out, int cp) {
        if (cp < 0x80) {
            out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            return;
        }
        int i = Arrays.binarySearch(LOWER_FROM, cp);
        if (i < 0) {
            out.appendCodePoint(cp);
        } else {
            for (int c : LOWER_TO[i]) out.appendCodePoint(c);
        }
    }

    private static boolean inRanges(int[] ranges, int cp) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[2 * mid]) hi = mid - 1;
            else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private static int[] readRanges(BufferedReader r, String name) throws IOException {
        int n = section(r, name);
        int[] out = new int[2 * n];
        for (int i = 0; i < n; i++) {
            String line = r.readLine();
            int dash = line.indexOf('-');
            out[2 * i] = Integer.parseInt(line.substring(0, dash), 16);
            out[2 * i + 1] = Integer.parseInt(line.substring(dash + 1), 16);
        }
        return out;
    }

    private static int section(BufferedReader r, String name) throws IOException {
        String line;
        while ((line = r.readLine()) != null && line.startsWith("#")) { /* header comments */ }
        if (line == null || !line.startsWith(name + " ")) {
            throw new IllegalStateException(RESOURCE + ": expected section " + name + ", got " + line);
        }
        return Integer.parseInt(line.substring(name.length() + 1).trim());
    }
}
