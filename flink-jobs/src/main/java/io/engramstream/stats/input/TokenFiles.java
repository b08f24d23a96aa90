package io.engramstream.stats.input;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Pre-tokenized corpora ({@code .tok}): {@code "ENGRTOK1"}, then per document a little-endian
 * int32 token count and that many little-endian int32 raw tokenizer ids. The same packing as the
 * bus's {@code CorpusTokens.tokenIds}, so reading needs no parsing.
 */
public final class TokenFiles {
    public static final byte[] MAGIC = "ENGRTOK1".getBytes(StandardCharsets.US_ASCII);
    public static final String EXTENSION = ".tok";

    private TokenFiles() {}

    public static Writer writer(Path file) throws IOException {
        return new Writer(Files.newOutputStream(file));
    }

    public static boolean isTokenFile(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(EXTENSION) || n.endsWith(EXTENSION + ".gz");
    }

    /** Writes documents; allocation-free per document after the first. */
    public static final class Writer implements Closeable {
        private final OutputStream out;
        private byte[] buf = new byte[1 << 16];
        private long documents, tokens;

        Writer(OutputStream os) throws IOException {
            this.out = new BufferedOutputStream(os, 1 << 20);
            out.write(MAGIC);
        }

        public void write(int[] ids, int off, int len) throws IOException {
            int need = 4 + 4 * len;
            if (buf.length < need) buf = new byte[Math.max(need, buf.length * 2)];
            ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(len);
            b.asIntBuffer().put(ids, off, len);
            out.write(buf, 0, need);
            documents++;
            tokens += len;
        }

        public long documents() { return documents; }
        public long tokens() { return tokens; }

        @Override public void close() throws IOException { out.close(); }
    }

    /** Reads documents back; {@link #next()} returns null at the end. */
    public static final class Reader implements Closeable {
        private final DataInputStream in;
        private byte[] buf = new byte[1 << 16];

        public Reader(InputStream is) throws IOException {
            this.in = new DataInputStream(is);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException("not a token file (bad magic)");
        }

        public int[] next() throws IOException {
            int b0 = in.read();
            if (b0 < 0) return null;
            try {
                int n = b0 | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16 | in.readUnsignedByte() << 24;
                if (n < 0 || n > (64 << 20)) throw new IOException("corrupt token file: document of " + n + " tokens");
                int need = 4 * n;
                if (buf.length < need) buf = new byte[need];
                in.readFully(buf, 0, need);
                int[] ids = new int[n];
                ByteBuffer.wrap(buf, 0, need).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
                return ids;
            } catch (EOFException e) {
                throw new IOException("truncated token file", e);
            }
        }

        @Override public void close() throws IOException { in.close(); }
    }
}
