package io.engramstream.model.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The language model's own output vocabulary: the most frequent tokenizer ids of the training
 * split, renumbered 1..size-1, with 0 for every other id. A small softmax keeps a few hundred
 * training steps on two CPU cores; the Engram hashing still sees the full tokenizer ids
 * (canonicalized), so the memory is addressed exactly as the spec says.
 */
public final class LmVocabulary {
    public static final int UNKNOWN = 0;
    private final int[] tokenizerIds;   // compact id -> tokenizer id (index 0 unused: -1)
    private final int[] compact;        // tokenizer id -> compact id

    private LmVocabulary(int[] tokenizerIds) {
        this.tokenizerIds = tokenizerIds;
        int max = 0;
        for (int id : tokenizerIds) max = Math.max(max, id);
        compact = new int[max + 1];
        for (int c = 1; c < tokenizerIds.length; c++) compact[tokenizerIds[c]] = c;
    }

    /** Keeps the {@code size-1} most frequent ids of {@code tokens} (ties by smaller id). */
    public static LmVocabulary build(int[] tokens, int size) {
        int max = 0;
        for (int t : tokens) max = Math.max(max, t);
        long[] counts = new long[max + 1];
        for (int t : tokens) counts[t]++;
        // Sort by (count desc, id asc) packed into one long: count in the high bits.
        long[] packed = new long[counts.length];
        int n = 0;
        for (int id = 0; id < counts.length; id++) {
            if (counts[id] > 0) packed[n++] = (counts[id] << 32) | (0xFFFFFFFFL - id);
        }
        long[] sorted = Arrays.copyOf(packed, n);
        Arrays.sort(sorted);
        int keep = Math.min(size - 1, n);
        int[] ids = new int[keep + 1];
        ids[0] = -1;
        for (int i = 0; i < keep; i++) ids[1 + i] = (int) (0xFFFFFFFFL - (sorted[n - 1 - i] & 0xFFFFFFFFL));
        return new LmVocabulary(ids);
    }

    public int size() { return tokenizerIds.length; }

    public int compact(int tokenizerId) {
        return tokenizerId >= 0 && tokenizerId < compact.length ? compact[tokenizerId] : UNKNOWN;
    }

    /** The tokenizer id of a compact id, or -1 for {@link #UNKNOWN}. */
    public int tokenizerId(int compactId) { return tokenizerIds[compactId]; }

    public int[] compactAll(int[] tokenizerIds) {
        int[] out = new int[tokenizerIds.length];
        for (int i = 0; i < out.length; i++) out[i] = compact(tokenizerIds[i]);
        return out;
    }

    /** Share of {@code tokens} that map to a known id. */
    public double coverage(int[] tokens) {
        long known = 0;
        for (int t : tokens) if (compact(t) != UNKNOWN) known++;
        return tokens.length == 0 ? 0 : (double) known / tokens.length;
    }

    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = 1; c < tokenizerIds.length; c++) sb.append(tokenizerIds[c]).append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    public static LmVocabulary load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Integer> ids = new ArrayList<>();
        ids.add(-1);
        for (String l : lines) if (!l.isBlank()) ids.add(Integer.parseInt(l.strip()));
        return new LmVocabulary(ids.stream().mapToInt(Integer::intValue).toArray());
    }
}
