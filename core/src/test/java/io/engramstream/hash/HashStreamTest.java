package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Chunked hashing equals whole-document hashing for random chunkings (chunks shorter than the
 * history, empty, spanning blocks), and the int hot path equals the general long path (which
 * the golden vectors pin) on documents longer than one block.
 */
class HashStreamTest {
    static final List<EngramSpec> SPECS = List.of(
            EngramSpec.demo(),
            EngramSpec.tiny(),
            EngramSpec.builder().name("n4").layerIds(0, 3, 7).maxNgram(4).headsPerNgram(3).tableSizes(5000, 7001, 2)
                    .seed(99).padId(0).compressedVocabSize(50_000).canonicalMapId("test").embedDimPerHead(4).build(),
            EngramSpec.builder().name("n2").layerIds(2).maxNgram(2).headsPerNgram(1).tableSizes(2147480000L)
                    .seed(5).padId(17).compressedVocabSize(1L << 31).canonicalMapId("test").embedDimPerHead(4).build());

    @Test
    void chunkedEqualsWholeForRandomChunkings() {
        SplittableRandom r = new SplittableRandom(2024);
        for (EngramSpec spec : SPECS) {
            NgramHasher hasher = new NgramHasher(spec);
            HashStream stream = hasher.newStream();
            int J = spec.headsPerLayer();
            for (int trial = 0; trial < 25; trial++) {
                int len = trial == 0 ? 0 : r.nextInt(trial < 5 ? 10 : 3 * NgramHasher.BLOCK + 50);
                int[] doc = randomTokens(r, len, spec);
                int[] whole = new int[(int) hasher.outputLength(len)];
                long[] wholeKeys = new long[whole.length];
                hasher.hash(doc, 0, len, whole);
                hasher.hashRowKeys(doc, 0, len, wholeKeys);

                stream.reset();
                int[] joined = new int[whole.length];
                long[] joinedKeys = new long[whole.length];
                boolean keys = trial % 2 == 1;
                int pos = 0;
                while (pos < len) {
                    int c = switch (r.nextInt(4)) {
                        case 0 -> r.nextInt(3);                                   // 0, 1, 2: shorter than the history
                        case 1 -> r.nextInt(NgramHasher.BLOCK * 2 + 1);          // spans blocks
                        default -> 1 + r.nextInt(40);
                    };
                    c = Math.min(c, len - pos);
                    int[] chunkOut = new int[(int) hasher.outputLength(c)];
                    long[] chunkKeys = new long[chunkOut.length];
                    // Hash the chunk from inside a larger array to exercise off.
                    int[] host = new int[c + 5];
                    System.arraycopy(doc, pos, host, 5, c);
                    if (keys) stream.hashChunkRowKeys(host, 5, c, chunkKeys);
                    else stream.hashChunk(host, 5, c, chunkOut);
                    for (int li = 0; li < spec.numLayers(); li++) {
                        for (int t = 0; t < c; t++) {
                            int src = (li * c + t) * J, dst = (li * len + pos + t) * J;
                            System.arraycopy(chunkOut, src, joined, dst, J);
                            System.arraycopy(chunkKeys, src, joinedKeys, dst, J);
                        }
                    }
                    pos += c;
                }
                if (keys) assertArrayEquals(wholeKeys, joinedKeys, spec.name() + " trial " + trial);
                else assertArrayEquals(whole, joined, spec.name() + " trial " + trial);
            }
        }
    }

    @Test
    void intPathEqualsGeneralPathAcrossBlocksAndRowKeysAddHeadOffsets() {
        SplittableRandom r = new SplittableRandom(77);
        for (EngramSpec spec : SPECS) {
            NgramHasher hasher = new NgramHasher(spec);
            int len = 3 * NgramHasher.BLOCK + 17;
            int[] doc = randomTokens(r, len, spec);
            int[] ids = new int[(int) hasher.outputLength(len)];
            long[] keys = new long[ids.length];
            hasher.hash(doc, 0, len, ids);
            hasher.hashRowKeys(doc, 0, len, keys);
            long[] general = hasher.hash(Arrays.stream(doc).asLongStream().toArray());
            int J = spec.headsPerLayer();
            for (int i = 0; i < ids.length; i++) {
                assertEquals(general[i], ids[i], spec.name() + " slot " + i);
                int li = i / (len * J);
                int j = i % J;
                assertEquals(RowKey.of(li, spec.headOffsets(li)[j] + ids[i]), keys[i]);
                assertEquals(true, ids[i] >= 0 && ids[i] < spec.primes(li)[j]);
            }
        }
    }

    @Test
    void resetStartsANewDocument() {
        EngramSpec spec = EngramSpec.tiny();
        NgramHasher hasher = new NgramHasher(spec);
        HashStream s = hasher.newStream();
        int[] a = {5, 6, 7, 8}, b = {9, 10, 11};
        int[] outA = new int[(int) hasher.outputLength(4)], outB1 = new int[(int) hasher.outputLength(3)];
        int[] outB2 = new int[outB1.length], whole = new int[outB1.length];
        s.hashChunk(a, 0, 4, outA);
        s.hashChunk(b, 0, 3, outB1); // continues a
        s.reset();
        s.hashChunk(b, 0, 3, outB2); // a new document
        hasher.hash(b, 0, 3, whole);
        assertArrayEquals(whole, outB2);
        assertEquals(false, Arrays.equals(outB1, outB2));
    }

    @Test
    void badRangesAreRefused() {
        NgramHasher hasher = new NgramHasher(EngramSpec.tiny());
        int[] t = new int[10];
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hash(t, 5, 6, new int[1000]));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hash(t, 0, 10, new int[10]));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hash(t, -1, 2, new int[1000]));
    }

    static int[] randomTokens(SplittableRandom r, int len, EngramSpec spec) {
        int[] doc = new int[len];
        long v = spec.compressedVocabSize();
        for (int i = 0; i < len; i++) doc[i] = (int) (r.nextInt(10) == 0 ? v - 1 - r.nextInt(3) : r.nextLong(v));
        return doc;
    }
}
