package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.parley.application.error.Unavailable;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.testing.FakePasswordHasher;

/** Hashing on a bounded pool: a full queue is answered at once, never waited for. */
class PooledPasswordHasherTest {

    private final FakePasswordHasher fake = new FakePasswordHasher();

    @Test
    void hashesAndChecksOnThePoolsOwnThreads() {
        List<String> threads = new CopyOnWriteArrayList<>();
        PasswordHasher recording = new PasswordHasher() {
            @Override
            public EncodedPassword hash(String rawPassword) {
                threads.add(Thread.currentThread().getName());
                return fake.hash(rawPassword);
            }

            @Override
            public boolean matches(String rawPassword, EncodedPassword encoded) {
                threads.add(Thread.currentThread().getName());
                return fake.matches(rawPassword, encoded);
            }
        };
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(recording, 1, 4)) {
            EncodedPassword hash = pooled.hash("secret");

            assertThat(pooled.matches("secret", hash)).isTrue();
            assertThat(pooled.matches("guess", hash)).isFalse();
            assertThat(threads).hasSize(3).allMatch(name -> name.startsWith("parley-hashing-"));
        }
    }

    @Test
    void aHashInTheBackgroundIsMadeOnThePoolWithoutHoldingUpTheCaller() throws Exception {
        BlockingHasher blocking = new BlockingHasher(false);
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(blocking, 1, 4)) {
            CompletableFuture<EncodedPassword> decoy = pooled.hashInBackground("decoy");

            assertThat(decoy).isNotDone();
            blocking.release.countDown();
            assertThat(pooled.matches("decoy", decoy.get(5, TimeUnit.SECONDS))).isTrue();
            assertThat(blocking.threads).containsExactly("parley-hashing-1");
        }
    }

    @Test
    void aHashInTheBackgroundIsMadeOnTheCallersThreadWhenTheQueueIsFull() throws Exception {
        BlockingHasher blocking = new BlockingHasher(true);
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(blocking, 1, 1)) {
            CompletableFuture<EncodedPassword> first = pooled.hashInBackground("one");
            assertThat(blocking.started.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<EncodedPassword> queued = pooled.hashInBackground("two");

            CompletableFuture<EncodedPassword> overflow = pooled.hashInBackground("three");

            assertThat(overflow).isDone();
            assertThat(fake.matches("three", overflow.get())).isTrue();
            assertThat(blocking.threads).contains(Thread.currentThread().getName());
            blocking.release.countDown();
            assertThat(fake.matches("one", first.get(5, TimeUnit.SECONDS))).isTrue();
            assertThat(fake.matches("two", queued.get(5, TimeUnit.SECONDS))).isTrue();
        }
    }

    @Test
    void asksTheWrappedHasherWhichImportedHashesItTakes() {
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(new DjangoPbkdf2PasswordHasher(1_000), 1, 4)) {
            assertThat(pooled.refusesImported(new EncodedPassword(
                    DjangoPbkdf2PasswordHasherTest.OLD_DJANGO_HASH))).isEmpty();
            assertThat(pooled.refusesImported(new EncodedPassword("bcrypt$$2b$12$abc"))).isPresent();
        }
    }

    @Test
    void whenEveryThreadIsBusyAndTheQueueIsFullTheNextCallerIsAnsweredAtOnce() throws Exception {
        BlockingHasher slow = new BlockingHasher(false);
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(slow, 1, 2)) {
            CompletableFuture<EncodedPassword> hashing = CompletableFuture.supplyAsync(() -> pooled.hash("one"));
            assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<EncodedPassword> second = CompletableFuture.supplyAsync(() -> pooled.hash("two"));
            CompletableFuture<EncodedPassword> third = CompletableFuture.supplyAsync(() -> pooled.hash("three"));
            awaitWaiting(pooled, 2);

            long before = System.nanoTime();
            assertThatThrownBy(() -> pooled.hash("four")).isInstanceOfSatisfying(Unavailable.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
            assertThatThrownBy(() -> pooled.matches("four", fake.hash("four"))).isInstanceOf(Unavailable.class);
            assertThat(System.nanoTime() - before).as("answered without waiting for a thread")
                    .isLessThan(Duration.ofSeconds(1).toNanos());

            slow.release.countDown();
            assertThat(List.of(hashing, second, third))
                    .allSatisfy(done -> assertThat(done).succeedsWithin(Duration.ofSeconds(10)));
            assertThat(pooled.matches("two", second.join())).isTrue();
        }
    }

    @Test
    void aFailureOfTheHasherReachesTheCallerAsItWas() {
        PasswordHasher broken = new PasswordHasher() {
            @Override
            public EncodedPassword hash(String rawPassword) {
                throw new IllegalArgumentException("password is null");
            }

            @Override
            public boolean matches(String rawPassword, EncodedPassword encoded) {
                return false;
            }
        };
        try (PooledPasswordHasher pooled = new PooledPasswordHasher(broken, 1, 1)) {
            assertThatThrownBy(() -> pooled.hash(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("password is null");
        }
    }

    /**
     * Hashes as the fake does, but first records its thread, says it {@link #started} and waits (at most 10 s) for
     * {@link #release}: on every thread, or only on the pool's own ({@code onPoolThreadsOnly}).
     */
    private final class BlockingHasher implements PasswordHasher {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> threads = new CopyOnWriteArrayList<>();
        private final boolean onPoolThreadsOnly;

        BlockingHasher(boolean onPoolThreadsOnly) {
            this.onPoolThreadsOnly = onPoolThreadsOnly;
        }

        @Override
        public EncodedPassword hash(String rawPassword) {
            String thread = Thread.currentThread().getName();
            threads.add(thread);
            if (!onPoolThreadsOnly || thread.startsWith("parley-hashing-")) {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return fake.hash(rawPassword);
        }

        @Override
        public boolean matches(String rawPassword, EncodedPassword encoded) {
            return fake.matches(rawPassword, encoded);
        }
    }

    private static void awaitWaiting(PooledPasswordHasher pooled, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pooled.waiting() < count) {
            assertThat(System.nanoTime()).as("%d waiting", count).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
