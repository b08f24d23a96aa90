package io.engramstream.snapshot;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engram snapshot verify FILE}: checks a snapshot against its manifest (SHA-256, size,
 * version, fingerprints), its own metadata (row counts, order, tiers, budgets) and optionally a
 * spec (fingerprint, every row inside the tables, derived columns consistent).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verifies a snapshot file: checksum and size against its manifest (the snapshot-V.json or LATEST",
                "next to it, or --manifest), fingerprints, row order, tiers and budgets; with --spec also that every row",
                "lies inside the spec's tables. Prints one line per check; exits 1 when a check fails."})
public final class SnapshotVerifyCommand implements Callable<Integer>, EngramCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "A snapshot .arrow file (or delta).")
    Path file;

    @Option(names = "--manifest", paramLabel = "FILE", description = "Manifest JSON to check against (default: found next to FILE).")
    Path manifestFile;

    @Option(names = "--spec", paramLabel = "demo|FILE", description = "Also check against this spec (preset name or file).")
    String spec;

    private final List<String> failures = new ArrayList<>();

    @Override public String group() { return "snapshot"; }

    @Override public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError("no such file: " + file);
        Map<String, String> raw;
        SnapshotMetadata meta;
        try {
            raw = SnapshotReader.readSchemaMetadata(file);
            meta = SnapshotMetadata.fromSchemaMetadata(raw);
        } catch (IllegalArgumentException e) {
            System.out.println("FAIL  not a readable engram snapshot: " + e.getMessage());
            return 1;
        }
        String name = file.getFileName().toString();
        Optional<SnapshotManifest> manifest = findManifest(meta, name);
        String sha = Sha256.of(file);
        long size = Files.size(file);
        if (manifest.isEmpty()) {
            System.out.println("note  no manifest found next to the file; checksum " + sha);
        } else {
            SnapshotManifest m = manifest.get();
            boolean isDelta = meta.kind() == SnapshotKind.DELTA;
            String expectSha = isDelta ? (m.delta() == null ? null : m.delta().sha256()) : m.sha256();
            long expectBytes = isDelta ? (m.delta() == null ? -1 : m.delta().bytes()) : m.bytes();
            check(sha.equals(expectSha), "sha256 " + sha + " matches the manifest", "sha256 " + sha + " but the manifest says " + expectSha);
            check(size == expectBytes, "size " + size + " bytes matches the manifest", "size " + size + " but the manifest says " + expectBytes);
            check(m.version() == meta.version(), "version " + meta.version(), "file version " + meta.version() + " but manifest version " + m.version());
            check(m.specFingerprint().equals(meta.specFingerprint()), "spec fingerprint " + meta.specFingerprint() + " matches the manifest",
                    "spec fingerprint " + meta.specFingerprint() + " but the manifest says " + m.specFingerprint());
            check(m.canonicalMapFingerprint().equals(meta.canonicalMapFingerprint()),
                    "canonical-map fingerprint " + meta.canonicalMapFingerprint() + " matches the manifest",
                    "canonical-map fingerprint " + meta.canonicalMapFingerprint() + " but the manifest says " + m.canonicalMapFingerprint());
            if (!isDelta) check(m.hotRows() == Long.parseLong(raw.get(SnapshotMetadata.KEY_ROWS_HOT))
                            && m.warmRows() == Long.parseLong(raw.get(SnapshotMetadata.KEY_ROWS_WARM)),
                    "rows per tier match the manifest", "rows per tier differ from the manifest");
        }
        EngramSpec s = null;
        if (spec != null) {
            s = EngramSpec.resolve(spec);
            check(s.fingerprint().equals(meta.specFingerprint()), "spec fingerprint matches " + spec,
                    "spec fingerprint " + meta.specFingerprint() + " but " + spec + " has " + s.fingerprint());
        }
        checkRows(meta, raw, s == null ? null : RowLayout.of(s));
        if (failures.isEmpty()) {
            System.out.println("ok: " + name + " verified");
            return 0;
        }
        System.out.println(failures.size() + " check(s) failed");
        return 1;
    }

    private Optional<SnapshotManifest> findManifest(SnapshotMetadata meta, String name) throws IOException {
        if (manifestFile != null) {
            try {
                return Optional.of(SnapshotManifest.fromJson(Files.readString(manifestFile, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new UserError(manifestFile + " is not a snapshot manifest: " + e.getMessage());
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Path perVersion = dir.resolve(SnapshotDirectory.manifestFileName(meta.version()));
        if (Files.isRegularFile(perVersion)) return Optional.of(SnapshotManifest.fromJson(Files.readString(perVersion, StandardCharsets.UTF_8)));
        Optional<SnapshotManifest> latest = SnapshotDirectory.readLatest(dir);
        return latest.filter(m -> m.file().equals(name) || (m.delta() != null && m.delta().file().equals(name)));
    }

    private void checkRows(SnapshotMetadata meta, Map<String, String> raw, RowLayout layout) throws IOException {
        boolean delta = meta.kind() == SnapshotKind.DELTA;
        long n = 0, hot = 0, warm = 0, outside = 0, derivedBad = 0, badTier = 0;
        long prevKey = -1;
        boolean sorted = true;
        try (RootAllocator alloc = new RootAllocator();
             var ch = java.nio.channels.FileChannel.open(file);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            while (r.loadNextBatch()) {
                SmallIntVector layerV = (SmallIntVector) root.getVector(SnapshotSchema.LAYER);
                TinyIntVector orderV = (TinyIntVector) root.getVector(SnapshotSchema.ORDER);
                SmallIntVector headV = (SmallIntVector) root.getVector(SnapshotSchema.HEAD);
                BigIntVector bucketV = (BigIntVector) root.getVector(SnapshotSchema.BUCKET);
                BigIntVector rowV = (BigIntVector) root.getVector(SnapshotSchema.ROW);
                TinyIntVector tierV = (TinyIntVector) root.getVector(SnapshotSchema.TIER);
                for (int i = 0; i < root.getRowCount(); i++, n++) {
                    int layer = layerV.get(i);
                    long row = rowV.get(i);
                    long key = ((long) layer << io.engramstream.spec.RowKey.ROW_BITS) | row;
                    if (key <= prevKey) sorted = false;
                    prevKey = key;
                    byte t = tierV.get(i);
                    if (t == Tier.HOT_CODE) hot++;
                    else if (t == Tier.WARM_CODE) warm++;
                    else if (!delta || t != Tier.COLD_CODE) badTier++;
                    if (layout != null) {
                        if (layer >= layout.numLayers() || row < 0 || row >= layout.rowsPerLayer(layer)) { outside++; continue; }
                        if (layout.order(layer, row) != orderV.get(i) || layout.head(layer, row) != headV.get(i)
                                || layout.bucket(layer, row) != bucketV.get(i)) derivedBad++;
                    }
                }
            }
        }
        long declared = Long.parseLong(raw.getOrDefault(SnapshotMetadata.KEY_ROWS, "-1"));
        check(declared == n, String.format("%,d rows as declared", n), "file holds " + n + " rows but declares " + declared);
        check(sorted, "rows sorted by (layer, row), no duplicates", "rows are not sorted by (layer, row) or repeat");
        check(badTier == 0, "tiers valid", badTier + " rows with an invalid tier");
        if (!delta && meta.budgets() != null) {
            var b = meta.budgets();
            check(hot * b.getBytesPerRow() <= b.getHotBytes() && warm * b.getBytesPerRow() <= b.getWarmBytes(),
                    String.format("within budgets (hot %,d rows, warm %,d rows)", hot, warm), "tiers exceed their budgets");
        }
        if (layout != null) {
            check(outside == 0, "every row inside the spec's tables", outside + " rows outside the spec's tables");
            check(derivedBad == 0, "order/head/bucket consistent with row", derivedBad + " rows with inconsistent order/head/bucket");
        }
    }

    private void check(boolean ok, String okText, String failText) {
        System.out.println((ok ? "ok    " : "FAIL  ") + (ok ? okText : failText));
        if (!ok) failures.add(failText);
    }
}
