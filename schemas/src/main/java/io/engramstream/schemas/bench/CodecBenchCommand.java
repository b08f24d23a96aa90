package io.engramstream.schemas.bench;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.TokenIds;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures the token-id encodings on the bus: packed little-endian int32 in an Avro
 * {@code bytes} field (our codec, and the same bytes through Avro's own message decoder)
 * against the baseline a plain schema would use, {@code array<int>} (one boxed Integer per
 * token when decoded). Each variant encodes and decodes the same messages; decoding includes
 * getting the ids into an {@code int[]}, which is what every consumer does next.
 */
@Command(name = "codec", mixinStandardHelpOptions = true,
        description = {"Benchmarks CorpusTokens encode/decode: packed int32 bytes (our codec) vs Avro array<int> (boxed).",
                "Prints medians of --repeats timed runs after --warmup runs, per variant, and the ratios."})
public final class CodecBenchCommand implements Callable<Integer>, EngramCommand, io.engramstream.bench.HeadlineBenchmark {
    @Spec CommandSpec spec;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "512", description = "Token ids per message (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "20000", description = "Messages per run (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "5", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "128815",
            description = "Token ids are uniform in [0, V) (default: ${DEFAULT-VALUE}, the DeepSeek-V3 vocabulary).")
    int vocab;

    @Override public String group() { return "bench"; }

    private final List<io.engramstream.bench.BenchmarkResult> headline = new ArrayList<>();

    @Override public List<String> quickArgs() { return List.of("--messages", "5000", "--repeats", "5", "--warmup", "2"); }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    /** One way to put token ids on the wire and get them back into an int[]. */
    interface Variant {
        String name();

        byte[] encode(int i);

        /** Decodes message {@code m} and copies its ids into {@code out}; returns the count. */
        int decode(byte[] m, int[] out) throws Exception;
    }

    record Result(String name, double bytesPerMsg, double encNanos, double decNanos, double decAllocPerMsg) {}

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Override public Integer call() throws Exception {
        if (tokens < 1 || messages < 1 || repeats < 1 || warmup < 0 || vocab < 1) throw new UserError("all counts must be positive");
        PrintWriter out = spec.commandLine().getOut();
        Random rnd = new Random(42);
        int[][] ids = new int[64][tokens];
        for (int[] a : ids) for (int j = 0; j < a.length; j++) a[j] = rnd.nextInt(vocab);
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);

        List<CorpusTokens> packed = new ArrayList<>();
        List<CorpusTokensBoxed> boxed = new ArrayList<>();
        for (int[] a : ids) {
            packed.add(CorpusTokens.newBuilder().setDocumentId("doc").setSource("bench").setTokenizerId("deepseek-v3")
                    .setCanonicalMapFingerprint(null).setTokenIds(TokenIds.pack(a)).setChunkIndex(0).setLastChunk(true)
                    .setEventTime(t).build());
            List<Integer> l = new ArrayList<>(a.length);
            for (int x : a) l.add(x);
            boxed.add(CorpusTokensBoxed.newBuilder().setDocumentId("doc").setSource("bench").setTokenizerId("deepseek-v3")
                    .setCanonicalMapFingerprint(null).setTokenIds(l).setChunkIndex(0).setLastChunk(true).setEventTime(t).build());
        }

        BinaryMessageEncoder<CorpusTokensBoxed> boxedEnc = new BinaryMessageEncoder<>(
                SpecificData.getForClass(CorpusTokensBoxed.class), CorpusTokensBoxed.getClassSchema());
        BinaryMessageDecoder<CorpusTokensBoxed> boxedDec = new BinaryMessageDecoder<>(
                SpecificData.getForClass(CorpusTokensBoxed.class), CorpusTokensBoxed.getClassSchema());
        BinaryMessageDecoder<CorpusTokens> avroPackedDec = new BinaryMessageDecoder<>(
                SpecificData.getForClass(CorpusTokens.class), CorpusTokens.getClassSchema());

        List<Variant> variants = List.of(
                new Variant() {
                    CorpusTokensBoxed reuse;

                    @Override public String name() { return "array<int> (boxed), Avro message codec"; }

                    @Override public byte[] encode(int i) {
                        try {
                            ByteBuffer b = boxedEnc.encode(boxed.get(i & 63));
                            byte[] a = new byte[b.remaining()];
                            b.get(a);
                            return a;
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override public int decode(byte[] m, int[] o) throws Exception {
                        reuse = boxedDec.decode(m, reuse);
                        List<Integer> l = reuse.getTokenIds();
                        int n = l.size();
                        for (int j = 0; j < n; j++) o[j] = l.get(j);
                        return n;
                    }
                },
                new Variant() {
                    CorpusTokens reuse;

                    @Override public String name() { return "packed bytes, Avro message codec"; }

                    @Override public byte[] encode(int i) { return Codecs.CORPUS_TOKENS.encode(packed.get(i & 63)); }

                    @Override public int decode(byte[] m, int[] o) throws Exception {
                        reuse = avroPackedDec.decode(m, reuse);
                        return TokenIds.unpack(reuse.getTokenIds(), o, 0);
                    }
                },
                new Variant() {
                    CorpusTokens reuse;

                    @Override public String name() { return "packed bytes, engram bounded codec"; }

                    @Override public byte[] encode(int i) { return Codecs.CORPUS_TOKENS.encode(packed.get(i & 63)); }

                    @Override public int decode(byte[] m, int[] o) throws RecordDecodeException {
                        reuse = Codecs.CORPUS_TOKENS.decode(m, reuse);
                        return TokenIds.unpack(reuse.getTokenIds(), o, 0);
                    }
                });

        out.printf(Locale.ROOT, "engram bench codec: %d messages x %d token ids (uniform in [0, %d)), %d warmup + %d timed runs%n",
                messages, tokens, vocab, warmup, repeats);
        out.printf(Locale.ROOT, "machine: %d cores, %s %s, %s %s, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().maxMemory() >> 20);
        out.flush();

        // Variants take turns within each run, so that load changes on a shared machine hit all alike.
        int nv = variants.size();
        byte[][][] encoded = new byte[nv][messages][];
        double[][] enc = new double[nv][repeats];
        double[][] dec = new double[nv][repeats];
        double[][] alloc = new double[nv][repeats];
        int[] sink = new int[tokens];
        long checksum = 0;
        for (int r = -warmup; r < repeats; r++) {
            for (int k = 0; k < nv; k++) {
                Variant v = variants.get(k);
                byte[][] e = encoded[k];
                long t0 = System.nanoTime();
                for (int i = 0; i < messages; i++) e[i] = v.encode(i);
                long t1 = System.nanoTime();
                long a0 = THREADS.getCurrentThreadAllocatedBytes();
                long t2 = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    int n = v.decode(e[i], sink);
                    checksum += sink[n - 1];
                }
                long t3 = System.nanoTime();
                long a1 = THREADS.getCurrentThreadAllocatedBytes();
                if (r >= 0) {
                    enc[k][r] = (t1 - t0) / (double) messages;
                    dec[k][r] = (t3 - t2) / (double) messages;
                    alloc[k][r] = (a1 - a0) / (double) messages;
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int k = 0; k < nv; k++) {
            long bytes = 0;
            for (byte[] e : encoded[k]) bytes += e.length;
            results.add(new Result(variants.get(k).name(), bytes / (double) messages, median(enc[k]), median(dec[k]), median(alloc[k])));
        }

        out.println();
        out.printf(Locale.ROOT, "%-40s %9s %11s %11s %11s %11s %13s%n", "variant", "bytes/msg", "enc msg/s", "enc Mtok/s",
                "dec msg/s", "dec Mtok/s", "dec alloc/msg");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-40s %9.0f %,11.0f %11.1f %,11.0f %11.1f %12.0fB%n", r.name(), r.bytesPerMsg(),
                    1e9 / r.encNanos(), tokens * 1e3 / r.encNanos(), 1e9 / r.decNanos(), tokens * 1e3 / r.decNanos(), r.decAllocPerMsg());
        }
        Result base = results.get(0);
        headline.clear();
        Result ours = results.get(results.size() - 1);
        headline.add(io.engramstream.bench.BenchmarkResult.vs("codec", "CorpusTokens decode, " + tokens + " ids/msg", 1e3 / ours.decNanos(),
                "M msg/s", base.name(), 1e3 / base.decNanos(), true));
        headline.add(io.engramstream.bench.BenchmarkResult.vs("codec", "CorpusTokens encode, " + tokens + " ids/msg", 1e3 / ours.encNanos(),
                "M msg/s", base.name(), 1e3 / base.encNanos(), true));
        headline.add(io.engramstream.bench.BenchmarkResult.vs("codec", "CorpusTokens decode allocation", ours.decAllocPerMsg(),
                "B/msg", base.name(), base.decAllocPerMsg(), false));
        out.println();
        out.println("ratios against the baseline (" + base.name() + "):");
        for (Result r : results.subList(1, results.size())) {
            out.printf(Locale.ROOT, "  %-38s size x%.2f, encode x%.2f faster, decode x%.2f faster, decode allocation x%.3f%n",
                    r.name(), r.bytesPerMsg() / base.bytesPerMsg(), base.encNanos() / r.encNanos(), base.decNanos() / r.decNanos(),
                    r.decAllocPerMsg() / Math.max(1, base.decAllocPerMsg()));
        }
        out.println("(checksum " + checksum + ")");
        out.flush();
        return 0;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
