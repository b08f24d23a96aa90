package io.engramstream.stats.input;

import io.engramstream.stats.job.InputRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/** {@link TokenFiles} as a Flink file format: one record of raw ids per document. */
public final class TokenFileFormat extends SimpleStreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;

    @Override public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        TokenFiles.Reader r = new TokenFiles.Reader(stream);
        return new StreamFormat.Reader<>() {
            private long doc;

            @Override public InputRecord read() throws IOException {
                int[] ids = r.next();
                return ids == null ? null : InputRecord.tokens(null, ++doc, ids);
            }

            @Override public void close() throws IOException { r.close(); }
        };
    }

    @Override public TypeInformation<InputRecord> getProducedType() { return InputRecord.TYPE; }
}
