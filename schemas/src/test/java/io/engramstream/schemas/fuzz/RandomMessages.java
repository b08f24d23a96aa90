package io.engramstream.schemas.fuzz;

import io.engramstream.schemas.RecordCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;

/**
 * Writes random, well-formed single-object messages for any codec by walking its reader schema
 * and emitting Avro binary by hand (independent of Avro's encoder and of the codec under test),
 * and remembers where every length prefix sits, so a test can replace one with a lie.
 *
 * <p>Well-formed means: decodable and canonical (one block per collection, minimal varints,
 * valid UTF-8, ints non-negative so field validators pass, packed token fields whole int32s),
 * so {@code encode(decode(m))} must give back {@code m} byte for byte.
 */
final class RandomMessages {

    /** A length-prefixed item: its varint starts at {@code offset} and takes {@code width} bytes. */
    record LengthSite(int offset, int width, long value, Kind kind, String field) {}

    enum Kind { STRING, BYTES, TOKENS, ARRAY, MAP }

    /** A message and the length prefixes inside it. */
    record Message(byte[] bytes, List<LengthSite> sites) {

        /** The message with the varint at {@code site} replaced by {@code claimed}, the rest unchanged. */
        byte[] withClaim(LengthSite site, long claimed) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 10);
            out.write(bytes, 0, site.offset());
            writeLong(out, claimed);
            out.write(bytes, site.offset() + site.width(), bytes.length - site.offset() - site.width());
            return out.toByteArray();
        }

        /** The header and everything up to and including a varint claiming {@code claimed} at {@code site}: nothing after. */
        byte[] cutAfterClaim(LengthSite site, long claimed) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(site.offset() + 10);
            out.write(bytes, 0, site.offset());
            writeLong(out, claimed);
            return out.toByteArray();
        }
    }

    private final Random rnd;
    private int topCount;
    private final int maxCollection;
    private final int maxString;

    RandomMessages(Random rnd, int maxCollection, int maxString) {
        this.rnd = rnd;
        this.maxCollection = maxCollection;
        this.maxString = maxString;
    }

    RandomMessages(Random rnd) {
        this(rnd, 4, 24);
    }

    /** The Avro single-object header of the codec's current schema. */
    static byte[] header(RecordCodec<?> codec) {
        byte[] h = new byte[10];
        h[0] = (byte) 0xC3;
        h[1] = (byte) 0x01;
        long fp = codec.fingerprint();
        for (int i = 0; i < 8; i++) h[2 + i] = (byte) (fp >>> (8 * i));
        return h;
    }

    Message next(RecordCodec<?> codec) {
        // InferenceResponse requires as many top probabilities as top token ids.
        topCount = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(16);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(header(codec));
        List<LengthSite> sites = new ArrayList<>();
        write(codec.schema(), "", out, sites);
        return new Message(out.toByteArray(), sites);
    }

    private void write(Schema s, String field, ByteArrayOutputStream out, List<LengthSite> sites) {
        switch (s.getType()) {
            case RECORD -> {
                for (Schema.Field f : s.getFields()) write(f.schema(), f.name(), out, sites);
            }
            case NULL -> { }
            case BOOLEAN -> out.write(rnd.nextBoolean() ? 1 : 0);
            case INT -> writeLong(out, randomInt());
            case LONG -> writeLong(out, randomLong());
            case FLOAT -> {
                int bits = Float.floatToIntBits((float) rnd.nextGaussian());
                for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
            }
            case DOUBLE -> {
                long bits = Double.doubleToLongBits(rnd.nextDouble() * (rnd.nextBoolean() ? 1 : 1e12));
                for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)));
            }
            case STRING -> writeLengthPrefixed(out, sites, Kind.STRING, field, randomString().getBytes(StandardCharsets.UTF_8));
            case BYTES -> {
                boolean tokens = field.equals("tokenIds") || field.endsWith("TokenIds");
                boolean packedFloats = field.equals("topProbabilities");
                byte[] b = field.equals("topTokenIds") ? randomTokens(topCount)
                        : packedFloats ? randomProbabilities(topCount)
                        : tokens ? randomTokens() : randomBytes();
                tokens |= packedFloats;
                writeLengthPrefixed(out, sites, tokens ? Kind.TOKENS : Kind.BYTES, field, b);
            }
            case ENUM -> writeLong(out, rnd.nextInt(s.getEnumSymbols().size()));
            case FIXED -> {
                byte[] b = new byte[s.getFixedSize()];
                rnd.nextBytes(b);
                out.writeBytes(b);
            }
            case UNION -> {
                int i = rnd.nextInt(s.getTypes().size());
                writeLong(out, i);
                write(s.getTypes().get(i), field, out, sites);
            }
            case ARRAY -> {
                int n = rnd.nextInt(maxCollection + 1);
                if (n > 0) {
                    sites.add(new LengthSite(out.size(), varintWidth(n), n, Kind.ARRAY, field));
                    writeLong(out, n);
                    for (int i = 0; i < n; i++) write(s.getElementType(), field, out, sites);
                }
                writeLong(out, 0);
            }
            case MAP -> {
                int n = rnd.nextInt(maxCollection + 1);
                if (n > 0) {
                    sites.add(new LengthSite(out.size(), varintWidth(n), n, Kind.MAP, field));
                    writeLong(out, n);
                    for (int i = 0; i < n; i++) {
                        // distinct keys so that decode -> encode gives the same bytes
                        writeLengthPrefixed(out, sites, Kind.STRING, field, ("k" + i).getBytes(StandardCharsets.UTF_8));
                        write(s.getValueType(), field, out, sites);
                    }
                }
                writeLong(out, 0);
            }
        }
    }

    private void writeLengthPrefixed(ByteArrayOutputStream out, List<LengthSite> sites, Kind kind, String field, byte[] b) {
        sites.add(new LengthSite(out.size(), varintWidth(b.length), b.length, kind, field));
        writeLong(out, b.length);
        out.writeBytes(b);
    }

    private long randomInt() {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(100);
            case 2 -> rnd.nextInt(1 << 20);
            default -> rnd.nextInt(Integer.MAX_VALUE);
        };
    }

    private long randomLong() {
        return switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000) - 500;
            case 2 -> 1_700_000_000_000L + rnd.nextInt(1 << 30);
            case 3 -> rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> rnd.nextLong();
        };
    }

    private String randomString() {
        int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(maxString + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int cp = switch (rnd.nextInt(5)) {
                case 0, 1 -> 0x20 + rnd.nextInt(0x5F);      // ASCII
                case 2 -> 0xA0 + rnd.nextInt(0x700);        // Latin, Greek, Cyrillic...
                case 3 -> 0x4E00 + rnd.nextInt(0x5000);     // CJK
                default -> 0x1F300 + rnd.nextInt(0x300);    // emoji (surrogate pairs)
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private byte[] randomBytes() {
        byte[] b = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(40)];
        rnd.nextBytes(b);
        return b;
    }

    private byte[] randomTokens() {
        return randomTokens(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(64));
    }

    private byte[] randomProbabilities(int n) {
        byte[] b = new byte[4 * n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(rnd.nextFloat());
            for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (bits >>> (8 * k));
        }
        return b;
    }

    private byte[] randomTokens(int n) {
        byte[] b = new byte[4 * n];
        for (int i = 0; i < n; i++) {
            int id = rnd.nextInt(200_000);
            for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (id >>> (8 * k));
        }
        return b;
    }

    /** Avro's zig-zag varint. */
    static void writeLong(ByteArrayOutputStream out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    static int varintWidth(long v) {
        long z = (v << 1) ^ (v >> 63);
        int w = 1;
        while ((z & ~0x7FL) != 0) {
            w++;
            z >>>= 7;
        }
        return w;
    }
}
