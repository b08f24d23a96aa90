package io.engramstream.topics.cli;

import io.engramstream.canon.CanonicalMaps;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.TokenIds;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicCatalog;
import io.engramstream.topics.produce.BadInput;
import io.engramstream.topics.produce.CorpusDocument;
import io.engramstream.topics.produce.CorpusReader;
import io.engramstream.topics.produce.RecordSender;
import io.engramstream.topics.produce.TextSplitter;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = {"Tokenizes a corpus and produces CorpusTokens records keyed by document id.",
                "Raw tokenizer ids, packed, in chunks of --chunk-tokens per document (chunkIndex/lastChunk), so chunks stay in order.",
                "Unreadable input lines go to the dead-letter topic; prints a progress bar and a final count."})
public final class ProduceTokensCommand implements Callable<Integer> {
    @Mixin KafkaClientOptions kafka;
    @Mixin ProduceOptions in;
    @Spec CommandSpec spec;

    @Option(names = "--tokenizer", paramLabel = "ID", defaultValue = "deepseek-v3",
            description = {"Tokenizer: deepseek-v3 (the paper's; fetched and verified on first use), o200k_base, cl100k_base,",
                    "or a path to a tokenizer.json (default: ${DEFAULT-VALUE})."})
    String tokenizerId;

    @Option(names = "--no-canonical-fingerprint",
            description = "Do not stamp records with the tokenizer's canonical-map fingerprint (skips building the map on first use).")
    boolean noFingerprint;

    @Option(names = "--chunk-tokens", paramLabel = "N", defaultValue = "8192",
            description = "Most token ids per record (default: ${DEFAULT-VALUE}).")
    int chunkTokens;

    @Override public Integer call() {
        if (chunkTokens < 1 || chunkTokens > Codecs.CORPUS_TOKENS.limits().maxTokens()) {
            throw new io.engramstream.cli.UserError("--chunk-tokens must be in 1.." + Codecs.CORPUS_TOKENS.limits().maxTokens());
        }
        String topic = in.topic != null ? in.topic : TopicCatalog.CORPUS_TOKENS;
        String dlq = in.noDeadLetters ? null : TopicCatalog.DEAD_LETTERS;
        CorpusReader reader = new CorpusReader(in.input, in.format(), in.source, in.language);
        List<String> needed = new ArrayList<>(List.of(topic));
        if (dlq != null) needed.add(dlq);
        ProduceSupport.requireKind(topic, "CorpusTokens");
        ProduceSupport.requireTopics(kafka, needed);
        PrintWriter out = spec.commandLine().getOut();
        ProduceRun run = new ProduceRun(reader, in.maxDocs);
        long[] tokens = {0};
        // Consumers canonicalize with their spec's map; the fingerprint lets them reject a mismatch.
        String mapFingerprint = noFingerprint ? null : CanonicalMaps.forId(tokenizerId).fingerprint();
        try (TextTokenizer tok = TextTokenizers.forId(tokenizerId);
             RecordSender sender = new RecordSender(kafka.clientProperties(), topic, dlq)) {
            CorpusTokens record = new CorpusTokens();
            ByteBuffer packed = ByteBuffer.allocate(chunkTokens * 4);
            run.execute(new CorpusReader.Sink() {
                int[] ids = new int[1024];

                @Override public void document(CorpusDocument d) {
                    // Tokenize part by part (bounded memory per call), then cut into fixed-size chunks.
                    int n = 0;
                    for (String part : TextSplitter.split(d.text(), in.maxPartChars)) {
                        int[] t = tok.encode(part);
                        if (n + t.length > ids.length) ids = Arrays.copyOf(ids, Math.max(ids.length * 2, n + t.length));
                        System.arraycopy(t, 0, ids, n, t.length);
                        n += t.length;
                    }
                    int chunks = Math.max(1, (n + chunkTokens - 1) / chunkTokens);
                    for (int c = 0; c < chunks; c++) {
                        int off = c * chunkTokens;
                        int len = Math.min(chunkTokens, n - off);
                        record.setDocumentId(d.id());
                        record.setSource(d.source());
                        record.setTokenizerId(tok.id());
                        record.setCanonicalMapFingerprint(mapFingerprint);
                        record.setTokenIds(TokenIds.pack(ids, off, Math.max(0, len), packed));
                        record.setChunkIndex(c);
                        record.setLastChunk(c == chunks - 1);
                        record.setEventTime(d.time());
                        sender.send(d.id(), Codecs.CORPUS_TOKENS.encode(record));
                    }
                    tokens[0] += n;
                    run.documentDone(sender.sent());
                }

                @Override public void bad(BadInput bad) {
                    sender.deadLetter(bad);
                }
            });
            sender.flush();
            run.finish();
            out.println(String.format(java.util.Locale.ROOT,
                    "produced %,d CorpusTokens records (%,d documents, %,d tokens, %s) to %s in %.1f s; %,d unreadable lines%s",
                    sender.acknowledged() - (dlq == null ? 0 : sender.deadLetters()), run.documents(), tokens[0], tok.id(), topic,
                    run.seconds(), sender.deadLetters(),
                    sender.deadLetters() == 0 ? "" : dlq == null ? " (skipped)" : " sent to " + dlq));
            out.flush();
        }
        return 0;
    }
}
