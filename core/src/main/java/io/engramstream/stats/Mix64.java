package io.engramstream.stats;

/** MurmurHash3's 64-bit finalizer: every input bit affects every output bit (document keys, seeds). */
public final class Mix64 {
    private Mix64() {}

    public static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
