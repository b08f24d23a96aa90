package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engram kafka start / status / stop: a real broker in its own JVM. */
class LocalBrokerTest {

    @TempDir Path dir;

    @AfterEach
    void stopLeftovers() {
        new LocalBroker(dir).stop(Duration.ofSeconds(10)); // only ours, by pid file
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void startStatusSecondStartAndStop() throws Exception {
        int port = freePort();
        int cport = freePort();
        String d = dir.toString();
        CliRunner.Result notYet = CliRunner.run("kafka", "status", "--dir", d);
        assertEquals(3, notYet.exit(), notYet.out());

        CliRunner.Result start = CliRunner.run("kafka", "start", "--dir", d, "--port", String.valueOf(port),
                "--controller-port", String.valueOf(cport));
        assertEquals(0, start.exit(), start.out() + start.err());
        assertTrue(start.out().contains("bootstrap: 127.0.0.1:" + port), start.out());
        assertTrue(Files.exists(dir.resolve("broker.pid")));
        assertTrue(Files.exists(dir.resolve("broker.log")));

        // It is a real broker: create a topic through it.
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic("local.check", 1, (short) 1))).all().get();
            assertTrue(admin.listTopics().names().get().contains("local.check"));
        }

        CliRunner.Result status = CliRunner.run("kafka", "status", "--dir", d);
        assertEquals(0, status.exit());
        assertTrue(status.out().contains("bootstrap 127.0.0.1:" + port), status.out());

        CliRunner.Result again = CliRunner.run("kafka", "start", "--dir", d, "--port", String.valueOf(port));
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("already running"), again.out());

        long pid = new LocalBroker(dir).status().orElseThrow().pid();
        CliRunner.Result stop = CliRunner.run("kafka", "stop", "--dir", d);
        assertEquals(0, stop.exit(), stop.out() + stop.err());
        assertTrue(stop.out().contains("stopped Kafka pid " + pid), stop.out());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(dir.resolve("broker.pid")));
        assertEquals(3, CliRunner.run("kafka", "status", "--dir", d).exit());
        assertEquals(Optional.empty(), new LocalBroker(dir).stop(Duration.ofSeconds(1)));
    }

    @Test
    void aStalePidFileDoesNotStopAnUnrelatedProcess() throws Exception {
        // Our own test JVM's pid in the pid file: alive, but not this directory's broker.
        Files.writeString(dir.resolve("broker.pid"), "pid=" + ProcessHandle.current().pid() + "\nport=1\ncontrollerPort=2\n");
        assertTrue(new LocalBroker(dir).status().isEmpty());
        CliRunner.Result stop = CliRunner.run("kafka", "stop", "--dir", dir.toString());
        assertTrue(stop.out().contains("no broker running"), stop.out());
    }

    @Test
    void aBusyPortIsAOneLineUserError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRunner.Result r = CliRunner.run("kafka", "start", "--dir", dir.toString(), "--port", String.valueOf(busy.getLocalPort()));
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("is in use"), r.err());
        }
    }
}
