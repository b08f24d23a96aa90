package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelTest {
    @Test
    void alphabetIsGpt2s() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        String s = ByteLevel.encode(all);
        Set<Character> distinct = new HashSet<>();
        for (char c : s.toCharArray()) distinct.add(c);
        assertEquals(256, distinct.size());
        assertEquals('Ā', s.charAt(0));      // byte 0 -> U+0100
        assertEquals('Ġ', s.charAt(' '));    // the familiar space marker
        assertEquals('Ċ', s.charAt('\n'));
        assertEquals('!', s.charAt('!'));
        assertEquals('Ń', s.charAt(0xAD));   // soft hyphen is the last remapped byte, U+0143
        assertArrayEquals(all, ByteLevel.tokenBytes(s));
    }

    @Test
    void decodeIsLossyUtf8AndKeepsForeignTokensAsText() {
        assertEquals(" café", ByteLevel.decode("ĠcafÃ©"));
        assertEquals("\uFFFD", ByteLevel.decode("Ã"));
        // A character outside the alphabet (here a space and a fullwidth bar) keeps the token as UTF-8.
        assertEquals("<｜end of sentence｜>", ByteLevel.decode("<｜end of sentence｜>"));
        assertArrayEquals("x y".getBytes(StandardCharsets.UTF_8), ByteLevel.tokenBytes("x y"));
    }
}
