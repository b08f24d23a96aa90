package io.engramstream.rng;

/**
 * numpy's {@code PCG64}: a 128-bit LCG with the XSL-RR output function, seeded from a
 * {@link SeedSequence} exactly as {@code numpy.random.PCG64(seed_seq)} does. 128-bit values are
 * held as (hi, lo) pairs of longs; {@link #nextUint32()} keeps numpy's buffered half (low half
 * of a 64-bit output first, then the high half).
 */
public final class Pcg64 {
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    private long stateHi, stateLo, incHi, incLo;
    private boolean hasUint32;
    private int bufferedUint32;

    /** Seeds like numpy: {@code val = seq.generate_state(4, uint64)}; state from val[0..1], stream from val[2..3]. */
    public Pcg64(SeedSequence seq) {
        long[] v = seq.generateState64(4);
        seed(v[0], v[1], v[2], v[3]);
    }

    /** {@code pcg_setseq_128_srandom_r(initstate, initseq)}. */
    public Pcg64(long initStateHi, long initStateLo, long initSeqHi, long initSeqLo) {
        seed(initStateHi, initStateLo, initSeqHi, initSeqLo);
    }

    private void seed(long initStateHi, long initStateLo, long initSeqHi, long initSeqLo) {
        stateHi = 0;
        stateLo = 0;
        incHi = (initSeqHi << 1) | (initSeqLo >>> 63);
        incLo = (initSeqLo << 1) | 1L;
        step();
        long lo = stateLo + initStateLo;
        long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
        stateHi = stateHi + initStateHi + carry;
        stateLo = lo;
        step();
    }

    /** state = state * MULT + inc (mod 2^128). */
    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
        long lo2 = lo + incLo;
        long carry = Long.compareUnsigned(lo2, lo) < 0 ? 1 : 0;
        stateHi = hi + incHi + carry;
        stateLo = lo2;
    }

    /** The next raw 64-bit output (advance, then XSL-RR of the new state). */
    public long nextUint64() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** numpy's {@code pcg64_next32}: the low half of a fresh 64-bit output, then its high half. */
    public int nextUint32() {
        if (hasUint32) {
            hasUint32 = false;
            return bufferedUint32;
        }
        long next = nextUint64();
        hasUint32 = true;
        bufferedUint32 = (int) (next >>> 32);
        return (int) next;
    }

    public long stateHi() { return stateHi; }
    public long stateLo() { return stateLo; }
    public long incHi() { return incHi; }
    public long incLo() { return incLo; }

    /** Java 17 has no {@code Math.unsignedMultiplyHigh}; derive it from the signed one. */
    static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
