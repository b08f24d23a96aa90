package io.engramstream.topics.cli;

import io.engramstream.topics.produce.BadInput;
import io.engramstream.topics.produce.CorpusDocument;
import io.engramstream.topics.produce.CorpusReader;

/** Drives a CorpusReader with a progress bar and the --max-docs limit. */
final class ProduceRun {
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;
        Enough() { super(null, null, false, false); }
    }

    private final CorpusReader reader;
    private final Long maxDocs;
    private final io.engramstream.topics.produce.ProgressBar progress;
    private long documents;
    private long records;

    ProduceRun(CorpusReader reader, Long maxDocs) {
        this.reader = reader;
        this.maxDocs = maxDocs;
        this.progress = new io.engramstream.topics.produce.ProgressBar(System.err, reader.totalBytes());
    }

    void execute(CorpusReader.Sink sink) {
        try {
            reader.read(new CorpusReader.Sink() {
                @Override public void document(CorpusDocument doc) {
                    sink.document(doc);
                    if (maxDocs != null && documents >= maxDocs) throw new Enough();
                }

                @Override public void bad(BadInput bad) {
                    sink.bad(bad);
                }
            });
        } catch (Enough stop) {
            // --max-docs reached
        }
    }

    /** Called by the sink after each document, with the records sent so far. */
    void documentDone(long records) {
        documents++;
        this.records = records;
        progress.update(reader.bytesRead(), documents, records, false);
    }

    void finish() {
        progress.update(maxDocs != null && documents >= maxDocs ? reader.bytesRead() : reader.totalBytes(), documents, records, true);
        progress.done();
    }

    long documents() { return documents; }

    double seconds() { return progress.seconds(); }
}
