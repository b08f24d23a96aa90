package io.engramstream.topics.cli;

import io.engramstream.topics.produce.CorpusFormat;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Input flags shared by {@code engram produce text} and {@code engram produce tokens}. */
final class ProduceOptions {
    @Option(names = "--input", paramLabel = "FILE|DIR", required = true,
            description = "A corpus file or a directory of them (recursive; .gz files are read decompressed).")
    Path input;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Target topic (default: the catalog's topic for this record kind).")
    String topic;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "AUTO",
            description = "auto, plain (a file is a document), lines (a line is a document), jsonl ({\"text\":...} per line), "
                    + "europarl (title TAB date TAB body) (default: auto, decided per file).")
    String format;

    @Option(names = "--source", paramLabel = "NAME", description = "Source name for every document (default: the file's path relative to --input).")
    String source;

    @Option(names = "--language", paramLabel = "CODE", description = "Language of documents that do not name one (ISO 639-1).")
    String language;

    @Option(names = "--max-docs", paramLabel = "N", description = "Stop after this many documents.")
    Long maxDocs;

    @Option(names = "--max-part-chars", paramLabel = "N", defaultValue = "100000",
            description = "Split longer documents into parts of at most this many characters, at paragraph or word breaks (default: ${DEFAULT-VALUE}).")
    int maxPartChars;

    @Option(names = "--no-dead-letters", description = "Only count unreadable input lines instead of sending them to the dead-letter topic.")
    boolean noDeadLetters;

    CorpusFormat format() {
        try {
            return CorpusFormat.valueOf(format.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.engramstream.cli.UserError("--format must be auto, plain, lines, jsonl or europarl, got '" + format + "'");
        }
    }
}
