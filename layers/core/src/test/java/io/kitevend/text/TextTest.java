package io.kitevend.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void printableCutsAtTheCallersLengthAndReplacesControlCharacters() {
        assertThat(Text.printable("short", 10)).isEqualTo("short");
        assertThat(Text.printable("0123456789", 10)).isEqualTo("0123456789");
        assertThat(Text.printable("0123456789X", 10)).isEqualTo("0123456789...");
        assertThat(Text.printable("a\nb\u0000c\u007Fd", 80)).isEqualTo("a?b?c?d");
        assertThat(Text.printable("f\u00fcr", 80))
                .as("letters outside ASCII stay")
                .isEqualTo("f\u00fcr");
        assertThat(Text.printable(null, 80)).isEqualTo("null");
    }

    @Test
    void printableAsciiAlsoReplacesEverythingOutsidePrintableAscii() {
        assertThat(Text.printableAscii("f\u00fcr \u202Eevil\r\n", 64)).isEqualTo("f?r ?evil??");
        assertThat(Text.printableAscii("x".repeat(65), 64)).isEqualTo("x".repeat(64) + "...");
        assertThat(Text.printableAscii("\uD83D\uDE80", 64))
                .as("one ? per code point")
                .isEqualTo("?");
    }

    @Test
    void withoutControlsKeepsTheWholeText() {
        String long100 = "y".repeat(1000);
        assertThat(Text.withoutControls(long100)).isEqualTo(long100);
        assertThat(Text.withoutControls("a\tb")).isEqualTo("a?b");
    }
}
