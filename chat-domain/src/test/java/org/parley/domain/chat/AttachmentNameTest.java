package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttachmentNameTest {

    @Test
    void an_ordinary_name_stays_as_it_is() {
        assertThat(AttachmentName.fromClient("Screenshot 2025-03-14 100311.png").value())
                .isEqualTo("Screenshot 2025-03-14 100311.png");
        assertThat(AttachmentName.fromClient("résumé 履歴書.pdf").value()).isEqualTo("résumé 履歴書.pdf");
    }

    @Test
    void path_segments_are_dropped() {
        assertThat(AttachmentName.fromClient("../../etc/passwd").value()).isEqualTo("passwd");
        assertThat(AttachmentName.fromClient("..\\..\\windows\\win.ini").value()).isEqualTo("win.ini");
        assertThat(AttachmentName.fromClient("/").value()).isEqualTo(AttachmentName.FALLBACK);
        assertThat(AttachmentName.fromClient("a/..").value()).isEqualTo(AttachmentName.FALLBACK);
    }

    @Test
    void control_and_formatting_characters_are_dropped() {
        assertThat(AttachmentName.fromClient("evil\r\nname\u0000.txt").value()).isEqualTo("evilname.txt");
        assertThat(AttachmentName.fromClient("invoice\u202Egpj.exe").value()).isEqualTo("invoicegpj.exe");
        assertThat(AttachmentName.fromClient("family 👨\u200D👩\u200D👧.jpg").value())
                .isEqualTo("family 👨\u200D👩\u200D👧.jpg");
    }

    @Test
    void blank_or_missing_names_become_the_fallback() {
        assertThat(AttachmentName.fromClient(null).value()).isEqualTo("file");
        assertThat(AttachmentName.fromClient("  \t ").value()).isEqualTo("file");
    }

    @Test
    void long_names_are_cut_by_code_points() {
        String emoji = "😀";
        AttachmentName cut = AttachmentName.fromClient(emoji.repeat(300));
        assertThat(cut.value().codePointCount(0, cut.value().length())).isEqualTo(AttachmentName.MAX_CODE_POINTS);
        assertThatThrownBy(() -> new AttachmentName(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
