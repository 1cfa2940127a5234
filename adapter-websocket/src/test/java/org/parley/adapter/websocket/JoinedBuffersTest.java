package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arrays frames are joined in: sized by powers of two, used again once given back, a bounded number kept. */
class JoinedBuffersTest {

    private final JoinedBuffers arrays = new JoinedBuffers();

    @Test
    void anArrayHoldsWhatWasAskedInThePowerOfTwoAboveIt() {
        assertThat(arrays.take(1)).hasSize(1024);
        assertThat(arrays.take(1024)).hasSize(1024);
        assertThat(arrays.take(1025)).hasSize(2048);
        assertThat(arrays.take(40_000)).hasSize(65_536);
        assertThat(arrays.take(LiveConnection.MOST_BYTES_JOINED)).hasSize(LiveConnection.MOST_BYTES_JOINED);
    }

    @Test
    void anArrayGivenBackIsTakenAgainForItsSizeOnly() {
        byte[] array = arrays.take(3_000);
        arrays.giveBack(array);

        assertThat(arrays.take(1_000)).isNotSameAs(array);
        assertThat(arrays.take(2_500)).isSameAs(array);
        assertThat(arrays.take(2_500)).isNotSameAs(array);
    }

    @Test
    void atMostAFewOfEachSizeAreKept() {
        for (int i = 0; i < 3 * JoinedBuffers.KEPT_PER_SIZE; i++) {
            arrays.giveBack(new byte[4096]);
            arrays.giveBack(new byte[1024]);
        }
        assertThat(arrays.kept()).isEqualTo(2 * JoinedBuffers.KEPT_PER_SIZE);
    }
}
