package io.engramstream.topics.produce;

import java.time.Instant;

/**
 * One document read from a corpus file, before it is split into parts or tokenized.
 *
 * @param id       stable id: the JSON {@code id} field, else {@code file} or {@code file:line}
 * @param source   the input file, relative to the input root (or --source)
 * @param language ISO 639-1 code when known, else null
 * @param text     the text
 * @param time     event time: the JSON time or Europarl date, else the file's modification time
 */
public record CorpusDocument(String id, String source, String language, String text, Instant time) {}
