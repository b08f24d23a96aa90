package io.engramstream.snapshot;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram snapshot inspect FILE [--csv]}: metadata and rows of a snapshot or delta file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Prints a snapshot (or delta) file's metadata and its first rows, or dumps all rows as CSV."})
public final class SnapshotInspectCommand implements Callable<Integer>, EngramCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "A snapshot or delta .arrow file.")
    Path file;

    @Option(names = "--csv", description = "Write every row as CSV (header line first) instead of the summary.")
    boolean csv;

    @Option(names = "--out", paramLabel = "FILE", description = "With --csv: write to FILE instead of standard output.")
    Path out;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Rows to print in the summary (default: ${DEFAULT-VALUE}; 0: none).")
    int limit;

    @Override public String group() { return "snapshot"; }

    @Override public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError("no such file: " + file);
        Map<String, String> meta;
        try {
            meta = SnapshotReader.readSchemaMetadata(file);
            SnapshotMetadata.fromSchemaMetadata(meta);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + " is not an engram snapshot: " + e.getMessage());
        }
        if (csv) {
            if (out != null) {
                try (PrintStream ps = new PrintStream(Files.newOutputStream(out), false, java.nio.charset.StandardCharsets.UTF_8)) {
                    long n = dump(ps, Long.MAX_VALUE, true);
                    System.err.printf("wrote %,d rows to %s%n", n, out);
                }
            } else {
                dump(System.out, Long.MAX_VALUE, true);
                System.out.flush();
            }
            return 0;
        }
        SnapshotMetadata m = SnapshotMetadata.fromSchemaMetadata(meta);
        PrintWriter w = new PrintWriter(System.out, true);
        w.printf("file            %s (%,d bytes)%n", file, Files.size(file));
        w.printf("kind            %s, version %d, %s %d%n", m.kind().label(), m.version(),
                m.kind() == SnapshotKind.DELTA ? "applies to version" : "previous version", m.baseVersion());
        w.printf("spec            %s%n", m.specFingerprint());
        w.printf("canonical map   %s%n", m.canonicalMapFingerprint());
        w.printf("created         %s%n", Instant.ofEpochMilli(m.createdAtMillis()));
        w.printf("source          %s%n", m.source().toJson());
        w.printf("budgets         %s%n", m.budgets());
        w.printf("layer ids       %s%n", m.layerIds());
        w.printf("rows            %s (hot %s, warm %s)%n", meta.get(SnapshotMetadata.KEY_ROWS), meta.get(SnapshotMetadata.KEY_ROWS_HOT),
                meta.get(SnapshotMetadata.KEY_ROWS_WARM));
        if (limit > 0) {
            w.println();
            w.flush();
            dump(System.out, limit, false);
        }
        return 0;
    }

    /** Writes rows from the Arrow columns directly (all columns, including the derived ones). */
    private long dump(PrintStream ps, long max, boolean asCsv) throws IOException {
        long n = 0;
        try (RootAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            List<FieldVector> cols = root.getFieldVectors();
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) sb.append(asCsv ? "," : " ");
                sb.append(asCsv ? cols.get(c).getName() : String.format("%12s", cols.get(c).getName()));
            }
            ps.println(sb);
            while (n < max && r.loadNextBatch()) {
                int rows = root.getRowCount();
                for (int i = 0; i < rows && n < max; i++, n++) {
                    sb.setLength(0);
                    for (int c = 0; c < cols.size(); c++) {
                        if (c > 0) sb.append(asCsv ? "," : " ");
                        String v = cell(cols.get(c), i);
                        sb.append(asCsv ? v : String.format("%12s", v));
                    }
                    ps.println(sb);
                }
            }
        }
        return n;
    }

    private static String cell(FieldVector v, int i) {
        String name = v.getName();
        Object o = v.getObject(i);
        if ((name.equals(SnapshotSchema.TIER) || name.equals(SnapshotSchema.PREV_TIER)) && o instanceof Number num)
            return Tier.ofCode(num.intValue()).label();
        return String.valueOf(o);
    }
}
