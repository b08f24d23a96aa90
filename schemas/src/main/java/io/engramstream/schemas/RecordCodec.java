package io.engramstream.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record kind in Avro single-object encoding (Avro's standard:
 * {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint little-endian, then the
 * binary body), so any Avro {@code BinaryMessageDecoder} given the same schemas reads our
 * messages and vice versa.
 *
 * <p>Decoding resolves every registered writer version (all of {@link SchemaHistory} for this
 * record, plus {@link #addWriterSchema}) to the current reader schema, is bounded by
 * {@link CodecLimits} whatever the JVM flags, rejects trailing bytes, and validates fields
 * (packed token ids). Anything wrong ends as a {@link RecordDecodeException} with an
 * {@link ErrorKind}: never another exception, never an allocation larger than the message.
 *
 * <p>Thread-safe: decoder, readers and encode buffers are per thread.
 *
 * @param <T> the generated record class
 */
public final class RecordCodec<T extends SpecificRecord> {

    /** Checks a decoded record's fields; throw {@link RecordDecodeException} to reject it. */
    @FunctionalInterface
    public interface Validator<T> {
        void validate(T record, CodecLimits limits) throws RecordDecodeException;
    }

    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;
    static final int HEADER_BYTES = 10;

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData data;
    private final CodecLimits limits;
    private final Validator<T> validator;
    private final Map<Long, Schema> writers;
    private final byte[] header;
    private final ThreadLocal<DecodeState<T>> decodeState;
    private final ThreadLocal<EncodeState<T>> encodeState;

    private static final class DecodeState<T> {
        final BoundedBinaryDecoder decoder = new BoundedBinaryDecoder();
        final Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
    }

    private static final class EncodeState<T> {
        final Buffer out = new Buffer();
        final SpecificDatumWriter<T> writer;
        BinaryEncoder encoder;

        EncodeState(Schema schema, SpecificData data) {
            writer = new SpecificDatumWriter<>(schema, data);
        }
    }

    /** A growable byte buffer whose contents can be copied out without a second buffer. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[256];
        int size;

        @Override public void write(int b) {
            if (size == bytes.length) bytes = Arrays.copyOf(bytes, bytes.length * 2);
            bytes[size++] = (byte) b;
        }

        @Override public void write(byte[] b, int off, int len) {
            if (size + len > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }
    }

    private RecordCodec(Class<T> type, Schema schema, CodecLimits limits, Validator<T> validator, Map<Long, Schema> writers) {
        this.type = type;
        this.schema = schema;
        this.data = SpecificData.getForClass(type);
        this.limits = Objects.requireNonNull(limits);
        this.validator = validator;
        this.writers = writers;
        long fp = SchemaHistory.fingerprint(schema);
        this.header = new byte[HEADER_BYTES];
        header[0] = MAGIC_0;
        header[1] = MAGIC_1;
        for (int i = 0; i < 8; i++) header[2 + i] = (byte) (fp >>> (8 * i));
        this.decodeState = ThreadLocal.withInitial(DecodeState::new);
        this.encodeState = ThreadLocal.withInitial(() -> new EncodeState<>(schema, data));
    }

    /**
     * A codec for a generated record class: reader schema = the class's schema, writers = every
     * version in {@link SchemaHistory} for its name plus the current one.
     */
    public static <T extends SpecificRecord> RecordCodec<T> of(Class<T> type, CodecLimits limits, Validator<T> validator) {
        Schema schema = SpecificData.get().getSchema(type);
        Map<Long, Schema> writers = new ConcurrentHashMap<>();
        for (Schema s : SchemaHistory.versions(schema.getName())) writers.put(SchemaHistory.fingerprint(s), s);
        writers.put(SchemaHistory.fingerprint(schema), schema);
        return new RecordCodec<>(type, schema, limits, validator, writers);
    }

    /** The same record kind and writer schemas, other limits. */
    public RecordCodec<T> withLimits(CodecLimits newLimits) {
        return new RecordCodec<>(type, schema, newLimits, validator, new ConcurrentHashMap<>(writers));
    }

    public Class<T> type() { return type; }

    /** The reader (current) schema. */
    public Schema schema() { return schema; }

    public CodecLimits limits() { return limits; }

    /** The current schema's fingerprint: what {@link #encode} writes in the header. */
    public long fingerprint() { return SchemaHistory.fingerprint(schema); }

    /** Whether messages written with this fingerprint can be decoded. */
    public boolean knowsWriter(long fingerprint) { return writers.containsKey(fingerprint); }

    /**
     * Registers another writer schema (like Avro's {@code BinaryMessageDecoder.addSchema}).
     *
     * @throws IllegalArgumentException if records written with it cannot be read as the current schema
     */
    public void addWriterSchema(Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(schema, writer);
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalArgumentException("writer schema " + writer.getFullName() + " cannot be read as the current "
                    + schema.getFullName() + ": " + c.getDescription());
        }
        writers.put(SchemaHistory.fingerprint(writer), writer);
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes a record as a single-object message.
     *
     * @throws IllegalArgumentException if the record is invalid (null in a non-null field) or
     *                                  encodes to more than {@code maxMessageBytes}
     */
    public byte[] encode(T record) {
        EncodeState<T> st = encodeState.get();
        Buffer out = st.out;
        out.size = 0;
        writeTo(record, st, out);
        if (out.bytes.length > 1 << 20 && out.size < out.bytes.length / 4) {
            byte[] result = Arrays.copyOf(out.bytes, out.size);
            out.bytes = new byte[256]; // don't keep a huge buffer per thread after one big record
            return result;
        }
        return Arrays.copyOf(out.bytes, out.size);
    }

    /** Encodes a record onto a stream (e.g. a file of fixtures). */
    public void encode(T record, OutputStream target) throws IOException {
        byte[] b = encode(record);
        target.write(b);
    }

    private void writeTo(T record, EncodeState<T> st, Buffer out) {
        try {
            out.write(header, 0, HEADER_BYTES);
            st.encoder = EncoderFactory.get().directBinaryEncoder(out, st.encoder);
            st.writer.write(record, st.encoder);
            st.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NullPointerException | ClassCastException | AvroRuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
        }
        if (out.size > limits.maxMessageBytes()) {
            throw new IllegalArgumentException(schema.getName() + " encodes to " + out.size
                    + " bytes, over the limit of " + limits.maxMessageBytes() + " (split it into chunks)");
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes a whole array as one message. */
    public T decode(byte[] message) throws RecordDecodeException {
        return decode(message, null);
    }

    /** Decodes a whole array as one message, reusing {@code reuse} (and its token buffers) when not null. */
    public T decode(byte[] message, T reuse) throws RecordDecodeException {
        if (message == null) throw new RecordDecodeException(ErrorKind.EMPTY, "no value (null)");
        return decode(message, 0, message.length, reuse);
    }

    /**
     * Decodes {@code message[off, off+len)} as one single-object message.
     *
     * @param reuse a record to decode into (its byte buffers are reused when large enough), or null
     * @throws RecordDecodeException for anything but a valid message of a known writer schema
     */
    public T decode(byte[] message, int off, int len, T reuse) throws RecordDecodeException {
        if (message == null || len == 0) throw new RecordDecodeException(ErrorKind.EMPTY, "no bytes");
        if (off < 0 || len < 0 || len > message.length - off) {
            throw new IllegalArgumentException("range [" + off + ", " + off + "+" + len + ") of byte[" + message.length + "]");
        }
        if (len > limits.maxMessageBytes()) {
            throw new RecordDecodeException(ErrorKind.OVERSIZE,
                    "message of " + len + " bytes, limit " + limits.maxMessageBytes());
        }
        if (message[off] != MAGIC_0 || (len > 1 && message[off + 1] != MAGIC_1)) {
            throw new RecordDecodeException(ErrorKind.BAD_HEADER, String.format(
                    "not Avro single-object encoding: starts %02x%s, expected c301", message[off] & 0xff,
                    len > 1 ? String.format("%02x", message[off + 1] & 0xff) : ""));
        }
        if (len < HEADER_BYTES) {
            throw new RecordDecodeException(ErrorKind.TRUNCATED, "message of " + len + " bytes ends inside the 10-byte header");
        }
        long fp = 0;
        for (int i = 7; i >= 0; i--) fp = (fp << 8) | (message[off + 2 + i] & 0xff);
        Schema writer = writers.get(fp);
        if (writer == null) throw unknownWriter(fp);

        DecodeState<T> st = decodeState.get();
        SpecificDatumReader<T> reader = st.readers.get(fp);
        if (reader == null) {
            reader = new SpecificDatumReader<>(writer, schema, data);
            st.readers.put(fp, reader);
        }
        BoundedBinaryDecoder in = st.decoder;
        in.reset(message, off + HEADER_BYTES, len - HEADER_BYTES, limits);
        T record;
        try {
            record = reader.read(reuse, in);
            if (in.remaining() != 0) {
                throw new RecordDecodeException(ErrorKind.UNDECODABLE,
                        in.remaining() + " trailing bytes after a complete " + schema.getName());
            }
        } catch (BoundedBinaryDecoder.Failure f) {
            throw new RecordDecodeException(f.kind, f.getMessage());
        } catch (EOFException e) {
            throw new RecordDecodeException(ErrorKind.TRUNCATED, "message ends early: " + e.getMessage());
        } catch (SystemLimitException e) {
            throw new RecordDecodeException(ErrorKind.OVERSIZE, e.getMessage());
        } catch (IOException | RuntimeException e) {
            // Avro's readers signal bad enum/union indexes, bad logical values etc. with runtime exceptions.
            throw new RecordDecodeException(ErrorKind.UNDECODABLE,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())), e);
        } finally {
            in.release();
        }
        if (validator != null) validator.validate(record, limits);
        return record;
    }

    private RecordDecodeException unknownWriter(long fp) {
        Schema other = SchemaHistory.byFingerprint(fp);
        String hex = SchemaHistory.fingerprintHex(fp);
        if (other != null) {
            return new RecordDecodeException(ErrorKind.UNKNOWN_SCHEMA,
                    "writer schema " + hex + " is " + other.getName() + " v" + SchemaHistory.versionOf(other)
                            + ", not " + schema.getName());
        }
        return new RecordDecodeException(ErrorKind.UNKNOWN_SCHEMA,
                "writer schema fingerprint " + hex + " is not a known version of " + schema.getName());
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    @Override public String toString() {
        return "RecordCodec[" + schema.getFullName() + ", " + writers.size() + " writer versions]";
    }
}
