package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.cli.EngramCli;
import io.engramstream.spec.EngramSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandsTest {
    @TempDir Path dir;

    @Test
    void initInspectAndRefusals() throws Exception {
        Path table = dir.resolve("tiny.engt");
        assertEquals(0, EngramCli.execute("store", "init", "--spec", "tiny", "--dtype", "bf16", "--seed", "3", "--out", table.toString()));
        ColdTable.Header h = ColdTable.readHeader(table);
        assertEquals(RowFormat.BF16, h.format);
        assertEquals(3, h.seed);
        EngramSpec bf16 = EngramSpec.tiny().toBuilder().dtype(io.engramstream.spec.EmbeddingDType.BF16).build();
        assertEquals(bf16.fingerprint(), h.specFingerprint);
        assertEquals(2, EngramCli.execute("store", "init", "--spec", "tiny", "--out", table.toString()), "exists, no --force");
        assertEquals(0, EngramCli.execute("store", "inspect", table.toString(), "--spec", "tiny"));
        assertEquals(2, EngramCli.execute("store", "inspect", table.toString(), "--spec", "demo"), "another spec");
        Path junk = dir.resolve("junk.engt");
        Files.write(junk, new byte[100]);
        assertEquals(2, EngramCli.execute("store", "inspect", junk.toString()));
        assertEquals(2, EngramCli.execute("store", "import", "--spec", "tiny", "--safetensors", junk.toString(), "--out", dir.resolve("x.engt").toString()));
        assertFalse(Files.exists(dir.resolve("x.engt")));
    }
}
