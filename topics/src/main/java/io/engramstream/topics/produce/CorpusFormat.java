package io.engramstream.topics.produce;

/** How a corpus file is laid out. */
public enum CorpusFormat {
    /** Decide per file from its first non-empty line: JSON object -> JSONL, title TAB date TAB body -> EUROPARL, else PLAIN. */
    AUTO,
    /** The whole file is one document (split into parts when long). */
    PLAIN,
    /** Every non-empty line is a document. */
    LINES,
    /** One JSON object per line with a {@code text} field (optional {@code id}, {@code language}, {@code source}, {@code time}). */
    JSONL,
    /** Europarl lines as in Lucene's test corpus: {@code title TAB yyyy-MM-dd TAB body}. */
    EUROPARL
}
