package io.engramstream.topics.produce;

/**
 * An input line that could not be read as a document (malformed JSON, a Europarl line without
 * its fields): kept with its position so it can go to the dead-letter topic.
 *
 * @param file   the input file (relative to the input root)
 * @param line   1-based line number
 * @param raw    the line's bytes
 * @param reason one-line explanation
 */
public record BadInput(String file, long line, byte[] raw, String reason) {}
