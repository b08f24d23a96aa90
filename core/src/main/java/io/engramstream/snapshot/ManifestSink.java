package io.engramstream.snapshot;

import java.io.IOException;

/**
 * Where published manifests are announced besides {@code LATEST} (the compacted manifest topic;
 * core cannot see Kafka, so the topics module implements it). {@link #send} returns only once the
 * manifest is durably accepted: the {@link ManifestOutbox} records it as sent after that.
 * Sending the same manifest twice must be harmless (a compacted topic keeps the last per key).
 */
public interface ManifestSink extends AutoCloseable {
    /** Where this sink sends, e.g. {@code kafka:engram.snapshot.manifests}; a change of destination re-sends. */
    String destination();

    /** Sends {@code manifest} and waits until it is accepted. */
    void send(SnapshotManifest manifest) throws IOException;

    @Override default void close() throws IOException {}
}
