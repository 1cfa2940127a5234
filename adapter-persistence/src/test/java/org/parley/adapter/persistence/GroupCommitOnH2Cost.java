package org.parley.adapter.persistence;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.ThreadMXBean;
import org.h2.mvstore.MVStore;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageStored;
import org.parley.application.testing.IgnoringChatMetrics;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * What group commit costs per message on embedded H2 at a fixed arrival rate, with and without its gathering wait,
 * in counted units: commits per message, chunks H2 wrote per message and keeps, bytes allocated per message by every
 * thread of the process ({@link ThreadMXBean}), and young collections per message ({@link GarbageCollectorMXBean};
 * add {@code -Xlog:gc*,gc+age=trace:file=gc.log} for what each one copied).
 *
 * <p>One producer thread hands keyed text messages to a real {@link MessageWriter} over the real storage adapter on a
 * fresh H2 file, paced at {@code rate} per second (as evenly as the clock allows), for {@code seconds}, and the last
 * {@code measured} seconds are counted. Run it by hand as {@link H2CommitCost} (same class path), e.g.:
 *
 * <pre>
 * java -cp "$(cat $P/cp.txt):$P/classes:$P/test-classes" \
 *     org.parley.adapter.persistence.GroupCommitOnH2Cost 2000 30 20 1000
 * </pre>
 *
 * (arguments: messages per second, seconds, measured seconds, gathering wait in microseconds). Bytes and counts are
 * exact; whether the writer kept up (the batch sizes) depends on the machine, so it prints them.
 */
public final class GroupCommitOnH2Cost {

    private GroupCommitOnH2Cost() {
    }

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        Duration gather = Duration.ofNanos(Long.parseLong(args[3]) * 1_000);
        Path dir = Files.createTempDirectory("group-commit-cost");
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        PersistenceModule module = PersistenceModule.start(settings);
        AtomicLong commits = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        ChatMetrics counting = new CountingMetrics(commits, committed);
        try (Connection held = java.sql.DriverManager.getConnection(settings.jdbcUrl(), "sa", "");
             MessageWriter writer = new MessageWriter(module.messages(), false, event -> { }, 1_000, 10_000,
                     gather, counting)) {
            MVStore store = H2CommitCost.storeOf(held);
            List<ChatThread> threads = new ArrayList<>();
            List<UserId> senders = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                var a = Fixtures.minimalUser();
                var b = Fixtures.minimalUser();
                module.userAccounts().add(Fixtures.backendManaged(a));
                module.userAccounts().add(Fixtures.backendManaged(b));
                threads.add(module.threads().getOrCreate(Participants.of(a.id(), b.id()), Fixtures.at(i)));
                senders.add(a.id());
            }
            ThreadMXBean threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long total = (long) rate * seconds;
            long firstMeasured = total - (long) rate * measured;
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long alloc0 = 0;
            long commits0 = 0;
            long committed0 = 0;
            long young0 = 0;
            long version0 = 0;
            List<CompletableFuture<AppendedMessage>> last = new ArrayList<>();
            for (long m = 0; m < total; m++) {
                if (m == firstMeasured) {
                    alloc0 = allocatedByAll(threadBean);
                    commits0 = commits.get();
                    committed0 = committed.get();
                    young0 = youngCollections();
                    version0 = store.getCurrentVersion();
                }
                int t = (int) (m % threads.size());
                CompletableFuture<AppendedMessage> stored = writer.storeOnceThenPublish(new DraftToStore(
                        threads.get(t).compose(senders.get(t), Fixtures.text("message " + m + " with a few words"),
                                Instant.now()), Optional.of(new ClientMessageId(UUID.randomUUID().toString()))),
                        message -> new MessageStored(message, List.of(), Optional.empty(), Optional.empty(),
                                Optional.empty()));
                if (m >= total - 100) {
                    last.add(stored);
                }
                long wait = start + (m + 1) * periodNanos - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            last.forEach(CompletableFuture::join);
            double n = committed.get() - committed0;
            long batches = commits.get() - commits0;
            int chunks = (int) store.getFileStore().getLayoutMap().keySet().stream()
                    .filter(key -> key.startsWith("chunk.")).count();
            System.out.printf("rate %d/s, gather %d µs: %.0f messages measured in %d commits (%.2f per commit);"
                            + " %.3f chunks written per message; %.0f B allocated per message (all threads);"
                            + " %.2f young collections per 1,000 messages; %d chunks kept at the end; %.1f s in all%n",
                    rate, gather.toNanos() / 1_000, n, batches, n / batches,
                    (store.getCurrentVersion() - version0) / n, (allocatedByAll(threadBean) - alloc0) / n,
                    (youngCollections() - young0) * 1_000 / n, chunks, (System.nanoTime() - start) / 1e9);
        } finally {
            module.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static long allocatedByAll(ThreadMXBean threads) {
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }

    private static long youngCollections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Young")) {
                count += gc.getCollectionCount();
            }
        }
        return count;
    }

    /** Counts commits and messages committed. */
    private static final class CountingMetrics extends IgnoringChatMetrics {
        private final AtomicLong commits;
        private final AtomicLong committed;

        CountingMetrics(AtomicLong commits, AtomicLong committed) {
            this.commits = commits;
            this.committed = committed;
        }

        @Override
        public void batchCommitted(int stored, int drafts, long nanos) {
            commits.incrementAndGet();
            committed.addAndGet(drafts);
        }
    }
}
