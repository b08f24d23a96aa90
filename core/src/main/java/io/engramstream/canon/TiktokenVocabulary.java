package io.engramstream.canon;

import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads a tiktoken vocabulary ({@code <base64 token> <rank>} per line) from the resources that
 * jtokkit ships. Old ids are the ordinary ranks {@code 0..N-1}; special tokens are not part of the
 * vocabulary (the tokenizers here encode ordinary text only). A token decodes to its bytes as lossy
 * UTF-8; its raw key follows the chosen {@link RawKeyConvention}.
 */
public final class TiktokenVocabulary {
    /** The encodings jtokkit 1.1.0 bundles. */
    public static final List<String> ENCODINGS = List.of("o200k_base", "cl100k_base", "p50k_base", "r50k_base");

    private TiktokenVocabulary() {}

    public static boolean isEncoding(String name) { return ENCODINGS.contains(name); }

    /** The vocabulary file's bytes as jtokkit ships them. */
    static byte[] resourceBytes(String encoding) {
        if (!isEncoding(encoding)) throw new UserError("unknown tiktoken encoding '" + encoding + "' (known: " + ENCODINGS + ")");
        String resource = "/com/knuddels/jtokkit/" + encoding + ".tiktoken";
        try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("jtokkit resource " + resource + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Vocabulary read(String encoding, RawKeyConvention convention) {
        if (convention == RawKeyConvention.HF_TOKEN) {
            throw new UserError("a tiktoken vocabulary has no HF token strings; use "
                    + RawKeyConvention.TIKTOKEN_BASE64 + " or " + RawKeyConvention.GPT2_BYTE_LEVEL);
        }
        byte[] file = resourceBytes(encoding);
        String[] lines = new String(file, StandardCharsets.US_ASCII).split("\n");
        int maxRank = -1;
        for (String line : lines) {
            if (!line.isEmpty()) maxRank = Math.max(maxRank, Integer.parseInt(line.substring(line.indexOf(' ') + 1).trim()));
        }
        // A rank with no token (p50k_base leaves 50256 to <|endoftext|>) decodes to "" as an unknown
        // id does in HF decode; all such holes share one key. o200k_base and cl100k_base have none.
        String[] texts = new String[maxRank + 1];
        String[] rawKeys = new String[maxRank + 1];
        java.util.Arrays.fill(texts, "");
        java.util.Arrays.fill(rawKeys, "");
        Base64.Decoder b64 = Base64.getDecoder();
        for (String line : lines) {
            if (line.isEmpty()) continue;
            int space = line.indexOf(' ');
            String token = line.substring(0, space);
            int rank = Integer.parseInt(line.substring(space + 1).trim());
            byte[] bytes = b64.decode(token);
            texts[rank] = new String(bytes, StandardCharsets.UTF_8);
            rawKeys[rank] = convention == RawKeyConvention.TIKTOKEN_BASE64 ? token : ByteLevel.encode(bytes);
        }
        return new Vocabulary(encoding, Sha256.hex(file), convention, texts, rawKeys);
    }
}
