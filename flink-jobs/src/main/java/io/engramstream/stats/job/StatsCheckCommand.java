package io.engramstream.stats.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.EuroparlCorpus;
import io.engramstream.stats.input.JobInput;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram stats check}: recounts an input file straight from its documents, in one plain
 * loop (read, tokenize, canonicalize, hash with the core hasher, add), and compares the result row
 * by row with what {@code engram run} published. It shares nothing with the job but the spec, the
 * tokenizer and the hasher: no Flink, no pre-aggregation, no shards, no checkpoints. So a match
 * says the job counted every lookup exactly once.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Recounts the input of engram run independently (plain loop: tokenize, canonicalize, hash with the core hasher)",
                "and compares every row's corpus and inference counts with the published statistics in OUT/stats.",
                "Exit 0: identical; 3: rows differ (the first ones are printed)."})
public final class StatsCheckCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "engram-out", description = "Output directory of engram run (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--input", paramLabel = "PATH",
            description = "The file or directory engram run read (default: the bundled Europarl sample, engram run's default).")
    Path input;

    @Option(names = "--input-format", defaultValue = "auto",
            description = "auto, text, europarl or jsonl, as for engram run (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--repeat", defaultValue = "1", description = "Passes over the input engram run made (its --repeat; default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--max-record-tokens",
            description = "Documents with more tokens were dead letters in the job (its --max-record-tokens; default: the job's default).")
    Integer maxRecordTokens;

    @Option(names = "--max-text-chars",
            description = "Texts with more characters were dead letters in the job (its --max-text-chars; default: the job's default).")
    Integer maxTextChars;

    @Option(names = "--tokenizer", description = "Tokenizer id, if engram run was given one (default: the canonical map's own).")
    String tokenizerId;

    @Override public String group() { return "stats"; }

    @Override public Integer call() throws Exception {
        if (repeat < 1) throw new UserError("--repeat must be >= 1");
        if (!Files.isDirectory(out)) throw new UserError("no such directory: " + out);
        Optional<Path> pub = StatsDirectory.latest(out);
        if (pub.isEmpty()) throw new UserError("no published statistics under " + StatsDirectory.root(out) + " (run engram run --out " + out + " first)");
        StatsSummary summary = StatsDirectory.readSummary(pub.get());
        EngramSpec spec = EngramSpec.parse(summary.specJson(), false, "summary.json");
        List<Path> files = inputFiles(input == null ? EuroparlCorpus.file() : input);
        System.out.printf("statistics %s in %s: %,d tokens, %,d lookups, %,d rows%n", summary.tag(), out, summary.tokens(),
                summary.lookups(), summary.distinctRows());

        Recount recount = new Recount(spec, CanonicalMaps.forId(summary.canonicalMapId()),
                tokenizerId == null || tokenizerId.isBlank() ? summary.canonicalMapId() : tokenizerId,
                maxRecordTokens != null ? maxRecordTokens : StatsJobOptions.MAX_RECORD_TOKENS.defaultValue(),
                maxTextChars != null ? maxTextChars : StatsJobOptions.MAX_TEXT_CHARS.defaultValue());
        long t0 = System.nanoTime();
        try (recount) {
            for (Path f : files) recount.file(f, format.equals("auto") ? JobInput.formatOf(f) : format);
            recount.finishChunks();
        }
        System.out.printf("independent count: %,d documents (%,d skipped as the job's dead letters), %,d tokens, %,d lookups in %.1f s%n",
                recount.documents, recount.skipped, recount.tokens * repeat, recount.lookups * repeat, (System.nanoTime() - t0) / 1e9);

        RowStatsColumns rows = StatsDirectory.readRows(pub.get());
        return compare(recount, rows, summary);
    }

    private int compare(Recount expected, RowStatsColumns rows, StatsSummary summary) {
        List<String> diffs = new ArrayList<>();
        long wrong = 0, compared = 0;
        boolean[] seen = new boolean[expected.corpus.length];   // rows the published statistics have
        for (int r = 0; r < rows.size(); r++) {
            int i = expected.index(rows.key(r));
            long ec = i < 0 ? 0 : expected.corpus[i] * repeat, ei = i < 0 ? 0 : expected.inference[i] * repeat;
            if (i >= 0) seen[i] = true;
            compared++;
            if (rows.corpus(r) != ec || rows.inference(r) != ei) {
                wrong++;
                if (diffs.size() < 10) diffs.add(String.format("  row %s: job corpus %d inference %d, independent %d / %d",
                        RowKey.toString(rows.key(r)), rows.corpus(r), rows.inference(r), ec, ei));
            }
        }
        long missing = 0;
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i] && (expected.corpus[i] | expected.inference[i]) != 0) {
                missing++;
                if (diffs.size() < 10) diffs.add(String.format("  row %s: missing from the job's statistics, independent %d / %d",
                        RowKey.toString(expected.key(i)), expected.corpus[i] * repeat, expected.inference[i] * repeat));
            }
        }
        boolean tokensMatch = summary.tokens() == expected.tokens * repeat;
        if (wrong == 0 && missing == 0 && tokensMatch) {
            System.out.printf("IDENTICAL: all %,d rows match the independent count (corpus and inference counts), tokens %,d = %,d%n",
                    compared, summary.tokens(), expected.tokens * repeat);
            return 0;
        }
        System.out.printf("DIFFERENT: %,d of %,d published rows differ, %,d rows missing; tokens job %,d vs independent %,d%n",
                wrong, compared, missing, summary.tokens(), expected.tokens * repeat);
        diffs.forEach(System.out::println);
        return 3;
    }

    private static List<Path> inputFiles(Path p) throws IOException {
        if (Files.isRegularFile(p)) return List.of(p);
        if (!Files.isDirectory(p)) throw new UserError("no such file or directory: " + p);
        try (Stream<Path> s = Files.list(p)) {
            List<Path> files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
            if (files.isEmpty()) throw new UserError("no input files in " + p);
            return files;
        }
    }

    /** The plain-loop recount: dense {@code long} counters per source over the whole table. */
    static final class Recount implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final long MAX_ROWS = 64_000_000L;
        final EngramSpec spec;
        final long[] layerStart;
        final long[] corpus, inference;
        private final int[] canonical;
        private final String tokenizerId;
        private final int maxTokens, maxChars;
        private final NgramHasher hasher;
        private TextTokenizer tokenizer;
        private long[] keys = new long[0];
        private final Map<String, TreeMap<Integer, int[]>> chunks = new LinkedHashMap<>();
        private final Map<String, Boolean> chunkInference = new LinkedHashMap<>();
        long documents, skipped, tokens, lookups;

        Recount(EngramSpec spec, CanonicalMap map, String tokenizerId, int maxTokens, int maxChars) {
            this.spec = spec;
            this.canonical = map.toArray();
            this.tokenizerId = tokenizerId;
            this.maxTokens = maxTokens;
            this.maxChars = maxChars;
            this.hasher = new NgramHasher(spec);
            layerStart = new long[spec.numLayers() + 1];
            for (int l = 0; l < spec.numLayers(); l++) layerStart[l + 1] = layerStart[l] + spec.rowsPerLayer(l);
            long total = layerStart[spec.numLayers()];
            if (total > MAX_ROWS) throw new UserError("the table has " + total + " rows; stats check recounts tables up to " + MAX_ROWS + " rows");
            corpus = new long[(int) total];
            inference = new long[(int) total];
        }

        int index(long key) {
            int l = RowKey.layerIndex(key);
            long row = RowKey.row(key);
            if (l < 0 || l >= spec.numLayers() || row < 0 || row >= spec.rowsPerLayer(l)) return -1;
            return (int) (layerStart[l] + row);
        }

        long key(int index) {
            int l = 0;
            while (layerStart[l + 1] <= index) l++;
            return RowKey.of(l, index - layerStart[l]);
        }

        void file(Path f, String fmt) throws IOException {
            if (!List.of("text", "europarl", "jsonl").contains(fmt)) {
                throw new UserError("stats check reads text, europarl and jsonl inputs; " + f.getFileName() + " is " + fmt);
            }
            try (InputStream raw = Files.newInputStream(f);
                 InputStream in = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    switch (fmt) {
                        case "text" -> text(line, false);
                        case "europarl" -> {
                            int a = line.indexOf('\t');
                            int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
                            text(b < 0 ? line : line.substring(b + 1), false);
                        }
                        default -> json(line);
                    }
                }
            }
        }

        private void json(String line) throws IOException {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                skipped++;
                return;
            }
            if (n == null || !n.isObject()) { skipped++; return; }
            boolean inf = "inference".equals(n.path("source").asText("corpus"));
            int[] raw;
            JsonNode text = n.get("text"), toks = n.get("tokens");
            if (text != null && text.isTextual()) {
                if (text.asText().length() > maxChars) { skipped++; return; }
                raw = tokenizer().encode(text.asText());
            } else if (toks != null && toks.isArray()) {
                raw = new int[toks.size()];
                for (int i = 0; i < raw.length; i++) {
                    if (!toks.get(i).canConvertToInt()) { skipped++; return; }
                    raw[i] = toks.get(i).intValue();
                }
            } else {
                skipped++;
                return;
            }
            JsonNode id = n.get("id");
            int[] ids = canonicalize(raw);
            if (ids == null) return;
            if (id != null && !id.isNull()) {
                chunks.computeIfAbsent(id.asText(), k -> new TreeMap<>()).put(n.path("chunk").asInt(0), ids);
                chunkInference.put(id.asText(), inf);
                return;
            }
            count(ids, inf);
        }

        private void text(String s, boolean inf) throws IOException {
            if (s.length() > maxChars) { skipped++; return; }
            int[] ids = canonicalize(tokenizer().encode(s));
            if (ids != null) count(ids, inf);
        }

        /** Canonical ids, or null (counted as skipped) where the job makes the document a dead letter. */
        private int[] canonicalize(int[] raw) {
            if (raw.length > maxTokens) { skipped++; return null; }
            int[] ids = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] < 0 || raw[i] >= canonical.length) { skipped++; return null; }
                ids[i] = canonical[raw[i]];
            }
            return ids;
        }

        void finishChunks() {
            for (Map.Entry<String, TreeMap<Integer, int[]>> e : chunks.entrySet()) {
                int len = 0;
                for (int[] c : e.getValue().values()) len += c.length;
                int[] whole = new int[len];
                int o = 0;
                for (int[] c : e.getValue().values()) {
                    System.arraycopy(c, 0, whole, o, c.length);
                    o += c.length;
                }
                count(whole, chunkInference.get(e.getKey()));
            }
            chunks.clear();
        }

        private void count(int[] ids, boolean inf) {
            documents++;
            tokens += ids.length;
            if (ids.length == 0) return;
            int n = (int) hasher.outputLength(ids.length);
            if (keys.length < n) keys = new long[n];
            hasher.hashRowKeys(ids, 0, ids.length, keys);
            long[] target = inf ? inference : corpus;
            for (int i = 0; i < n; i++) target[index(keys[i])]++;
            lookups += n;
        }

        private TextTokenizer tokenizer() throws IOException {
            if (tokenizer == null) tokenizer = TextTokenizers.forId(tokenizerId);
            return tokenizer;
        }

        @Override public void close() throws Exception {
            if (tokenizer != null) tokenizer.close();
        }
    }
}
