package io.engramstream.canon;

import java.util.HashMap;
import java.util.Map;

/**
 * Builds a {@link CanonicalMap} from a {@link Vocabulary} the way the reference's
 * {@code CompressedTokenizer} does: for each old id in order, key = the raw token if the decoded
 * text contains U+FFFD, else the normalized text, or the text itself when that normalizes to
 * nothing; new ids are handed out in first-seen order of keys. Raw keys and normalized keys share
 * one dictionary, as in the reference.
 */
public final class CanonicalMapBuilder {
    private CanonicalMapBuilder() {}

    public static CanonicalMap build(Vocabulary vocabulary) {
        String[] texts = vocabulary.texts();
        String[] raw = vocabulary.rawKeys();
        int[] lookup = new int[texts.length];
        Map<String, Integer> ids = new HashMap<>(texts.length * 2);
        for (int old = 0; old < texts.length; old++) {
            String key = TokenNormalizer.key(texts[old]);
            if (key == null) key = raw[old];
            Integer id = ids.putIfAbsent(key, ids.size());
            lookup[old] = id == null ? ids.size() - 1 : id;
        }
        return new CanonicalMap(lookup, vocabulary.id(), vocabulary.sha256(), vocabulary.rawKeyConvention().id(),
                TokenNormalizer.VERSION);
    }
}
