package io.engramstream.topics;

import io.engramstream.cli.UserError;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka (broker + controller) on 127.0.0.1 in its own JVM, started from
 * this process's classpath (the project's resolved jars: no download, no Kafka install), with
 * its data, configuration, log and pid file in one directory.
 *
 * <p>The pid file guards the directory: a second broker on the same data would corrupt the
 * first, so {@link #start} refuses while the recorded process is alive, and {@link #stop}
 * stops only the process recorded there, after checking that it is this directory's broker.
 */
public final class LocalBroker {

    /** What the pid file records about a running broker. */
    public record Running(long pid, int port, int controllerPort, Path dir) {
        public String bootstrap() { return "127.0.0.1:" + port; }
    }

    public static final int DEFAULT_PORT = 9092;

    private final Path dir;
    private final String classpath;

    public LocalBroker(Path dir) {
        this(dir, System.getProperty("java.class.path"));
    }

    public LocalBroker(Path dir, String classpath) {
        this.dir = dir.toAbsolutePath().normalize();
        this.classpath = classpath;
    }

    /** The default directory: {@code .engram/kafka} under the project home (the launcher sets engram.home). */
    public static Path defaultDir() {
        return Path.of(System.getProperty("engram.home", "."), ".engram", "kafka");
    }

    public Path dir() { return dir; }
    public Path pidFile() { return dir.resolve("broker.pid"); }
    public Path logFile() { return dir.resolve("broker.log"); }
    public Path configFile() { return dir.resolve("server.properties"); }
    public Path dataDir() { return dir.resolve("data"); }

    /** The broker recorded in this directory's pid file, if that process is alive and is our broker. */
    public Optional<Running> status() {
        Optional<Running> recorded = readPidFile();
        if (recorded.isEmpty()) return Optional.empty();
        Optional<ProcessHandle> h = ProcessHandle.of(recorded.get().pid());
        if (h.isPresent() && h.get().isAlive() && isOurBroker(h.get())) return recorded;
        return Optional.empty();
    }

    /**
     * Whether a process is this directory's broker: its command line starts with our marker
     * property (the JDK cuts command lines at 4 KiB, so the marker comes before the long classpath).
     */
    private boolean isOurBroker(ProcessHandle h) {
        Optional<String> cmd = h.info().commandLine();
        // Some systems hide other users' command lines; then the pid file is all we have.
        return cmd.isEmpty() || cmd.get().contains(marker() + " ");
    }

    private String marker() {
        return "-Dengram.kafka.dir=" + dir;
    }

    /**
     * Starts the broker and waits until it accepts connections.
     *
     * @return the running broker; {@code alreadyRunning} tells whether it was started by an earlier call
     */
    public StartResult start(int port, int controllerPort, Duration wait) {
        Optional<Running> running = status();
        if (running.isPresent()) return new StartResult(running.get(), true);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(pidFile()); // stale: its process is gone
            checkPortFree(port, "--port");
            checkPortFree(controllerPort, "--controller-port");
            writeConfig(port, controllerPort);
            if (!Files.exists(dataDir().resolve("meta.properties"))) format();
            List<String> cmd = new ArrayList<>();
            // Own session: the broker outlives this command and is not hit by the terminal's signals.
            if (new File("/usr/bin/setsid").canExecute()) cmd.add("/usr/bin/setsid");
            cmd.addAll(List.of(javaBinary(), marker(), "-Xms256m", "-Xmx1g", "-XX:+UseG1GC",
                    "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                    "-Dkafka.logs.dir=" + dir,
                    "-cp", classpath, "kafka.Kafka", configFile().toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            Process p = pb.start();
            Running r = new Running(p.pid(), port, controllerPort, dir);
            writePidFile(r);
            waitForPort(p, port, wait);
            return new StartResult(r, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record StartResult(Running broker, boolean alreadyRunning) {}

    /**
     * Stops this directory's broker (SIGTERM, then SIGKILL after {@code wait}) and removes the
     * pid file.
     *
     * @return the broker that was stopped, or empty if none was running
     */
    public Optional<Running> stop(Duration wait) {
        Optional<Running> running = status();
        if (running.isEmpty()) {
            try {
                Files.deleteIfExists(pidFile());
            } catch (IOException ignored) {
                // nothing to clean
            }
            return Optional.empty();
        }
        ProcessHandle h = ProcessHandle.of(running.get().pid()).orElseThrow();
        h.destroy();
        try {
            h.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported below
            }
        }
        if (h.isAlive()) throw new UserError("broker pid " + h.pid() + " did not stop; see " + logFile());
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return running;
    }

    private void writeConfig(int port, int controllerPort) throws IOException {
        String props = String.join("\n",
                "# Written by `engram kafka start`: a single-node KRaft broker for demos, on loopback only.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir(),
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Topics come from the catalog (`engram topics apply`), not from typos.
                "auto.create.topics.enable=false",
                "log.retention.check.interval.ms=60000",
                "");
        Path tmp = dir.resolve("server.properties.tmp");
        Files.writeString(tmp, props);
        Files.move(tmp, configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "status = error",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.console.ref = console",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = INFO",
                "logger.state.name = state.change.logger",
                "logger.state.level = WARN",
                ""));
    }

    /** Formats the KRaft storage in this JVM (saves starting one just for that). */
    private void format() throws IOException {
        String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile().toString()};
        int rc;
        try (java.io.PrintStream log = new java.io.PrintStream(
                Files.newOutputStream(logFile(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND),
                true, StandardCharsets.UTF_8)) {
            try {
                rc = kafka.tools.StorageTool.execute(args, log);
            } catch (Exception e) {
                log.println("format failed: " + e);
                rc = 1;
            }
        }
        if (rc != 0) throw new UserError("formatting Kafka storage failed; see " + logFile() + ": " + tail(3));
    }

    private void waitForPort(Process p, int port, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                try {
                    Files.deleteIfExists(pidFile());
                } catch (IOException ignored) {
                    // best effort
                }
                throw new UserError("the broker exited with status " + p.exitValue() + "; see " + logFile() + ": " + tail(3));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        throw new UserError("the broker (pid " + p.pid() + ") did not open port " + port + " within " + wait.toSeconds()
                + " s; see " + logFile() + " (stop it with engram kafka stop)");
    }

    private static void checkPortFree(int port, String flag) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UserError("port " + port + " on 127.0.0.1 is in use (choose another with " + flag + ")");
        }
    }

    private Optional<Running> readPidFile() {
        if (!Files.exists(pidFile())) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(pidFile())) {
            p.load(r);
            return Optional.of(new Running(Long.parseLong(p.getProperty("pid").trim()),
                    Integer.parseInt(p.getProperty("port").trim()),
                    Integer.parseInt(p.getProperty("controllerPort").trim()), dir));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: treat as stale
        }
    }

    private void writePidFile(Running r) throws IOException {
        Path tmp = dir.resolve("broker.pid.tmp");
        Files.writeString(tmp, "pid=" + r.pid() + "\nport=" + r.port() + "\ncontrollerPort=" + r.controllerPort() + "\n");
        Files.move(tmp, pidFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String tail(int lines) {
        try (InputStream in = Files.newInputStream(logFile())) {
            String[] all = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            StringBuilder sb = new StringBuilder();
            for (int i = Math.max(0, all.length - lines); i < all.length; i++) sb.append(all[i].strip()).append(" | ");
            return sb.toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
    }
}
