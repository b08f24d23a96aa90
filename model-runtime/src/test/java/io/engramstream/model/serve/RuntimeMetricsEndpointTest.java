package io.engramstream.model.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.engramstream.hash.NgramHasher;
import io.engramstream.model.metrics.MetricsServer;
import io.engramstream.model.metrics.RuntimeMetrics;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.store.ColdTable;
import io.engramstream.store.StoreLayout;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.store.TokenBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the runtime's Prometheus endpoint over HTTP around a real tiered store that follows a
 * snapshot and serves a lookup, and checks the numbers against counts made here: row lookups
 * (batch x tokens x layers x heads), how many of them hit the snapshot's hot rows (hashed here
 * with the core hasher), the snapshot version and swaps; serving counters and latency quantiles.
 */
class RuntimeMetricsEndpointTest {
    @TempDir Path tmp;

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);

    @Test
    void scrapeShowsStoreAndServingMetrics() throws Exception {
        EngramSpec spec = EngramSpec.tiny();
        StoreLayout layout = StoreLayout.of(spec);
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < offsets.length; l++) offsets[l] = spec.headOffsets(l);
        RowLayout rowLayout = new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets);

        // Snapshot v1: every third row of layer 0 hot, nothing warm.
        SnapshotDirectory dir = new SnapshotDirectory(tmp.resolve("snapshots"), 5);
        SnapshotRows rows = SnapshotRows.full(1024);
        Set<Long> hot = new HashSet<>();
        for (long row = 0; row < layout.rowsPerLayer(0); row += 3) {
            rows.add(RowKey.of(0, row), Tier.HOT_CODE, 1.0, 10, 0);
            hot.add(RowKey.of(0, row));
        }
        dir.publish(SnapshotMetadata.full(1, -1, spec.fingerprint(), "", System.currentTimeMillis(), SourcePosition.NONE, null,
                spec.layerIds()), rows, null, rowLayout, WriteOptions.DEFAULT, CoverageCurve.EMPTY);

        ServeMetrics serve = new ServeMetrics();
        RuntimeMetrics metrics = new RuntimeMetrics().serve(serve);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, metrics::render)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");

            // Before a store is attached: the process is up, the serve counters are zero.
            Map<String, Double> m0 = scrape(http, uri, true);
            assertEquals(1.0, m0.get("engram_runtime_up"));
            assertEquals(0.0, m0.get("engram_serve_requests_total{outcome=\"ok\"}"));
            assertTrue(!m0.containsKey("engram_store_row_lookups_total"));

            try (TieredEmbeddingStore store = TieredEmbeddingStore.builder(spec, ColdTable.createEmpty(tmp.resolve("t.engt"), layout))
                    .ownsColdTable(true).followSnapshots(dir.dir(), Duration.ZERO).build();
                 NDManager manager = NDManager.newBaseManager()) {
                metrics.store(store);
                int bs = 3, len = 7;
                int[] tokens = new int[bs * len];
                Random r = new Random(7);
                for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt((int) spec.compressedVocabSize());
                try (NDManager sub = manager.newSubManager()) {
                    store.lookup(sub, TokenBatch.wrap(bs, len, tokens));
                }
                // Independent count: which of the batch's row lookups fall on a hot row.
                NgramHasher hasher = new NgramHasher(spec);
                long[] keys = new long[spec.numLayers() * len * spec.headsPerLayer()];
                long hotLookups = 0, all = 0;
                for (int b = 0; b < bs; b++) {
                    hasher.hashRowKeys(tokens, b * len, len, keys);
                    for (long k : keys) {
                        all++;
                        if (hot.contains(k)) hotLookups++;
                    }
                }
                assertEquals((long) bs * len * spec.lookupsPerToken(), all);
                assertTrue(hotLookups > 0 && hotLookups < all, "the batch hits some hot rows and misses some: " + hotLookups + "/" + all);

                serve.served(2_000, 5, 1, 0);
                serve.served(4_000, 3, 0, 2);
                serve.rejected(1_000);

                Map<String, Double> m = scrape(http, uri, false);
                assertEquals(all, m.get("engram_store_row_lookups_total").longValue());
                assertEquals(hotLookups, m.get("engram_store_tier_positions_total{tier=\"hot\"}").longValue());
                assertEquals(0L, m.get("engram_store_tier_positions_total{tier=\"warm\"}").longValue());
                assertEquals(all - hotLookups, m.get("engram_store_tier_positions_total{tier=\"cold\"}").longValue());
                assertEquals(1.0, m.get("engram_store_snapshot_version"));
                assertEquals(1.0, m.get("engram_store_snapshot_swaps_total"));
                assertEquals(0.0, m.get("engram_store_snapshots_rejected_total"));
                assertEquals(hot.size(), m.get("engram_store_resident_rows{tier=\"hot\"}").longValue());
                assertEquals(1.0, m.get("engram_store_batches_total"));
                assertTrue(m.get("engram_store_tier_bytes_moved_total{tier=\"hot\"}") > 0);
                assertTrue(m.get("engram_store_phase_seconds_total{phase=\"hash\"}") > 0, "the batch was hashed");
                assertEquals(2.0, m.get("engram_serve_requests_total{outcome=\"ok\"}"));
                assertEquals(1.0, m.get("engram_serve_requests_total{outcome=\"rejected\"}"));
                assertEquals(8.0, m.get("engram_serve_row_lookups_total{tier=\"hot\"}"));
                assertEquals(2.0, m.get("engram_serve_row_lookups_total{tier=\"cold\"}"));
                assertEquals(0.002, m.get("engram_serve_latency_seconds{quantile=\"0.5\"}"), 1e-12);
                assertEquals(0.004, m.get("engram_serve_latency_seconds{quantile=\"0.99\"}"), 1e-12);

                HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nothing")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, other.statusCode());
            }
        }
    }

    /** GET the endpoint; every non-comment line must be a sample, every family declared with HELP and TYPE first. */
    private static Map<String, Double> scrape(HttpClient http, URI uri, boolean first) throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", resp.headers().firstValue("Content-Type").orElse(""));
        Map<String, Double> out = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : resp.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
                continue;
            }
            if (line.startsWith("#")) continue;
            Matcher mt = SAMPLE.matcher(line);
            assertTrue(mt.matches(), "not a sample line: " + line);
            assertTrue(typed.contains(mt.group(1)), "sample before its TYPE: " + line);
            out.put(mt.group(1) + (mt.group(2) == null ? "" : mt.group(2)), Double.parseDouble(mt.group(3)));
        }
        return out;
    }
}
