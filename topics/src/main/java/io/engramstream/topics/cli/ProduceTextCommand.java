package io.engramstream.topics.cli;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusText;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicCatalog;
import io.engramstream.topics.produce.BadInput;
import io.engramstream.topics.produce.CorpusDocument;
import io.engramstream.topics.produce.CorpusReader;
import io.engramstream.topics.produce.RecordSender;
import io.engramstream.topics.produce.TextSplitter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "text", mixinStandardHelpOptions = true,
        description = {"Produces CorpusText records (documents, long ones in parts) keyed by document id.",
                "Unreadable input lines go to the dead-letter topic; prints a progress bar and a final count."})
public final class ProduceTextCommand implements Callable<Integer> {
    @Mixin KafkaClientOptions kafka;
    @Mixin ProduceOptions in;
    @Spec CommandSpec spec;

    @Override public Integer call() {
        String topic = in.topic != null ? in.topic : TopicCatalog.CORPUS_TEXT;
        String dlq = in.noDeadLetters ? null : TopicCatalog.DEAD_LETTERS;
        CorpusReader reader = new CorpusReader(in.input, in.format(), in.source, in.language);
        List<String> needed = new ArrayList<>(List.of(topic));
        if (dlq != null) needed.add(dlq);
        ProduceSupport.requireKind(topic, "CorpusText");
        ProduceSupport.requireTopics(kafka, needed);
        PrintWriter out = spec.commandLine().getOut();
        ProduceRun run = new ProduceRun(reader, in.maxDocs);
        try (RecordSender sender = new RecordSender(kafka.clientProperties(), topic, dlq)) {
            run.execute(new CorpusReader.Sink() {
                @Override public void document(CorpusDocument d) {
                    List<String> parts = TextSplitter.split(d.text(), in.maxPartChars);
                    for (int i = 0; i < parts.size(); i++) {
                        CorpusText r = CorpusText.newBuilder().setDocumentId(d.id()).setSource(d.source())
                                .setLanguage(d.language()).setText(parts.get(i)).setChunkIndex(i)
                                .setLastChunk(i == parts.size() - 1).setEventTime(d.time()).build();
                        sender.send(d.id(), Codecs.CORPUS_TEXT.encode(r));
                    }
                    run.documentDone(sender.sent());
                }

                @Override public void bad(BadInput bad) {
                    sender.deadLetter(bad);
                }
            });
            sender.flush();
            run.finish();
            out.println(String.format(java.util.Locale.ROOT,
                    "produced %,d CorpusText records (%,d documents) to %s in %.1f s; %,d unreadable lines%s",
                    sender.acknowledged() - (dlq == null ? 0 : sender.deadLetters()), run.documents(), topic, run.seconds(),
                    sender.deadLetters(), sender.deadLetters() == 0 ? "" : dlq == null ? " (skipped)" : " sent to " + dlq));
            out.flush();
        }
        return 0;
    }
}
