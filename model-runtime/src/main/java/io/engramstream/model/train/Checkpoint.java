package io.engramstream.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.engramstream.model.EngramLm;
import io.engramstream.model.ModelConfig;
import io.engramstream.model.memory.EmbeddingRows;
import io.engramstream.model.memory.LongIndexMap;
import io.engramstream.model.memory.SparseRowOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Training checkpoints in a directory: each one a {@code step-NNNNNNNN/} folder with the model
 * shape ({@code model.json}), the run's settings and position ({@code train.json}), the LM
 * vocabulary, the Engram spec, the dense parameters (DJL's parameter format), Adam's moments,
 * the row optimizer's state and the value of every table row training has changed (rows it
 * never touched equal their seeded initializer, so the checkpoint is independent of where the
 * table lives and of its size). {@code LATEST} names the newest complete one and is replaced
 * atomically after the folder is fully written; the two newest are kept.
 */
public final class Checkpoint {
    public static final String LATEST = "LATEST";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What {@code train.json} holds. */
    public record TrainState(long step, String corpus, String language, long corpusChars, int validEvery,
                             String tokenizer, String spec, String specFingerprint, String table,
                             TrainSettings settings) {}

    private Checkpoint() {}

    /** The newest complete checkpoint under {@code dir}, or null. */
    public static Path latest(Path dir) throws IOException {
        Path p = dir.resolve(LATEST);
        if (!Files.isRegularFile(p)) return null;
        Path step = dir.resolve(Files.readString(p, StandardCharsets.UTF_8).strip());
        if (!Files.isDirectory(step)) throw new IOException("checkpoint " + p + " names missing folder " + step);
        return step;
    }

    public static TrainState readState(Path stepDir) throws IOException {
        return JSON.readValue(stepDir.resolve("train.json").toFile(), TrainState.class);
    }

    public static ModelConfig readModelConfig(Path stepDir) throws IOException { return ModelConfig.load(stepDir.resolve("model.json")); }

    public static LmVocabulary readVocabulary(Path stepDir) throws IOException { return LmVocabulary.load(stepDir.resolve("vocab.txt")); }

    /** The spec JSON saved with the checkpoint, or null for a model without Engram. */
    public static Path specFile(Path stepDir) {
        Path p = stepDir.resolve("spec.json");
        return Files.isRegularFile(p) ? p : null;
    }

