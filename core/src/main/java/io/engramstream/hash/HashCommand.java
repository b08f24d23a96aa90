package io.engramstream.hash;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code engram hash --spec FILE|demo --tokens "ids..."}: prints the bucket ids of a token
 * sequence, one table per layer. Top level so that it can carry its own options; the CLI merges
 * it with the {@code hash} group ({@code check} is its subcommand).
 */
@Command(name = "hash", mixinStandardHelpOptions = true, subcommands = HashCheckCommand.class,
        description = {"Engram N-gram hashing: prints the bucket id of every (layer, order, head) for a token sequence.",
                "Token ids are canonical (compressed) ids; the sequence starts a document (history = pad id)."})
public final class HashCommand implements Callable<Integer>, EngramCommand {

    @Spec CommandSpec commandSpec;

    @Option(names = "--spec", paramLabel = "FILE|PRESET", defaultValue = "demo",
            description = "Spec file (.json/.yaml) or preset (demo, tiny). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Option(names = "--tokens", paramLabel = "IDS", description = "Canonical token ids separated by spaces or commas.")
    String tokens;

    @Option(names = "--row-keys", description = "Print table rows (headOffset + bucket) instead of bucket ids.")
    boolean rowKeys;

    @Override public String group() { return ""; }

    @Override public Integer call() {
        if (tokens == null) {
            commandSpec.commandLine().usage(System.out);
            return 0;
        }
        EngramSpec s = EngramSpec.resolve(spec);
        long[] ids = parseTokens(tokens);
        PrintStream out = System.out;
        out.println("spec " + s.fingerprint() + "  " + s.describe());
        int outside = 0;
        for (long id : ids) if (id < 0 || id >= s.compressedVocabSize()) outside++;
        if (outside > 0) {
            System.err.println("note: " + outside + " id(s) outside [0, " + s.compressedVocabSize()
                    + ") hashed as the reference does (passed through, int64 wrap-around)");
        }
        NgramHasher h = new NgramHasher(s);
        long[] buckets = h.hash(ids);
        int J = s.headsPerLayer();
        int T = ids.length;
        int width = 0;
        for (int li = 0; li < s.numLayers(); li++) {
            long max = rowKeys ? s.rowsPerLayer(li) : 0;
            for (long p : s.primes(li)) max = Math.max(max, p);
            width = Math.max(width, Long.toString(max).length());
        }
        int tokWidth = 5;
        for (long id : ids) tokWidth = Math.max(tokWidth, Long.toString(id).length());
        for (int li = 0; li < s.numLayers(); li++) {
            long[] off = s.headOffsets(li);
            out.println();
            out.println("layer " + s.layerId(li) + " (index " + li + ")" + (rowKeys ? ": table rows (headOffset + bucket)" : ": bucket ids"));
            StringBuilder head = new StringBuilder(String.format("%5s %" + tokWidth + "s", "pos", "token"));
            for (int j = 0; j < J; j++) {
                head.append(j % s.headsPerNgram() == 0 ? " |" : "").append(String.format(" %" + width + "s",
                        "n" + (j / s.headsPerNgram() + 2) + "h" + (j % s.headsPerNgram())));
            }
            out.println(head);
            StringBuilder primes = new StringBuilder(String.format("%5s %" + tokWidth + "s", "", "prime"));
            for (int j = 0; j < J; j++) {
                primes.append(j % s.headsPerNgram() == 0 ? " |" : "").append(String.format(" %" + width + "d", off[j + 1] - off[j]));
            }
            out.println(primes);
            for (int t = 0; t < T; t++) {
                StringBuilder row = new StringBuilder(String.format("%5d %" + tokWidth + "d", t, ids[t]));
                for (int j = 0; j < J; j++) {
                    long b = buckets[(li * T + t) * J + j];
                    row.append(j % s.headsPerNgram() == 0 ? " |" : "").append(String.format(" %" + width + "d", rowKeys ? off[j] + b : b));
                }
                out.println(row);
            }
        }
        return 0;
    }

    static long[] parseTokens(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) throw new UserError("--tokens: no token ids given");
        String[] parts = trimmed.split("[\\s,]+");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new UserError("--tokens: '" + parts[i] + "' is not an integer token id");
            }
        }
        return ids;
    }
}
