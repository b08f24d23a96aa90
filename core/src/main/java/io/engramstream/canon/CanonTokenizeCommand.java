package io.engramstream.canon;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram canon tokenize}: shows a text's token ids and their canonical ids. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenizes text and shows each token's id, its canonical id and its decoded text.")
public final class CanonTokenizeCommand implements EngramCommand, Callable<Integer> {

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "deepseek-v3 (default), o200k_base, cl100k_base or a tokenizer.json path")
    String tokenizer = CanonicalMaps.DEEPSEEK_V3;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "the text (several arguments are joined with spaces)")
    String[] text;

    @Override public String group() { return "canon"; }

    @Override public Integer call() {
        String joined = String.join(" ", text);
        CanonicalMap map = CanonicalMaps.forId(tokenizer);
        Vocabulary vocab = CanonicalMaps.vocabulary(tokenizer, CanonicalMaps.defaultConvention(tokenizer));
        int[] ids;
        try (TextTokenizer t = TextTokenizers.forId(tokenizer)) {
            ids = t.encode(joined);
        }
        System.out.printf("%d tokens, map %s (%d -> %d, fingerprint %s)%n", ids.length, map.vocabularyId(),
                map.oldVocabSize(), map.canonicalVocabSize(), map.fingerprint());
        System.out.printf("%8s %9s  %s%n", "id", "canonical", "text -> key");
        for (int id : ids) {
            if (id < 0 || id >= map.oldVocabSize()) throw new UserError("tokenizer produced id " + id + " outside the map");
            String t = vocab.texts()[id];
            String key = TokenNormalizer.key(t);
            System.out.printf("%8d %9d  %s -> %s%n", id, map.map(id), NormalizeVectors.escape(t),
                    key == null ? "raw " + NormalizeVectors.escape(vocab.rawKeys()[id]) : NormalizeVectors.escape(key));
        }
        int[] canonical = ids.clone();
        map.mapInPlace(canonical, 0, canonical.length);
        System.out.println("ids:       " + Arrays.toString(ids));
        System.out.println("canonical: " + Arrays.toString(canonical));
        return 0;
    }
}
