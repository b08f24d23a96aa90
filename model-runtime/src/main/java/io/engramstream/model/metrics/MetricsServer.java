package io.engramstream.model.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A Prometheus scrape endpoint: {@code GET /metrics} answers the text {@code render} returns at
 * that moment (the metrics are read on each scrape, nothing is buffered). One daemon thread; port
 * 0 binds a free port ({@link #port()} says which).
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static MetricsServer start(String host, int port, Supplier<String> render) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "engram-metrics-http");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(ex);
        s.createContext("/metrics", x -> handle(x, render));
        s.createContext("/", x -> {
            byte[] b = "engram runtime metrics: GET /metrics\n".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders("/".equals(x.getRequestURI().getPath()) ? 200 : 404, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        s.start();
        return new MetricsServer(s, ex);
    }

    private static void handle(HttpExchange x, Supplier<String> render) throws IOException {
        try (x) {
            if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            int status = 200;
            try {
                body = render.get().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                body = ("cannot read the metrics: " + e + "\n").getBytes(StandardCharsets.UTF_8);
                status = 500;
            }
            x.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            x.sendResponseHeaders(status, "HEAD".equals(x.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(x.getRequestMethod())) {
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            }
        }
    }

    public int port() { return server.getAddress().getPort(); }

    @Override public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
