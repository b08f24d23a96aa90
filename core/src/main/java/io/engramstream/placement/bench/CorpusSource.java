package io.engramstream.placement.bench;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.hash.HashStream;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.tokenize.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Row-key lookups of a real text corpus, as the Engram layers would make them: lines are
 * tokenized, mapped to canonical ids and hashed (every layer, order and head) into row keys; one
 * line is one document. Stops after {@code maxTokens} tokens or at the end of the file.
 */
public final class CorpusSource implements LookupSource, AutoCloseable {
    private final BufferedReader lines;
    private final TextTokenizer tokenizer;
    private final CanonicalMap canonical;
    private final NgramHasher hasher;
    private final int perToken;
    private final long maxTokens;
    private final String description;
    private long[] pending = new long[0];
    private int pendingPos, pendingLen;
    private long tokens;

    public CorpusSource(BufferedReader lines, TextTokenizer tokenizer, CanonicalMap canonical, EngramSpec spec, long maxTokens,
                        String description) {
        this.lines = lines;
        this.tokenizer = tokenizer;
        this.canonical = canonical;
        this.hasher = new NgramHasher(spec);
        this.perToken = spec.lookupsPerToken();
        this.maxTokens = maxTokens;
        this.description = description;
    }

    public long tokens() { return tokens; }

    @Override public int next(long[] out, int n) {
        int written = 0;
        while (written < n) {
            if (pendingPos == pendingLen && !refill()) break;
            int take = Math.min(n - written, pendingLen - pendingPos);
            System.arraycopy(pending, pendingPos, out, written, take);
            pendingPos += take;
            written += take;
        }
        return written;
    }

    private boolean refill() {
        try {
            while (tokens < maxTokens) {
                String line = lines.readLine();
                if (line == null) return false;
                // Europarl lines are "title<TAB>date<TAB>body"; plain text lines have no tabs.
                int tab = line.lastIndexOf('\t');
                String text = tab >= 0 ? line.substring(tab + 1) : line;
                if (text.isBlank()) continue;
                int[] ids = tokenizer.encode(text);
                if (ids.length == 0) continue;
                for (int i = 0; i < ids.length; i++) ids[i] = canonical.map(ids[i]);
                int len = (int) Math.min(ids.length, maxTokens - tokens);
                tokens += len;
                int need = len * perToken;
                if (pending.length < need) pending = new long[Math.max(need, pending.length * 2)];
                hasher.hashRowKeys(ids, 0, len, pending);
                pendingPos = 0;
                pendingLen = need;
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public String describe() { return description; }

    @Override public void close() throws IOException {
        lines.close();
        tokenizer.close();
    }
}
