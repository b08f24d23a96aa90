package io.engramstream.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports Engram tables from a safetensors file (the format PyTorch checkpoints are saved in) into
 * a cold table.
 *
 * <p>The format: an 8-byte little-endian header length {@code N}, {@code N} bytes of JSON
 * {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the
 * raw little-endian tensor data, offsets relative to its start.
 *
 * <p>Tensor naming: one tensor per Engram layer, shape {@code [rowsPerLayer, dimPerHead]}: the
 * reference's {@code MultiHeadEmbedding} is a single {@code nn.Embedding} over the concatenated
 * heads, so its weight is exactly one layer's table with rows in flat-head order. The default name
 * {@value #DEFAULT_NAME_TEMPLATE} is that weight's state-dict path when the Engram modules hang
 * under {@code layers.<layer_id>.engram} as in the reference's {@code TransformerBlock}; any other
 * layout is one {@code --tensor-name} template away ({@code {layer_id}} is the transformer layer
 * id, {@code {layer_index}} its index among the spec's Engram layers). Accepted dtypes F32, BF16
 * and F16, converted to the table's format (round to nearest even). If {@code __metadata__} holds
 * {@value #METADATA_SPEC_FINGERPRINT}, it must equal the spec's fingerprint.
 */
public final class SafetensorsImporter {
    public static final String DEFAULT_NAME_TEMPLATE = "layers.{layer_id}.engram.multi_head_embedding.embedding.weight";
    public static final String METADATA_SPEC_FINGERPRINT = "engram.spec_fingerprint";
    /** A JSON header beyond this is not a checkpoint we wrote or can trust (the format's own readers cap it too). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final long WINDOW_BYTES = 256L << 20;

    private SafetensorsImporter() {}

    /** One tensor's entry in the header. */
    public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }
    }

    /** A parsed header: tensors in file order, the metadata map, and where the data starts. */
    public record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart, long fileSize) {}

    /** What an import did. */
    public record Report(int tensors, long rows, long bytesRead, List<String> sourceDtypes, double seconds) {}

    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IllegalArgumentException(file + " is not a safetensors file: " + size + " bytes");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n <= 0 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw new IllegalArgumentException(file + " is not a safetensors file (header length " + n + ", file " + size + " bytes)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(new String(json.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": safetensors header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": safetensors header is not a JSON object");
            long dataStart = 8 + n;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (e.getKey().equals("__metadata__")) {
                    v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode shape = v.get("shape"), offsets = v.get("data_offsets"), dtype = v.get("dtype");
                if (shape == null || !shape.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2 || dtype == null) {
                    throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " lacks dtype, shape or data_offsets");
                }
                long[] s = new long[shape.size()];
                for (int i = 0; i < s.length; i++) s[i] = shape.get(i).asLong();
                long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
                if (begin < 0 || end < begin || dataStart + end > size) {
                    throw new IllegalArgumentException(file + " is truncated or corrupt: tensor " + e.getKey() + " claims bytes [" + begin + ", " + end
                            + ") of a data section of " + (size - dataStart));
                }
                tensors.put(e.getKey(), new TensorInfo(e.getKey(), dtype.asText(), s, begin, end));
            }
            return new Header(tensors, metadata, dataStart, size);
        }
    }

    /** The tensor name of a layer under {@code template}. */
    public static String tensorName(String template, EngramSpec spec, int layerIndex) {
        return template.replace("{layer_id}", Integer.toString(spec.layerId(layerIndex)))
                .replace("{layer_index}", Integer.toString(layerIndex));
    }

    /**
     * Creates {@code out} (a cold table of {@code layout}, which must match {@code spec}'s shape)
     * holding the tensors of {@code file}. Everything is checked before the table is created; a
     * failure leaves no table behind.
     */
    public static Report importTable(Path file, EngramSpec spec, StoreLayout layout, String nameTemplate, Path out) throws IOException {
        long t0 = System.nanoTime();
        Header h = readHeader(file);
        String fp = h.metadata().get(METADATA_SPEC_FINGERPRINT);
        if (fp != null && !fp.equals(spec.fingerprint())) {
            throw new IllegalArgumentException(file + " was saved for spec " + fp + ", not " + spec.fingerprint());
        }
        TensorInfo[] chosen = new TensorInfo[spec.numLayers()];
        List<String> dtypes = new ArrayList<>();
        for (int l = 0; l < chosen.length; l++) {
            String name = tensorName(nameTemplate, spec, l);
            TensorInfo t = h.tensors().get(name);
            if (t == null) {
                List<String> names = new ArrayList<>(h.tensors().keySet());
                throw new IllegalArgumentException(file + " has no tensor " + name + " (it holds " + names.size() + ": "
                        + String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "")
                        + "); pass the naming with --tensor-name");
            }
            int elem = elementBytes(t.dtype());
            if (elem < 0) throw new IllegalArgumentException("tensor " + name + " has dtype " + t.dtype() + "; expected F32, BF16 or F16");
            long rows = layout.rowsPerLayer(l);
            if (t.shape().length != 2 || t.shape()[0] != rows || t.shape()[1] != layout.dim()) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + java.util.Arrays.toString(t.shape()) + "; layer "
                        + spec.layerId(l) + " of spec " + spec.fingerprint() + " needs [" + rows + ", " + layout.dim() + "]");
            }
            if (t.end() - t.begin() != t.elements() * elem) {
                throw new IllegalArgumentException("tensor " + name + " spans " + (t.end() - t.begin()) + " bytes; " + t.dtype() + " " +
                        java.util.Arrays.toString(t.shape()) + " needs " + t.elements() * elem);
            }
            chosen[l] = t;
            dtypes.add(t.dtype());
        }
        long bytes = 0;
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ColdTable table = ColdTable.createEmpty(out, layout)) {
            for (int l = 0; l < chosen.length; l++) bytes += copyTensor(ch, h.dataStart(), chosen[l], table, l);
            table.flush();
            ok = true;
        } finally {
            if (!ok) java.nio.file.Files.deleteIfExists(out);
        }
        return new Report(chosen.length, layout.totalRows(), bytes, dtypes, (System.nanoTime() - t0) / 1e9);
    }

    private static long copyTensor(FileChannel ch, long dataStart, TensorInfo t, ColdTable table, int layerIndex) throws IOException {
        StoreLayout layout = table.layout();
        int dim = layout.dim();
        RowFormat src = sourceFormat(t.dtype());
        int srcRowBytes = dim * src.bytesPerElement();
        long rows = t.shape()[0];
        long rowsPerWindow = Math.max(1, WINDOW_BYTES / srcRowBytes);
        float[] row = new float[dim];
        boolean raw = src == layout.format();
        for (long first = 0; first < rows; first += rowsPerWindow) {
            long n = Math.min(rowsPerWindow, rows - first);
            MappedByteBuffer w = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin() + first * srcRowBytes, n * srcRowBytes);
            w.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                long g = table.globalRow(layerIndex, first + i);
                if (raw) {
                    table.writeStoredRow(g, w, i * srcRowBytes);
                } else {
                    RowCopy.storedToFloats(w, i * srcRowBytes, row, 0, dim, src);
                    table.writeRow(g, row, 0);
                }
            }
        }
        return rows * srcRowBytes;
    }

    static int elementBytes(String dtype) {
        switch (dtype) {
            case "F32": return 4;
            case "BF16": case "F16": return 2;
            default: return -1;
        }
    }

    static RowFormat sourceFormat(String dtype) {
        switch (dtype) {
            case "F32": return RowFormat.FP32;
            case "BF16": return RowFormat.BF16;
            case "F16": return RowFormat.FP16;
            default: throw new IllegalArgumentException("unsupported safetensors dtype " + dtype);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new IllegalArgumentException("unexpected end of file");
        }
    }
}
