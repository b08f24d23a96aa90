package io.engramstream.ops.monitoring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.model.metrics.RuntimeMetrics;
import io.engramstream.model.serve.ServeMetrics;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ColdTable;
import io.engramstream.store.StoreLayout;
import io.engramstream.store.TieredEmbeddingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard's runtime panels query metrics the runtime really exposes: every
 * {@code engram_store_*}, {@code engram_serve_*} and {@code engram_runtime_*} name in a panel
 * expression (and alert rule) appears in what {@link RuntimeMetrics} renders for a store and a serve
 * loop, and the Prometheus configuration scrapes the runtime.
 */
class RuntimeDashboardTest {
    @TempDir Path tmp;

    @Test
    void runtimePanelsQueryExposedMetrics() throws Exception {
        Path monitoring = Path.of("monitoring");
        JsonNode dashboard = new ObjectMapper().readTree(monitoring.resolve("grafana-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        Pattern name = Pattern.compile("\\bengram_(store|serve|runtime)_[a-z_]+");
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = name.matcher(t.get("expr").asText());
                while (m.find()) queried.add(m.group());
            }
        }
        assertTrue(queried.size() >= 10, "the dashboard has runtime panels: " + queried);

        EngramSpec spec = EngramSpec.tiny();
        String text;
        try (TieredEmbeddingStore store = TieredEmbeddingStore.builder(spec, ColdTable.createEmpty(tmp.resolve("t.engt"), StoreLayout.of(spec)))
                .ownsColdTable(true).build()) {
            text = new RuntimeMetrics().store(store).serve(new ServeMetrics()).render();
        }
        Set<String> exposed = new TreeSet<>();
        for (String line : text.split("\n")) if (line.startsWith("# TYPE ")) exposed.add(line.split(" ")[2]);
        for (String q : queried) assertTrue(exposed.contains(q), "panel queries " + q + ", which the runtime does not expose; exposed: " + exposed);

        // The runtime alerts too.
        Matcher inAlerts = name.matcher(Files.readString(monitoring.resolve("alerts.yml")));
        int alertRefs = 0;
        while (inAlerts.find()) {
            alertRefs++;
            assertTrue(exposed.contains(inAlerts.group()), "alerts.yml uses " + inAlerts.group() + ", which the runtime does not expose");
        }
        assertTrue(alertRefs >= 3, "the runtime has alert rules");

        String prometheus = Files.readString(monitoring.resolve("prometheus.yml"));
        assertTrue(prometheus.contains("job_name: engram-runtime"), "prometheus.yml scrapes the runtime");
    }
}
