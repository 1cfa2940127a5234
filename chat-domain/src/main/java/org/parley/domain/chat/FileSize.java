package org.parley.domain.chat;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The size of an attached file, and how the seed API shows it: {@code "194.75KB"} up to 1 MiB inclusive,
 * {@code "1.50MB"} above (two decimals, rounded half up).
 */
public record FileSize(long bytes) {

    private static final long KIB = 1024L;
    private static final long MIB = KIB * KIB;

    public FileSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes is negative: " + bytes);
        }
    }

    public String display() {
        if (bytes > MIB) {
            return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(MIB), 2, RoundingMode.HALF_UP) + "MB";
        }
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(KIB), 2, RoundingMode.HALF_UP) + "KB";
    }
}
