package io.engramstream.ops.snapshot;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.Snapshot;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotReader;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engram snapshot rollback DIR --to V}: puts an earlier placement back in force. LATEST never
 * goes back and runtimes never apply an older version, so the rows of version V are published
 * again as a new version (newest + 1, no delta: runtimes load it in full) with the same budgets.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Republishes an earlier snapshot version's placement as a new version (LATEST never moves back; runtimes follow it).",
                "The new version has no delta, so every runtime loads it in full; the job's next publication continues from it."})
public final class SnapshotRollbackCommand implements Callable<Integer>, EngramCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "Snapshot directory.")
    Path dir;

    @Option(names = "--to", required = true, paramLabel = "V", description = "Version whose placement to restore (must still be retained).")
    long version;

    @Option(names = "--spec", paramLabel = "FILE|demo", defaultValue = "demo", description = "Spec of the snapshots (default: ${DEFAULT-VALUE}).")
    String specArg;

    @Option(names = "--keep", defaultValue = "10", description = "Versions to keep (default: ${DEFAULT-VALUE}; use the job's snapshot.keep).")
    int keep;

    @Override public String group() { return "snapshot"; }

    @Override public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) throw new UserError(dir + " is not a directory");
        SnapshotDirectory d = new SnapshotDirectory(dir, keep);
        Optional<SnapshotManifest> latest = d.latest();
        if (latest.isEmpty()) throw new UserError(dir + " has no LATEST: nothing to roll back");
        Path file = dir.resolve(SnapshotDirectory.snapshotFileName(version));
        if (!Files.isRegularFile(file)) throw new UserError("version " + version + " is not retained in " + dir + " (see snapshot-*.json)");
        Snapshot old = SnapshotReader.read(file);
        EngramSpec spec = EngramSpec.resolve(specArg);
        spec.requireFingerprint(old.metadata().specFingerprint(), "snapshot " + version);
        long next = d.nextVersion();
        SnapshotMetadata md = SnapshotMetadata.full(next, latest.get().version(), old.metadata().specFingerprint(),
                old.metadata().canonicalMapFingerprint(), System.currentTimeMillis(),
                new SourcePosition(old.metadata().source().offsets(), old.metadata().source().watermark(), old.metadata().source().tokens(),
                        "rollback of version " + version + " (was: " + old.metadata().source().description() + ")"),
                old.metadata().budgets(), old.metadata().layerIds());
        Optional<SnapshotManifest> oldManifest = d.manifests().stream().filter(m -> m.version() == version).findFirst();
        CoverageCurve coverage = oldManifest.map(SnapshotManifest::coverage).orElse(CoverageCurve.EMPTY);
        SnapshotManifest m = d.publish(md, old.rows(), null, RowLayout.of(spec), WriteOptions.DEFAULT, coverage);
        System.out.printf("published version %d = the placement of version %d (%,d hot, %,d warm rows); LATEST was %d%n",
                m.version(), version, m.hotRows(), m.warmRows(), latest.get().version());
        return 0;
    }
}
