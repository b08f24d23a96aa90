package io.engramstream.stats.input;

import io.engramstream.stats.job.InputRecord;
import java.io.IOException;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

/**
 * Wraps a {@link StreamFormat} so every record knows the file it came from (stream formats never
 * see the path; dead letters and document identities need it). Positions, checkpoints and
 * decompression are the wrapped adapter's.
 */
public final class OriginTaggingFormat implements BulkFormat<InputRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private final StreamFormatAdapter<InputRecord> inner;

    public OriginTaggingFormat(StreamFormat<InputRecord> format) {
        this.inner = new StreamFormatAdapter<>(format);
    }

    @Override public Reader<InputRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return wrap(inner.createReader(config, split), split.path().toString());
    }

    @Override public Reader<InputRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return wrap(inner.restoreReader(config, split), split.path().toString());
    }

    @Override public boolean isSplittable() { return inner.isSplittable(); }

    @Override public TypeInformation<InputRecord> getProducedType() { return InputRecord.TYPE; }

    private static Reader<InputRecord> wrap(Reader<InputRecord> reader, String origin) {
        return new Reader<>() {
            @Nullable @Override public RecordIterator<InputRecord> readBatch() throws IOException {
                RecordIterator<InputRecord> batch = reader.readBatch();
                if (batch == null) return null;
                return new RecordIterator<>() {
                    @Nullable @Override public RecordAndPosition<InputRecord> next() {
                        RecordAndPosition<InputRecord> rp = batch.next();
                        if (rp != null) rp.getRecord().origin = origin;
                        return rp;
                    }

                    @Override public void releaseBatch() { batch.releaseBatch(); }
                };
            }

            @Override public void close() throws IOException { reader.close(); }
        };
    }
}
