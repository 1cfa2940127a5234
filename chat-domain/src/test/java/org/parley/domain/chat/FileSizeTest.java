package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FileSizeTest {

    @Test
    void kilobytes_with_two_decimals_up_to_one_mebibyte_inclusive() {
        assertThat(new FileSize(0).display()).isEqualTo("0.00KB");
        assertThat(new FileSize(199_424).display()).isEqualTo("194.75KB");
        assertThat(new FileSize(1).display()).isEqualTo("0.00KB");
        assertThat(new FileSize(5).display()).isEqualTo("0.00KB");
        assertThat(new FileSize(6).display()).isEqualTo("0.01KB");
        assertThat(new FileSize(1024L * 1024).display()).isEqualTo("1024.00KB");
    }

    @Test
    void megabytes_above_one_mebibyte() {
        assertThat(new FileSize(1024L * 1024 + 1).display()).isEqualTo("1.00MB");
        assertThat(new FileSize(1024L * 1024 * 3 / 2).display()).isEqualTo("1.50MB");
        assertThat(new FileSize(25L * 1024 * 1024).display()).isEqualTo("25.00MB");
    }

    @Test
    void a_negative_size_is_refused() {
        assertThatThrownBy(() -> new FileSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
