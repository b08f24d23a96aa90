package io.engramstream.snapshot;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram snapshot report DIR}: HTML page with PNG plots of coverage, occupancy and churn. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Renders an HTML report of a snapshot directory: coverage vs hot-tier bytes (how big the GPU tier",
                "must be), tier occupancy and churn across versions."})
public final class SnapshotReportCommand implements Callable<Integer>, EngramCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "A snapshot directory (with LATEST and snapshot-*.json).")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write index.html and the PNGs (default: DIR/report).")
    Path out;

    @Override public String group() { return "snapshot"; }

    @Override public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) throw new UserError("no such directory: " + dir);
        try {
            Path index = SnapshotReport.write(dir, out != null ? out : dir.resolve("report"));
            System.out.println("wrote " + index);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
