package io.engramstream.hash;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram hash check --vectors FILE}: recomputes every case of a golden hash-vector file. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks every case of a golden hash-vector file (format of hash_vectors.json): RNG stages,",
                "multipliers, primes and every bucket id. Prints 'N/N cases match'; exits 1 on any mismatch."})
public final class HashCheckCommand implements Callable<Integer> {

    @Option(names = "--vectors", required = true, paramLabel = "FILE", description = "Golden vectors JSON file.")
    Path vectors;

    @Option(names = {"-v", "--verbose"}, description = "Print one line per case.")
    boolean verbose;

    @Override public Integer call() {
        HashVectors v = HashVectors.load(vectors);
        int ok = 0;
        long values = 0;
        HashVectors.CaseResult firstBad = null;
        List<HashVectors.CaseResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            HashVectors.CaseResult r = v.check(i);
            results.add(r);
            values += r.valuesCompared();
            if (r.ok()) ok++;
            else if (firstBad == null) firstBad = r;
            if (verbose) System.out.printf("  %-4s %-45s %8d values%s%n", r.ok() ? "ok" : "FAIL", r.name(), r.valuesCompared(),
                    r.ok() ? "" : "  " + r.mismatch());
        }
        System.out.printf("%d/%d cases match (%,d values compared)%n", ok, v.size(), values);
        if (firstBad != null) {
            System.out.println("first mismatch: " + firstBad.name() + ": " + firstBad.mismatch());
            return 1;
        }
        return 0;
    }

}
