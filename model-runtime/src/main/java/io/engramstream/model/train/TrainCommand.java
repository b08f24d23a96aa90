package io.engramstream.model.train;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramConfig;
import io.engramstream.config.OptionSupport;
import io.engramstream.model.EngineThreads;
import io.engramstream.model.memory.TableKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code engram train}: trains the small Engram language model on a corpus, with checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a small causal language model with Engram memory (or without, as a baseline) on a",
                "text corpus, logging loss and perplexity (train and held-out). With --checkpoint DIR it saves",
                "dense parameters, optimizer state and the trained table rows every --checkpoint-every steps,",
                "and resumes from DIR when it already holds a checkpoint."})
public final class TrainCommand implements EngramCommand, Callable<Integer> {
    private CommandSpec spec;

    @Option(names = "--corpus", defaultValue = TextCorpus.EUROPARL, paramLabel = "PATH",
            description = "Text file (one document per line, .gz allowed; 'title<TAB>date<TAB>body' lines keep the body) "
                    + "or 'europarl' for the built-in Europarl sample (default: ${DEFAULT-VALUE}).")
    String corpus;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Train until this step (a resumed run continues to it).")
    long steps;

    @Option(names = "--no-engram", description = "Train the same model without Engram blocks (the baseline).")
    boolean noEngram;

    @Option(names = "--table", defaultValue = "flat", paramLabel = "flat|tiered",
            description = "Where the table rows live: flat (heap arrays) or tiered (the tiered store) (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--table-dir", paramLabel = "DIR", description = "Directory of the tiered table's files (default: <checkpoint>/table or a temp dir).")
    Path tableDir;

    @Option(names = "--snapshots", paramLabel = "DIR",
            description = "Tiered table: take the placement from this snapshot directory (and follow it) instead of training-row frequency.")
    Path snapshots;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Checkpoint directory: saved to, and resumed from if it holds one.")
    Path checkpoint;

    @Option(names = "--curve", paramLabel = "FILE", description = "Write the loss curve as CSV (step, train/valid loss and perplexity).")
    Path curve;

    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        OptionSupport.register(spec, TrainOptions.ALL);
    }

    @Override
    public Integer call() throws Exception {
        EngramConfig c = OptionSupport.read(spec, TrainOptions.ALL);
        if (steps < 1) throw new UserError("--steps must be at least 1");
        int threads = EngineThreads.use(c.get(TrainOptions.THREADS));
        TableKind kind = switch (table.toLowerCase(Locale.ROOT)) {
            case "flat" -> TableKind.FLAT;
            case "tiered" -> TableKind.TIERED;
            default -> throw new UserError("--table must be flat or tiered, got '" + table + "'");
        };
        Path dir = tableDir != null ? tableDir : checkpoint != null ? checkpoint.resolve("table") : null;
        if (kind == TableKind.FLAT && snapshots != null) throw new UserError("--snapshots places a tiered table; add --table tiered");
        TableSetup setup = new TableSetup(kind, dir, c.get(TrainOptions.HOT_ROWS), c.get(TrainOptions.WARM_ROWS), snapshots);
        TrainSession.Request r = new TrainSession.Request(corpus, c.get(TrainOptions.LANGUAGE), c.get(TrainOptions.CORPUS_CHARS),
                c.get(TrainOptions.VALID_EVERY), c.get(TrainOptions.TOKENIZER), c.get(TrainOptions.SPEC), c.get(TrainOptions.VOCAB),
                c.get(TrainOptions.HIDDEN), c.get(TrainOptions.LAYERS), c.get(TrainOptions.HEADS), !noEngram, setup,
                TrainOptions.settings(c), steps, checkpoint, c.get(TrainOptions.CHECKPOINT_EVERY));
        System.out.println("PyTorch intra-op threads: " + threads);
        TrainSession.Result res = TrainSession.run(r, line -> {
            System.out.println(line);
            System.out.flush();
        });
        if (curve != null) {
            StringBuilder sb = new StringBuilder(CurvePoint.CSV_HEADER).append('\n');
            for (CurvePoint p : res.curve()) sb.append(p.csv()).append('\n');
            if (curve.getParent() != null) Files.createDirectories(curve.getParent());
            Files.writeString(curve, sb, StandardCharsets.UTF_8);
        }
        System.out.printf(Locale.ROOT, "done: step %d, held-out loss %.4f (perplexity %.1f), %.3f s/step, %,d row updates%n",
                res.step(), res.validLoss(), Math.exp(res.validLoss()), res.secondsPerStep(), res.rowsUpdated());
        return 0;
    }
}
