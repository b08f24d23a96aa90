package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File input end to end: JSON lines with text, raw token ids, documents in chunks and bad lines;
 * a task failure mid-stream; the statistics equal the independent count, the bad lines are dead
 * letters with their reasons, counted exactly once.
 */
class FileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at "
            + "which but have an they you were her she there been one all we their has would when if so no will more "
            + "parliament commission council member states europe union report vote motion amendment").split(" ");

    @TempDir Path tmp;

    @Test
    void jsonLinesWithChunksDeadLettersAndAFailure() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Random rnd = new Random(11);
        List<int[]> wholeDocs = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (TextTokenizer tok = TextTokenizers.forId(StatsJobTesting.MAP_ID)) {
            for (int d = 0; d < 1200; d++) {
                switch (d % 3) {
                    case 0 -> {
                        String text = sentence(rnd, 5 + rnd.nextInt(60));
                        lines.add(obj().put("text", text).toString());
                        wholeDocs.add(tok.encode(text));
                    }
                    case 1 -> {
                        int[] ids = randomIds(rnd, 1 + rnd.nextInt(80));
                        lines.add(tokens(obj(), ids).toString());
                        wholeDocs.add(ids);
                    }
                    default -> {
                        // A document in 1-5 chunks, some of 0 or 1 tokens, counted as if whole.
                        int[] ids = randomIds(rnd, rnd.nextInt(90));
                        wholeDocs.add(ids);
                        int chunks = 1 + rnd.nextInt(5), from = 0;
                        for (int c = 0; c < chunks; c++) {
                            int to = c == chunks - 1 ? ids.length : Math.min(ids.length, from + rnd.nextInt(3) * rnd.nextInt(20));
                            ObjectNode n = tokens(obj(), Arrays.copyOfRange(ids, from, to)).put("id", "doc-" + d).put("chunk", c)
                                    .put("last", c == chunks - 1);
                            lines.add(n.toString());
                            from = to;
                        }
                    }
                }
            }
        }
        // Bad lines, scattered: each must become one dead letter with its kind.
        Map<String, String> bad = new TreeMap<>(Map.of(
                "{not json", "UNDECODABLE",
                "{\"foo\": 1}", "UNDECODABLE",
                "{\"tokens\": [1, 2, 999999999]}", "TOKEN_OUT_OF_VOCABULARY",
                "{\"tokens\": [-5, 3]}", "TOKEN_OUT_OF_VOCABULARY",
                tokens(obj(), randomIds(rnd, 300)).toString(), "OVERSIZE",
                obj().put("text", "x".repeat(5000)).toString(), "OVERSIZE"));
        int at = 100;
        for (String b : bad.keySet()) {
            lines.add(at, b);
            at += lines.size() / (bad.size() + 1);
        }
        Path input = tmp.resolve("corpus.jsonl");
        Files.write(input, lines);

        Path out = tmp.resolve("out");
        Path marker = tmp.resolve("failed-once");
        StatsSettings settings = StatsJobTesting.settings(spec, out).maxRecordTokens(250).maxTextChars(4000)
                .decodeDelayMicros(1500).failOnceAfter(8_000, marker.toString()).build();
        StatsJobTesting.run(JobInput.files(List.of(input.toString()), "auto", 1), settings, StatsJobTesting.runtime(2, tmp));

        assertTrue(Files.exists(marker), "the injected failure happened");
        Map<Long, long[]> expected = StatsJobTesting.expectedCounts(spec, wholeDocs, null);
        RowStatsColumns rows = StatsJobTesting.finalRows(out);
        StatsJobTesting.assertCounts(expected, rows, 1.0, 1.0);
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        long tokens = wholeDocs.stream().mapToLong(a -> a.length).sum();
        assertEquals(tokens, s.tokens());
        assertEquals(tokens * spec.lookupsPerToken(), s.lookups());
        assertEquals(bad.size(), s.deadLetters());
        assertEquals(lines.size() - bad.size(), s.records());

        // The dead letters themselves, from the file sink, exactly once.
        List<JsonNode> dead = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out.resolve("dead-letters"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                for (String l : Files.readAllLines(f)) dead.add(JSON.readTree(l));
            }
        }
        assertEquals(bad.size(), dead.size(), "dead letters written");
        Map<String, Integer> kinds = new TreeMap<>();
        for (JsonNode d : dead) {
            kinds.merge(d.get("errorKind").asText(), 1, Integer::sum);
            assertTrue(d.get("source").asText().endsWith("corpus.jsonl"));
            assertTrue(d.get("offset").asLong() > 0);
            assertTrue(!d.get("reason").asText().isBlank());
        }
        Map<String, Integer> wanted = new TreeMap<>();
        bad.values().forEach(k -> wanted.merge(k, 1, Integer::sum));
        assertEquals(wanted, kinds);
    }

    @Test
    void chunkedDocumentsCountExactlyLikeWholeOnes() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Random rnd = new Random(5);
        List<String> whole = new ArrayList<>(), chunked = new ArrayList<>();
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < 300; d++) {
            int[] ids = randomIds(rnd, rnd.nextInt(200));
            docs.add(ids);
            whole.add(tokens(obj(), ids).toString());
            int from = 0, c = 0;
            while (true) {
                int to = Math.min(ids.length, from + rnd.nextInt(7));    // chunks of 0..6 tokens
                boolean last = to == ids.length && rnd.nextBoolean();
                chunked.add(tokens(obj(), Arrays.copyOfRange(ids, from, to)).put("id", "d" + d).put("chunk", c++).put("last", last).toString());
                from = to;
                if (last) break;
            }
        }
        Path a = tmp.resolve("whole.jsonl"), b = tmp.resolve("chunked.jsonl");
        Files.write(a, whole);
        Files.write(b, chunked);
        Path outA = tmp.resolve("outA"), outB = tmp.resolve("outB");
        StatsJobTesting.run(JobInput.files(List.of(a.toString()), "auto", 1), StatsJobTesting.settings(spec, outA).build(), StatsJobTesting.runtime(2, tmp));
        StatsJobTesting.run(JobInput.files(List.of(b.toString()), "auto", 1), StatsJobTesting.settings(spec, outB).build(), StatsJobTesting.runtime(2, tmp));
        RowStatsColumns ra = StatsJobTesting.finalRows(outA), rb = StatsJobTesting.finalRows(outB);
        Map<Long, long[]> expected = StatsJobTesting.expectedCounts(spec, docs, null);
        StatsJobTesting.assertCounts(expected, ra, 1.0, 1.0);
        StatsJobTesting.assertCounts(expected, rb, 1.0, 1.0);
    }

    static ObjectNode obj() { return JSON.createObjectNode(); }

    static ObjectNode tokens(ObjectNode n, int[] ids) {
        ArrayNode arr = n.putArray("tokens");
        for (int id : ids) arr.add(id);
        return n;
    }

    static int[] randomIds(Random rnd, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(rnd.nextBoolean() ? 500 : 100_000);
        return ids;
    }

    static String sentence(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            if (w > 0) sb.append(rnd.nextInt(12) == 0 ? ". " : " ");
            sb.append(WORDS[(int) Math.min(WORDS.length - 1, Math.abs(rnd.nextGaussian()) * 12)]);
        }
        return sb.toString();
    }
}
