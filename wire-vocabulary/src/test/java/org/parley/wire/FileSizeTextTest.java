package org.parley.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FileSizeTextTest {

    @Test
    void kilobytes_with_two_decimals_up_to_one_mebibyte_inclusive() {
        assertThat(FileSizeText.of(0)).isEqualTo("0.00KB");
        assertThat(FileSizeText.of(199_424)).isEqualTo("194.75KB");
        assertThat(FileSizeText.of(1)).isEqualTo("0.00KB");
        assertThat(FileSizeText.of(5)).isEqualTo("0.00KB");
        assertThat(FileSizeText.of(6)).isEqualTo("0.01KB");
        assertThat(FileSizeText.of(1024L * 1024)).isEqualTo("1024.00KB");
    }

    @Test
    void megabytes_above_one_mebibyte() {
        assertThat(FileSizeText.of(1024L * 1024 + 1)).isEqualTo("1.00MB");
        assertThat(FileSizeText.of(1024L * 1024 * 3 / 2)).isEqualTo("1.50MB");
        assertThat(FileSizeText.of(25L * 1024 * 1024)).isEqualTo("25.00MB");
    }

    @Test
    void a_negative_size_is_refused() {
        assertThatThrownBy(() -> FileSizeText.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
