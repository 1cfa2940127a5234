package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.UserId;

class LocalConnectionCensusTest {

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @Test
    void aUserGetsAtMostTheLimitAndAReleaseMakesRoomAgain() {
        LocalConnectionCensus census = new LocalConnectionCensus(2);
        Optional<ConnectionCensus.Lease> first = census.tryOpen(alice);
        Optional<ConnectionCensus.Lease> second = census.tryOpen(alice);
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(census.tryOpen(alice)).as("the third").isEmpty();
        assertThat(census.tryOpen(bob)).as("another user is not affected").isPresent();

        first.get().release();
        assertThat(census.openConnections(alice)).isEqualTo(1);
        assertThat(census.tryOpen(alice)).isPresent();
    }

    @Test
    void releasingTwiceReleasesOnce() {
        LocalConnectionCensus census = new LocalConnectionCensus(1);
        ConnectionCensus.Lease lease = census.tryOpen(alice).orElseThrow();
        lease.release();
        ConnectionCensus.Lease other = census.tryOpen(alice).orElseThrow();
        lease.release();
        assertThat(census.openConnections(alice)).as("the second release of the old lease changed nothing").isEqualTo(1);
        assertThat(census.tryOpen(alice)).isEmpty();
        other.release();
        assertThat(census.openConnections(alice)).isZero();
    }

    @Test
    void zeroMeansNoLimit() {
        LocalConnectionCensus census = new LocalConnectionCensus(0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(census.tryOpen(alice)).isPresent();
        }
        assertThat(census.openConnections(alice)).isEqualTo(1_000);
    }

    @Test
    void concurrentHandshakesNeverGetMoreThanTheLimit() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                tries.add(pool.submit(() -> census.tryOpen(alice).isPresent()));
            }
            int accepted = 0;
            for (Future<Boolean> attempt : tries) {
                accepted += attempt.get() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(20);
            assertThat(census.openConnections(alice)).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }
}
