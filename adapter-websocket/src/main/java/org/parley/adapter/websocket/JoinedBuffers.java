package org.parley.adapter.websocket;

/**
 * Arrays that a connection's frames of one delivered batch are joined into ({@code LiveConnection.send} of a list),
 * kept for the next batch once their write has completed, so that joining frames does not allocate a new array each
 * time. An array is given back only when the socket has taken all of its bytes (the write's outcome is a success):
 * before that the container still reads it.
 *
 * <p>Sizes are powers of two from {@value #SMALLEST} bytes to {@link LiveConnection#MOST_BYTES_JOINED}; at most
 * {@value #KEPT_PER_SIZE} arrays of each size are kept (2 MiB at most, all sizes full). Thread-safe: taken by the delivering
 * thread, given back by whichever thread learns that its write completed; neither allocates.
 */
final class JoinedBuffers {

    static final int SMALLEST = 1024;
    static final int KEPT_PER_SIZE = 16;
    private static final int SIZES = Integer.numberOfTrailingZeros(LiveConnection.MOST_BYTES_JOINED)
            - Integer.numberOfTrailingZeros(SMALLEST) + 1;

    private final byte[][][] kept = new byte[SIZES][KEPT_PER_SIZE][];
    private final int[] counts = new int[SIZES];

    /** An array of at least {@code length} bytes (at most {@link LiveConnection#MOST_BYTES_JOINED}), maybe used. */
    byte[] take(int length) {
        int size = sizeOf(length);
        synchronized (this) {
            int count = counts[size];
            if (count > 0) {
                counts[size] = count - 1;
                byte[] array = kept[size][count - 1];
                kept[size][count - 1] = null;
                return array;
            }
        }
        return new byte[SMALLEST << size];
    }

    /** {@code array}, from {@link #take}, whose bytes nobody reads any more; kept unless enough of its size are. */
    void giveBack(byte[] array) {
        int size = sizeOf(array.length);
        synchronized (this) {
            int count = counts[size];
            if (count < KEPT_PER_SIZE) {
                kept[size][count] = array;
                counts[size] = count + 1;
            }
        }
    }

    /** How many arrays are kept now (tests). */
    synchronized int kept() {
        int all = 0;
        for (int count : counts) {
            all += count;
        }
        return all;
    }

    /** The index of the smallest size holding {@code length} bytes. */
    private static int sizeOf(int length) {
        if (length <= SMALLEST) {
            return 0;
        }
        return 32 - Integer.numberOfLeadingZeros(length - 1) - Integer.numberOfTrailingZeros(SMALLEST);
    }
}
