package io.engramstream.canon;

import io.engramstream.cli.EngramCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram canon check --vectors FILE}: runs the normalizer over a golden vectors file. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks the token normalizer against every case of a vectors file in the format of "
                + "normalize_vectors.json (result, key and each recorded stage).",
                "Prints 'N/N cases match'; exits 1 on any mismatch, naming the first."})
public final class CanonCheckCommand implements EngramCommand, Callable<Integer> {

    @Option(names = "--vectors", required = true, paramLabel = "FILE", description = "normalizer vectors (JSON)")
    Path vectors;

    @Override public String group() { return "canon"; }

    @Override public Integer call() {
        NormalizeVectors.Report r = NormalizeVectors.load(vectors).check();
        System.out.println(r.matched() + "/" + r.total() + " cases match");
        if (r.sensitive() > 0) {
            System.out.println("(" + r.sensitive() + " flagged unicode_version_sensitive, held to 'expected' like the rest: "
                    + "the normalizer carries the HF Unicode 9.0/17.0 tables, normalizer " + TokenNormalizer.VERSION + ")");
        }
        if (!r.allMatch()) {
            System.out.println("first mismatch: " + r.mismatches().get(0).describe());
            return 1;
        }
        return 0;
    }
}
