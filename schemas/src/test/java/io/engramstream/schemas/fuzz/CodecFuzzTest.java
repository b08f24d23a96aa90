package io.engramstream.schemas.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.schemas.CodecLimits;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.DeadLetters;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.RecordCodec;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.SnapshotManifest;
import io.engramstream.schemas.SnapshotManifests;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bytes against every codec in {@link Codecs#all()}: random and schema-shaped messages,
 * every truncation, lying lengths at every length prefix, token-count lies, bit flips and byte
 * splices. Each decode must either give a record that round-trips, or a
 * {@link RecordDecodeException} of a plausible {@link ErrorKind} that makes a dead letter; no
 * other exception, and no decode may allocate much more than its message (measured per thread).
 * Seeded, so a failure names a reproducible input.
 */
class CodecFuzzTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** What one decode may allocate beyond its own message: records, Strings, ByteBuffers of that size. */
    private static final long ALLOCATION_SLACK = 2L << 20;

    static List<RecordCodec<?>> codecs() {
        return Codecs.all();
    }

    @BeforeAll
    static void warmUp() {
        // Class loading and per-thread decoder state allocate once; keep them out of the measurements.
        Random rnd = new Random(1);
        for (RecordCodec<?> c : Codecs.all()) {
            RandomMessages gen = new RandomMessages(rnd);
            for (int i = 0; i < 50; i++) outcome(c, gen.next(c).bytes());
            outcome(c, new byte[] {1, 2, 3});
        }
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot measure allocation per thread");
    }

    /** The result of one decode: the record, or the error kind; fails the test on anything else. */
    private record Outcome(Object record, RecordDecodeException error, long allocated) {
        ErrorKind kind() { return error == null ? null : error.kind(); }
    }

    private static Outcome outcome(RecordCodec<?> codec, byte[] message) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Object record = null;
        RecordDecodeException error = null;
        try {
            record = codec.decode(message, 0, message.length, null);
        } catch (RecordDecodeException e) {
            error = e;
        } catch (Throwable t) {
            fail(codec.schema().getName() + " let " + t + " escape for " + hex(message), t);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        return new Outcome(record, error, allocated);
    }

    /** Any decode outcome must be usable: a record that survives encode/decode, or a dead letter that does. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void assertUsable(RecordCodec codec, byte[] message, Outcome o) {
        assertTrue(o.allocated() < message.length * 8L + ALLOCATION_SLACK,
                codec.schema().getName() + ": one decode of " + message.length + " bytes allocated " + o.allocated() + " bytes");
        if (o.error() != null) {
            String reason = o.error().reason();
            assertTrue(!reason.isBlank() && !reason.contains("\n"), "reason is one line: " + reason);
            DeadLetter dl = DeadLetters.of("fuzz", 0, 0, message, o.error());
            try {
                DeadLetter back = Codecs.DEAD_LETTER.decode(Codecs.DEAD_LETTER.encode(dl));
                assertEquals(o.kind(), back.getErrorKind());
                assertEquals(message.length, back.getRawLength());
            } catch (RecordDecodeException e) {
                fail("the dead letter for " + o.error() + " does not decode: " + e);
            }
        } else {
            SpecificRecord r = (SpecificRecord) o.record();
            byte[] again = codec.encode(r);
            try {
                // bytes, not equals(): a decoded NaN is a fine value but never equals itself
                assertArrayEquals(again, codec.encode((SpecificRecord) codec.decode(again)), "an accepted record must survive encode/decode");
            } catch (RecordDecodeException e) {
                fail(codec.schema().getName() + ": an accepted record re-encodes to bytes it rejects: " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void randomWellFormedMessagesDecodeAndReencodeToTheSameBytes(RecordCodec<?> codec) {
        Random rnd = new Random(0xC0DEC0DEL ^ codec.fingerprint());
        RandomMessages gen = new RandomMessages(rnd);
        for (int i = 0; i < 500; i++) {
            byte[] m = gen.next(codec).bytes();
            Outcome o = outcome(codec, m);
            if (o.error() != null) fail(codec.schema().getName() + " rejected well-formed message " + i + " (" + o.error() + "): " + hex(m));
            assertArrayEquals(m, reencode(codec, o.record()), "message " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void everyStrictPrefixOfARandomMessageIsTruncated(RecordCodec<?> codec) {
        Random rnd = new Random(17 ^ codec.fingerprint());
        RandomMessages gen = new RandomMessages(rnd);
        for (int i = 0; i < 25; i++) {
            byte[] m = gen.next(codec).bytes();
            for (int n = 1; n < m.length; n++) {
                byte[] cut = Arrays.copyOf(m, n);
                Outcome o = outcome(codec, cut);
                assertEquals(ErrorKind.TRUNCATED, o.kind(), codec.schema().getName() + " cut at " + n + " of " + m.length + ": " + hex(cut));
                assertUsable(codec, cut, o);
            }
        }
    }

    /** The example, for every codec: ~20 bytes that claim 2^31 (and more) bytes or items. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void aTinyMessageClaimingGigabytesAllocatesAlmostNothing(RecordCodec<?> codec) {
        Random rnd = new Random(23);
        RandomMessages gen = new RandomMessages(rnd);
        RandomMessages.Message m = gen.next(codec);
        while (m.sites().isEmpty()) m = gen.next(codec);
        RandomMessages.LengthSite first = m.sites().get(0);
        for (long claim : new long[] {1L << 31, (1L << 31) - 1, 1L << 40, Long.MAX_VALUE}) {
            byte[] tiny = m.cutAfterClaim(first, claim);
            assertTrue(tiny.length <= 40, "message of " + tiny.length + " bytes");
            Outcome o = outcome(codec, tiny);
            assertNotNull(o.error(), "accepted a claim of " + claim);
            assertTrue(EnumSet.of(ErrorKind.OVERSIZE, ErrorKind.TRUNCATED).contains(o.kind()), o.error().toString());
            assertTrue(o.allocated() < 1 << 20, codec.schema().getName() + ": a " + tiny.length + "-byte message claiming "
                    + claim + " allocated " + o.allocated() + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void lyingLengthsAtEveryLengthPrefixAreTypedErrorsWithBoundedAllocation(RecordCodec<?> codec) {
        Random rnd = new Random(29 ^ codec.fingerprint());
        RandomMessages gen = new RandomMessages(rnd);
        CodecLimits lim = codec.limits();
        int lies = 0;
        for (int i = 0; i < 60; i++) {
            RandomMessages.Message m = gen.next(codec);
            for (RandomMessages.LengthSite site : m.sites()) {
                int remaining = m.bytes().length - site.offset() - site.width();
                long[] claims = {
                        site.value() + 1, remaining + 1L, remaining + 4L, 1L << 24, (long) lim.maxStringBytes() + 1,
                        (long) lim.maxBytesLength() + 1, (long) lim.maxCollectionItems() + 1, Integer.MAX_VALUE,
                        1L << 31, 1L << 40, Long.MAX_VALUE, -1, -2, -(1L << 31), Long.MIN_VALUE, Long.MIN_VALUE + 1};
                for (long claim : claims) {
                    if (claim == site.value()) continue;
                    byte[] lie = m.withClaim(site, claim);
                    Outcome o = outcome(codec, lie);
                    assertUsable(codec, lie, o);
                    if (claim > remaining) {
                        // More than the message holds: never accepted, whatever else the bytes say.
                        assertNotNull(o.error(), site + " claiming " + claim + " was accepted: " + hex(lie));
                        lies++;
                    }
                }
            }
        }
        assertTrue(lies > 100 || codec == Codecs.SNAPSHOT_MANIFEST && lies > 20, "only " + lies + " lies checked");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void tokenCountLiesAreInvalidFieldTruncatedOrOversize(RecordCodec<?> codec) {
        Random rnd = new Random(31);
        RandomMessages gen = new RandomMessages(rnd);
        RecordCodec<?> fewTokens = codec.withLimits(codec.limits().withMaxTokens(8));
        int checked = 0;
        for (int i = 0; i < 200; i++) {
            RandomMessages.Message m = gen.next(codec);
            for (RandomMessages.LengthSite site : m.sites()) {
                if (site.kind() != RandomMessages.Kind.TOKENS) continue;
                checked++;
                // Not whole int32s: the bytes are there, but 1-3 of them are left over.
                if (site.value() >= 4) {
                    byte[] ragged = m.withClaim(site, site.value() - 1 - rnd.nextInt(3));
                    // shortening a field shifts the rest: the record may also fail later in the body
                    ErrorKind k = outcome(codec, ragged).kind();
                    assertNotNull(k, site + " ragged was accepted");
                    assertTrue(EnumSet.of(ErrorKind.INVALID_FIELD, ErrorKind.UNDECODABLE, ErrorKind.TRUNCATED,
                            ErrorKind.OVERSIZE).contains(k), site + " ragged: " + k);
                }
                // More tokens claimed than there are bytes left.
                int remaining = m.bytes().length - site.offset() - site.width();
                long more = ((remaining + 4L) & ~3L) + 4L * rnd.nextInt(1 << 20);
                byte[] lie = m.withClaim(site, more);
                Outcome o = outcome(codec, lie);
                assertTrue(EnumSet.of(ErrorKind.TRUNCATED, ErrorKind.OVERSIZE).contains(o.kind()), site + " claiming " + more + ": " + o.kind());
                assertUsable(codec, lie, o);
                // Over the token limit (a codec that takes at most 8 ids).
                if (site.value() > 32) {
                    Outcome over = outcome(fewTokens, m.bytes());
                    assertEquals(ErrorKind.OVERSIZE, over.kind(), site.toString());
                    assertTrue(over.error().reason().contains("token ids, limit 8"), over.error().reason());
                }
            }
        }
        boolean hasTokens = codec == Codecs.CORPUS_TOKENS || codec == Codecs.INFERENCE_TRAFFIC
                || codec == Codecs.INFERENCE_REQUEST || codec == Codecs.INFERENCE_RESPONSE;
        assertEquals(hasTokens, checked > 0, "token fields found: " + checked);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void bitFlipsByteEditsAndSplicesNeverEscape(RecordCodec<?> codec) {
        Random rnd = new Random(37 ^ codec.fingerprint());
        RandomMessages gen = new RandomMessages(rnd);
        List<RecordCodec<?>> all = Codecs.all();
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] m = gen.next(codec).bytes();
            byte[] bad = switch (i % 6) {
                case 0 -> { // one bit in the body
                    int p = 10 + rnd.nextInt(m.length - 10);
                    m[p] ^= (byte) (1 << rnd.nextInt(8));
                    yield m;
                }
                case 1 -> { // a few random bytes anywhere after the magic
                    for (int k = 0; k < 1 + rnd.nextInt(4); k++) m[2 + rnd.nextInt(m.length - 2)] = (byte) rnd.nextInt();
                    yield m;
                }
                case 2 -> { // delete a byte range
                    int a = 10 + rnd.nextInt(m.length - 10), b = a + rnd.nextInt(m.length - a + 1);
                    byte[] out = new byte[m.length - (b - a)];
                    System.arraycopy(m, 0, out, 0, a);
                    System.arraycopy(m, b, out, a, m.length - b);
                    yield out;
                }
                case 3 -> { // insert random bytes
                    int a = 10 + rnd.nextInt(m.length - 9);
                    byte[] ins = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(ins);
                    byte[] out = new byte[m.length + ins.length];
                    System.arraycopy(m, 0, out, 0, a);
                    System.arraycopy(ins, 0, out, a, ins.length);
                    System.arraycopy(m, a, out, a + ins.length, m.length - a);
                    yield out;
                }
                case 4 -> { // this header, another kind's body
                    RecordCodec<?> other = all.get(rnd.nextInt(all.size()));
                    byte[] o = gen.next(other).bytes();
                    System.arraycopy(m, 0, o, 0, 10);
                    yield o;
                }
                default -> { // 0xFF runs: varints that never end
                    int a = 10 + rnd.nextInt(m.length - 10);
                    for (int k = a; k < Math.min(m.length, a + 12); k++) m[k] = (byte) 0xFF;
                    yield m;
                }
            };
            Outcome o = outcome(codec, bad);
            assertUsable(codec, bad, o);
            if (o.error() == null) accepted++;
            else rejected++;
        }
        assertTrue(rejected > 1000, "rejected " + rejected + ", accepted " + accepted);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void randomBytesWithAndWithoutAValidHeaderAreTypedErrors(RecordCodec<?> codec) {
        Random rnd = new Random(41);
        byte[] header = RandomMessages.header(codec);
        Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = new byte[rnd.nextInt(i % 2 == 0 ? 12 : 300)];
            rnd.nextBytes(m);
            if (i % 4 == 1 && m.length >= 10) System.arraycopy(header, 0, m, 0, 10);
            if (i % 4 == 3 && m.length >= 2) { m[0] = (byte) 0xC3; m[1] = 1; }  // magic, random fingerprint
            Outcome o = outcome(codec, m);
            assertUsable(codec, m, o);
            if (o.error() != null) kinds.add(o.kind());
            assertEquals(m.length == 0, o.kind() == ErrorKind.EMPTY);
            // Tools that read mixed topics look the kind up first: never throws, and agrees with the codec.
            RecordCodec<?> detected = Codecs.detect(m);
            if (detected != null && detected != codec) {
                assertEquals(ErrorKind.UNKNOWN_SCHEMA, o.kind());
            }
        }
        assertTrue(kinds.containsAll(EnumSet.of(ErrorKind.EMPTY, ErrorKind.BAD_HEADER, ErrorKind.UNKNOWN_SCHEMA, ErrorKind.TRUNCATED)),
                "kinds seen: " + kinds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void anotherKindsMessageIsUnknownSchemaNamingThatKind(RecordCodec<?> codec) {
        Random rnd = new Random(43);
        for (RecordCodec<?> other : Codecs.all()) {
            if (other == codec) continue;
            byte[] m = new RandomMessages(rnd).next(other).bytes();
            Outcome o = outcome(codec, m);
            assertEquals(ErrorKind.UNKNOWN_SCHEMA, o.kind());
            assertTrue(o.error().reason().contains(other.schema().getName()), o.error().reason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void decodingIntoAReusedRecordAfterGarbageGivesTheSameRecordAsAFreshDecode(RecordCodec codec) throws Exception {
        Random rnd = new Random(47);
        RandomMessages gen = new RandomMessages(rnd);
        SpecificRecord reuse = null;
        for (int i = 0; i < 500; i++) {
            byte[] good = gen.next(codec).bytes();
            byte[] bad = gen.next(codec).bytes();
            bad = Arrays.copyOf(bad, 10 + rnd.nextInt(bad.length - 10)); // truncated: fails part-way into reuse
            try {
                reuse = (SpecificRecord) codec.decode(bad, 0, bad.length, reuse);
            } catch (RecordDecodeException expected) {
                // the reused record may now be half-overwritten
            }
            SpecificRecord viaReuse = (SpecificRecord) codec.decode(good, 0, good.length, reuse);
            reuse = viaReuse;
            assertArrayEquals(good, codec.encode(viaReuse), "message " + i);
        }
    }

    /** Manifests from the topic become core manifests: an invalid one is an IllegalArgumentException, nothing else. */
    @org.junit.jupiter.api.Test
    void decodedManifestsConvertToCoreOrFailWithIllegalArgument() {
        Random rnd = new Random(53);
        RandomMessages gen = new RandomMessages(rnd);
        int converted = 0;
        List<String> rejections = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] m = gen.next(Codecs.SNAPSHOT_MANIFEST).bytes();
            SnapshotManifest a;
            try {
                a = Codecs.SNAPSHOT_MANIFEST.decode(m);
            } catch (RecordDecodeException e) {
                throw new AssertionError(e);
            }
            try {
                io.engramstream.snapshot.SnapshotManifest core = SnapshotManifests.fromAvro(a);
                assertTrue(core.version() > 0);
                converted++;
            } catch (IllegalArgumentException e) {
                rejections.add(e.getMessage());
            } catch (RuntimeException e) {
                fail("fromAvro let " + e + " escape for " + a, e);
            }
        }
        assertTrue(converted > 100 && !rejections.isEmpty(), converted + " converted, rejections " + rejections.size());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] reencode(RecordCodec codec, Object record) {
        return codec.encode((SpecificRecord) record);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 96); i++) sb.append(String.format("%02x", b[i] & 0xff));
        if (b.length > 96) sb.append("...(").append(b.length).append(" bytes)");
        return sb.toString();
    }
}
