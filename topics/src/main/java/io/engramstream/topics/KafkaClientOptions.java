package io.engramstream.topics;

import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Option;

/**
 * Connection flags shared by every command that talks to Kafka: {@code --bootstrap},
 * {@code --command-config FILE} (a client properties file, as Kafka's own tools take: SASL/SSL
 * settings such as {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
 * {@code ssl.truststore.location} pass through unchanged) and {@code --timeout}.
 */
public final class KafkaClientOptions {

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, where `engram kafka start` listens).")
    public String bootstrap = DEFAULT_BOOTSTRAP;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties file (security.protocol, sasl.*, ssl.* ...), passed to every client.")
    public Path commandConfig;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for the cluster per request: 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
    public String timeout = "30s";

    public Duration timeoutDuration() {
        try {
            return TopicCatalog.parseDuration(timeout.trim());
        } catch (RuntimeException e) {
            throw new UserError("--timeout expects a duration like 500ms, 30s or 2m, got '" + timeout + "'");
        }
    }

    /**
     * Client properties: the command-config file first, then bootstrap servers from the flag,
     * then request timeouts from {@code --timeout} unless the file sets them.
     */
    public Properties clientProperties() {
        return clientProperties(bootstrap, commandConfig, timeoutDuration());
    }

    public static Properties clientProperties(String bootstrap, Path commandConfig, Duration timeout) {
        Properties p = new Properties();
        if (commandConfig != null) {
            try (Reader r = Files.newBufferedReader(commandConfig)) {
                p.load(r);
            } catch (NoSuchFileException e) {
                throw new UserError("no such command-config file: " + commandConfig);
            } catch (IOException e) {
                throw new UserError("cannot read command-config " + commandConfig + ": " + e.getMessage());
            }
        }
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        String ms = String.valueOf(Math.max(1, timeout.toMillis()));
        p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return p;
    }

    public Admin newAdmin() {
        try {
            return Admin.create(clientProperties());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new UserError("cannot create a Kafka client: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
        }
    }
}
