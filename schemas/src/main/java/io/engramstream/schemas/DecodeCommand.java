package io.engramstream.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decodes one message (file or hex) and prints it as JSON, or its typed error.",
                "Uses the bounded single-object codec; a rejected message prints its error kind and reason.",
                "Exit status: 0 decoded, 3 rejected."})
public final class DecodeCommand implements Callable<Integer>, EngramCommand {
    @Spec CommandSpec spec;

    static final class Input {
        @Option(names = "--input", paramLabel = "FILE", description = "File holding one message's bytes.") Path file;
        @Option(names = "--hex", paramLabel = "HEX", description = "The message as hex digits, e.g. c301....") String hex;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Input input;

    @Option(names = "--type", paramLabel = "RECORD",
            description = "Record kind to decode as (CorpusText, CorpusTokens, InferenceTraffic, InferenceRequest, "
                    + "InferenceResponse, SnapshotManifest, DeadLetter); default: the kind named by the message's schema fingerprint.")
    String type;

    @Option(names = "--show-tokens", paramLabel = "N", defaultValue = "32", description = "Print at most N ids of each token field (default: ${DEFAULT-VALUE}).")
    int showTokens;

    @Override public Integer call() {
        byte[] bytes;
        if (input.hex != null) {
            try {
                bytes = HexFormat.of().parseHex(input.hex.replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new UserError("--hex: " + e.getMessage());
            }
        } else {
            try {
                if (Files.size(input.file) > CodecLimits.DEFAULT.maxMessageBytes() + 1L) {
                    bytes = new byte[CodecLimits.DEFAULT.maxMessageBytes() + 1]; // enough to be rejected as oversize
                } else {
                    bytes = Files.readAllBytes(input.file);
                }
            } catch (NoSuchFileException e) {
                throw new UserError("no such file: " + input.file);
            } catch (IOException e) {
                throw new UserError("cannot read " + input.file + ": " + e.getMessage());
            }
        }
        RecordCodec<?> codec;
        if (type != null) {
            codec = Codecs.forName(type);
            if (codec == null) throw new UserError("--type: unknown record kind '" + type + "'");
        } else {
            codec = Codecs.detect(bytes);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode line = RecordJson.MAPPER.createObjectNode();
        try {
            if (codec == null) {
                // No kind given and none recognised: let any codec produce the precise error.
                Codecs.CORPUS_TOKENS.decode(bytes);
                throw new RecordDecodeException(ErrorKind.UNKNOWN_SCHEMA, "no record kind of io.engramstream.schemas wrote this message");
            }
            org.apache.avro.specific.SpecificRecord r = codec.decode(bytes);
            line.put("type", r.getSchema().getName());
            line.set("value", RecordJson.of(r, showTokens));
            out.println(line.toString());
            out.flush();
            return 0;
        } catch (RecordDecodeException e) {
            line.put("error", e.kind().name());
            line.put("reason", e.reason());
            out.println(line.toString());
            out.flush();
            return 3;
        }
    }
}
