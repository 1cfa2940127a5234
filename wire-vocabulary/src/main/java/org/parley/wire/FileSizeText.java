package org.parley.wire;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How the seed API shows the size of an attached file in {@code attached_file_size}: kibibytes up to 1 MiB inclusive
 * ({@code "194.75KB"}, {@code "1024.00KB"}), mebibytes above ({@code "1.00MB"} for 1 MiB + 1 byte); two decimals,
 * rounded half up; the units spelled {@code KB} and {@code MB} as the seed spells them.
 */
public final class FileSizeText {

    private static final long KIB = 1024L;
    private static final long MIB = KIB * KIB;

    private FileSizeText() {
    }

    /**
     * @param bytes the exact size of the file
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public static String of(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes is negative: " + bytes);
        }
        if (bytes > MIB) {
            return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(MIB), 2, RoundingMode.HALF_UP) + "MB";
        }
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(KIB), 2, RoundingMode.HALF_UP) + "KB";
    }
}