    public static Path save(Path dir, Trainer trainer, TrainData data, TrainState state, String specJson) throws IOException {
        Files.createDirectories(dir);
        String name = String.format("step-%08d", trainer.step());
        Path tmp = dir.resolve(name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        EngramLm lm = trainer.lm();
        lm.config().save(tmp.resolve("model.json"));
        JSON.writeValue(tmp.resolve("train.json").toFile(), state);
        data.vocabulary().save(tmp.resolve("vocab.txt"));
        if (specJson != null) Files.writeString(tmp.resolve("spec.json"), specJson, StandardCharsets.UTF_8);
        try (DataOutputStream out = output(tmp.resolve("dense.params"))) { lm.model().saveParameters(out); }
        try (DataOutputStream out = output(tmp.resolve("dense-adam.bin"))) { trainer.denseOptimizer().save(out); }
        SparseRowOptimizer rowOpt = trainer.rowOptimizer();
        if (rowOpt != null) {
            lm.memory().rows().flush();
            try (DataOutputStream out = output(tmp.resolve("row-optimizer.bin"))) { rowOpt.save(out); }
            try (DataOutputStream out = output(tmp.resolve("rows.bin"))) { saveTouchedRows(out, rowOpt.touched(), lm.memory().rows()); }
        }
        StringBuilder csv = new StringBuilder(CurvePoint.CSV_HEADER).append('\n');
        for (CurvePoint p : trainer.curve()) csv.append(p.csv()).append('\n');
        Files.writeString(tmp.resolve("curve.csv"), csv, StandardCharsets.UTF_8);

        Path done = dir.resolve(name);
        deleteTree(done);
        Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
        Path latestTmp = dir.resolve(LATEST + ".tmp");
        Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
        Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(dir, 2);
        return done;
    }

    /** Loads parameters, optimizer state, changed rows and the curve of {@code stepDir} into a freshly built trainer. */
    public static void restore(Path stepDir, Trainer trainer) throws IOException {
        TrainState state = readState(stepDir);
        EngramLm lm = trainer.lm();
        restoreParameters(stepDir, lm);
        try (DataInputStream in = input(stepDir.resolve("dense-adam.bin"))) { trainer.denseOptimizer().load(in); }
        if (trainer.rowOptimizer() != null) {
            try (DataInputStream in = input(stepDir.resolve("row-optimizer.bin"))) { trainer.rowOptimizer().load(in); }
            restoreRows(stepDir, lm.memory().rows());
        }
        List<CurvePoint> curve = new ArrayList<>();
        List<String> lines = Files.readAllLines(stepDir.resolve("curve.csv"), StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) if (!lines.get(i).isBlank()) curve.add(CurvePoint.parse(lines.get(i)));
        trainer.resumeAt(state.step(), curve);
    }

    /** Loads the dense parameters of {@code stepDir} into {@code lm} (same model shape). */
    public static void restoreParameters(Path stepDir, EngramLm lm) throws IOException {
        try (DataInputStream in = input(stepDir.resolve("dense.params"))) {
            lm.model().loadParameters(lm.manager(), in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException("dense parameters in " + stepDir + " do not fit this model: " + e.getMessage(), e);
        }
        // loadParameters replaces the arrays and leaves them without gradients.
        for (var p : lm.model().getParameters()) {
            if (p.getValue().requiresGradient()) p.getValue().getArray().setRequiresGradient(true);
        }
    }

    /** Writes the trained rows of {@code stepDir} into {@code rows} (a table at its seeded init); returns how many. */
    public static int restoreRows(Path stepDir, EmbeddingRows rows) throws IOException {
        Path file = stepDir.resolve("rows.bin");
        if (!Files.isRegularFile(file)) return 0;
        try (DataInputStream in = input(file)) { return loadRows(in, rows); }
    }

    private static void saveTouchedRows(DataOutputStream out, LongIndexMap touched, EmbeddingRows rows) throws IOException {
        int n = touched.size(), dim = rows.dim();
        out.writeInt(n);
        out.writeInt(dim);
        long[] keys = touched.keysBySlot();
        float[] buf = new float[4096 * dim];
        for (int off = 0; off < n; off += 4096) {
            int c = Math.min(4096, n - off);
            rows.read(keys, off, c, buf, 0);
            for (int i = 0; i < c; i++) {
                out.writeLong(keys[off + i]);
                for (int d = 0; d < dim; d++) out.writeFloat(buf[i * dim + d]);
            }
        }
    }

    private static int loadRows(DataInputStream in, EmbeddingRows rows) throws IOException {
        int n = in.readInt(), dim = in.readInt();
        if (dim != rows.dim()) throw new IOException("checkpoint rows have " + dim + " floats, table has " + rows.dim());
        int batch = 4096;
        long[] keys = new long[batch];
        float[] values = new float[batch * dim];
        int pending = 0;
        for (int i = 0; i < n; i++) {
            keys[pending] = in.readLong();
            for (int d = 0; d < dim; d++) values[pending * dim + d] = in.readFloat();
            if (++pending == batch) {
                rows.write(keys, 0, pending, values, 0);
                pending = 0;
            }
        }
        if (pending > 0) rows.write(keys, 0, pending, values, 0);
        rows.flush();
        return n;
    }

    private static DataOutputStream output(Path p) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p), 1 << 16));
    }

    private static DataInputStream input(Path p) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(p), 1 << 16));
    }

    private static void prune(Path dir, int keep) throws IOException {
        List<Path> steps;
        try (Stream<Path> s = Files.list(dir)) {
            steps = s.filter(p -> p.getFileName().toString().matches("step-\\d+")).sorted(Comparator.reverseOrder()).toList();
        }
        for (int i = keep; i < steps.size(); i++) deleteTree(steps.get(i));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
