package io.engramstream.canon;

/**
 * A hand-made byte-level BPE tokenizer.json whose canonical map is worked out by hand in
 * {@link HfTokenizerJsonTest}: "Ġ" is a space byte, "Ċ" a newline, "Ã©" the two bytes of "é",
 * "Ã" and "©" lone halves of it (invalid UTF-8 on their own).
 */
final class TinyTokenizerJson {
    private TinyTokenizerJson() {}

    static final String TEXT = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":9,"content":"<s>","special":true},{"id":0,"content":"a","special":false}],
             "normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "post_processor":null,"decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
             "model":{"type":"BPE","dropout":null,"unk_token":null,"vocab":
               {"a":0,"A":1,"Ġa":2,"Ġ":3,"Ċ":4,"Ã©":5,"e":6,"Ã":7,"©":8},"merges":[]}}
            """;

    /** By hand: a A " a" -> "a"; " " and "\\n" -> " "; "é" e -> "e"; "Ã" and "©" key on themselves; "<s>". */
    static final int[] LOOKUP = {0, 0, 0, 1, 1, 2, 2, 3, 4, 5};
}
