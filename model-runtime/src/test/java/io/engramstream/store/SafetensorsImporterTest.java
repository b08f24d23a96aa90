package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.spec.EngramSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads files this test writes byte by byte to the published safetensors layout. */
class SafetensorsImporterTest {
    @TempDir Path dir;

    private final EngramSpec spec = EngramSpec.tiny();
    private final StoreLayout layout = StoreLayout.of(spec);

    /** Value of element e of row r of layer l: multiples of 1/8, exact in bf16. */
    private static float value(int l, long r, int e) {
        return ((l * 31 + r * 7 + e * 3) % 200 - 100) / 8f;
    }

    /** IEEE half bits of a float that is zero or a normal half with <= 11 significant bits (all our values). */
    private static short halfOf(float v) {
        if (v == 0f) return 0;
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 31) << 15;
        int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mant = (bits & 0x7FFFFF) >>> 13;
        return (short) (sign | (exp << 10) | mant);
    }

    /** One tensor to write: name, dtype, shape and its little-endian bytes. */
    private record T(String name, String dtype, long[] shape, byte[] data) {}

    private T layerTensor(String name, int l, String dtype) {
        long rows = layout.rowsPerLayer(l);
        int dim = layout.dim();
        int eb = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate((int) (rows * dim * eb)).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
            for (int e = 0; e < dim; e++) {
                float v = value(l, r, e);
                if (eb == 4) b.putFloat(v);
                else if (dtype.equals("BF16")) b.putShort((short) (Float.floatToIntBits(v) >>> 16));   // exact: v has <= 8 significant bits
                else b.putShort(halfOf(v));
            }
        }
        return new T(name, dtype, new long[] {rows, dim}, b.array());
    }

    /** Writes the file: u64 LE header length, JSON header (space padded to 8 bytes), data. */
    private Path write(String fileName, String metadataJson, T... tensors) throws Exception {
        StringBuilder json = new StringBuilder("{");
        if (metadataJson != null) json.append("\"__metadata__\":").append(metadataJson).append(',');
        long off = 0;
        for (int i = 0; i < tensors.length; i++) {
            T t = tensors[i];
            json.append('"').append(t.name).append("\":{\"dtype\":\"").append(t.dtype).append("\",\"shape\":")
                    .append(Arrays.toString(t.shape).replace(" ", "")).append(",\"data_offsets\":[").append(off).append(',')
                    .append(off + t.data.length).append("]}");
            if (i + 1 < tensors.length) json.append(',');
            off += t.data.length;
        }
        json.append('}');
        while ((json.length() + 8) % 8 != 0) json.append(' ');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (T t : tensors) out.write(t.data);
        Path p = dir.resolve(fileName);
        Files.write(p, out.toByteArray());
        return p;
    }

    private String name(int l) {
        return "layers." + spec.layerId(l) + ".engram.multi_head_embedding.embedding.weight";
    }

    private void assertTableHoldsValues(Path table, StoreLayout l) throws Exception {
        try (ColdTable t = ColdTable.open(table, l, false)) {
            float[] row = new float[l.dim()];
            for (int layer = 0; layer < l.numLayers(); layer++) {
                for (long r = 0; r < l.rowsPerLayer(layer); r++) {
                    t.readRow(t.globalRow(layer, r), row, 0);
                    for (int e = 0; e < row.length; e++) assertEquals(value(layer, r, e), row[e], 0f, "layer " + layer + " row " + r);
                }
            }
        }
    }

    @Test
    void importsMixedDtypesIntoTheSpecsFormat() throws Exception {
        T other = new T("lm_head.weight", "F32", new long[] {2, 3}, new byte[24]);
        Path file = write("model.safetensors", "{\"format\":\"pt\",\"engram.spec_fingerprint\":\"" + spec.fingerprint() + "\"}",
                other, layerTensor(name(0), 0, "BF16"), layerTensor(name(1), 1, "F32"));
        Path table = dir.resolve("t.engt");
        SafetensorsImporter.Report r = SafetensorsImporter.importTable(file, spec, layout, SafetensorsImporter.DEFAULT_NAME_TEMPLATE, table);
        assertEquals(2, r.tensors());
        assertEquals(layout.totalRows(), r.rows());
        assertEquals(java.util.List.of("BF16", "F32"), r.sourceDtypes());
        assertTableHoldsValues(table, layout);

        StoreLayout half = layout.withFormat(RowFormat.FP16);
        Path t16 = dir.resolve("t16.engt");
        SafetensorsImporter.importTable(file, spec, half, SafetensorsImporter.DEFAULT_NAME_TEMPLATE, t16);
        assertTableHoldsValues(t16, half);
    }

    @Test
    void aTemplateNamesOtherLayouts() throws Exception {
        Path file = write("m.safetensors", null, layerTensor("engram.1.weight", 1, "F16"), layerTensor("engram.0.weight", 0, "F16"));
        Path table = dir.resolve("t.engt");
        SafetensorsImporter.importTable(file, spec, layout, "engram.{layer_index}.weight", table);
        assertTableHoldsValues(table, layout);
    }

    @Test
    void mismatchedFilesAreRefusedWithoutLeavingATable() throws Exception {
        Path table = dir.resolve("t.engt");
        T l0 = layerTensor(name(0), 0, "F32"), l1 = layerTensor(name(1), 1, "F32");
        T wrongShape = new T(name(1), "F32", new long[] {layout.rowsPerLayer(1), layout.dim() * 2}, new byte[(int) layout.rowsPerLayer(1) * layout.dim() * 8]);
        T ints = new T(name(1), "I64", new long[] {layout.rowsPerLayer(1), layout.dim()}, new byte[(int) layout.rowsPerLayer(1) * layout.dim() * 8]);
        Object[][] cases = {
            {write("a", null, l0), "has no tensor " + name(1)},
            {write("b", null, l0, wrongShape), "needs [" + layout.rowsPerLayer(1) + ", " + layout.dim() + "]"},
            {write("c", null, l0, ints), "dtype I64"},
            {write("d", "{\"engram.spec_fingerprint\":\"0123456789abcdef\"}", l0, l1), "saved for spec 0123456789abcdef"},
        };
        for (Object[] c : cases) {
            Path f = (Path) c[0];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafetensorsImporter.importTable(f, spec, layout, SafetensorsImporter.DEFAULT_NAME_TEMPLATE, table));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertFalse(Files.exists(table));
        }
        // truncated: the last tensor's bytes are cut short
        Path full = write("e", null, l0, l1);
        byte[] bytes = Files.readAllBytes(full);
        Files.write(full, Arrays.copyOf(bytes, bytes.length - 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsImporter.importTable(full, spec, layout, SafetensorsImporter.DEFAULT_NAME_TEMPLATE, table));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // not safetensors at all: an absurd header length
        Path junk = dir.resolve("junk");
        Files.write(junk, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        e = assertThrows(IllegalArgumentException.class, () -> SafetensorsImporter.readHeader(junk));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
        assertFalse(Files.exists(table));
    }
}
