package org.parley.adapter.persistence;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.ThreadMXBean;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * What one group commit of a few messages costs the writer on embedded H2, measured in load-tolerant units: the
 * committing thread's CPU time and bytes allocated ({@link ThreadMXBean}), the bytes H2 wrote to its file, the
 * chunks H2 keeps (one {@code SFChunk} each, in memory and in its layout map), and the process's CPU (with GC and
 * Parley's H2 housekeeping) per commit.
 *
 * <p>It drives {@code commits} batches of {@code perCommit} keyed text messages through the real storage adapter
 * ({@link PersistenceModule#messages()}, as group commit calls it) on a fresh H2 file in a temporary directory, paced
 * at {@code commitsPerSecond} so that H2's retention time (wall-clock) keeps as many chunks as it would at that rate,
 * and measures the last {@code measured} commits. Run it by hand, e.g. (from the repository root):
 *
 * <pre>
 * mvn -B -ntp -q test-compile dependency:build-classpath -pl adapter-persistence -am \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * P=adapter-persistence/target
 * java -cp "$(cat $P/cp.txt):$P/classes:$P/test-classes" \
 *     org.parley.adapter.persistence.H2CommitCost 30000 4 500 10000 ";RETENTION_TIME=45000"
 * </pre>
 *
 * (arguments: commits, messages per commit, commits per second, measured commits, settings appended to the URL;
 * {@code -Dh2cost.sql=<statement>} runs one statement on the database after start-up, e.g. to compare a setting such
 * as {@code ALTER SEQUENCE messages_id_seq CACHE 32}). Besides the figures per commit of the whole loop, it reports
 * the writer's CPU time and bytes allocated around {@code appendNew} alone, per commit and per message, and the chunks
 * H2 stored per commit (the store's version moves on by one per chunk), and the pages and bytes H2 read back from its
 * file per commit (its own {@code readCount} and {@code readBytes}).
 */
public final class H2CommitCost {

    private H2CommitCost() {
    }

    /** The numbers of one run, per commit over the measured commits. */
    record Result(double writerCpuMicros, double writerAllocatedBytes, double fileBytesWritten,
                  double processCpuMicros, int chunksKept, long fileBytes, double seconds,
                  double writerFileBytes, double housekeepingCpuMicros, int perCommit,
                  double appendCpuMicros, double appendAllocatedBytes, double storesPerCommit,
                  double pageReadsPerCommit, double bytesReadPerCommit) {
        @Override
        public String toString() {
            return String.format("%.2f chunks stored per commit; %.2f page reads, %.0f B read from the file per commit;"
                            + " appendNew alone: CPU %.1f µs, allocated %.0f B per commit; %.1f µs, %.0f B per message;"
                            + " writer CPU %.0f µs, allocated %.0f B, written by the commit %.0f B (by all %.0f B),"
                            + " housekeeping CPU %.0f µs, process CPU %.0f µs per commit; %d chunks kept; file %d KB;"
                            + " %.1f s of commits",
                    storesPerCommit, pageReadsPerCommit, bytesReadPerCommit, appendCpuMicros, appendAllocatedBytes, appendCpuMicros / perCommit,
                    appendAllocatedBytes / perCommit, writerCpuMicros, writerAllocatedBytes, writerFileBytes,
                    fileBytesWritten, housekeepingCpuMicros,
                    processCpuMicros, chunksKept, fileBytes / 1024, seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        int commits = Integer.parseInt(args[0]);
        int perCommit = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int measured = Integer.parseInt(args[3]);
        String urlSettings = args.length > 4 ? args[4] : "";
        Path dir = Files.createTempDirectory("h2-commit-cost");
        try {
            System.out.println(urlSettings + " k=" + perCommit + " rate=" + rate + "/s: "
                    + run(dir, urlSettings, commits, perCommit, rate, measured));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    static Result run(Path dir, String urlSettings, int commits, int perCommit, int commitsPerSecond, int measured)
            throws Exception {
        DatabaseSettings embedded = DatabaseSettings.embeddedH2(dir);
        DatabaseSettings settings = new DatabaseSettings(embedded.jdbcUrl() + urlSettings, "sa", "",
                DatabaseSettings.DEFAULT_POOL_SIZE, Duration.ofSeconds(10));
        PersistenceModule module = PersistenceModule.start(settings);
        try (Connection held = java.sql.DriverManager.getConnection(settings.jdbcUrl(), "sa", "")) {
            MVStore store = storeOf(held);
            String setUp = System.getProperty("h2cost.sql");
            if (setUp != null) {
                try (var statement = held.createStatement()) {
                    statement.execute(setUp);
                }
            }
            List<ChatThread> threads = new ArrayList<>();
            List<UserId> senders = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                UserId a = newUser(module);
                UserId b = newUser(module);
                threads.add(module.threads().getOrCreate(Participants.of(a, b), Fixtures.at(i)));
                senders.add(a);
            }
            ThreadMXBean threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            AtomicLong writeBytes = counterOf(store.getFileStore(), "writeBytes");
            AtomicLong readCount = counterOf(store.getFileStore(), "readCount");
            AtomicLong readBytes = counterOf(store.getFileStore(), "readBytes");
            long reads0 = 0;
            long readBytes0 = 0;
            long self = Thread.currentThread().getId();
            long cpu0 = 0;
            long alloc0 = 0;
            long written0 = 0;
            long process0 = 0;
            long housekeeping0 = 0;
            long writerBytes = 0;
            long appendCpu = 0;
            long appendAlloc = 0;
            long version0 = 0;
            long housekeeper = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("parley-h2-housekeeping")).findFirst()
                    .map(Thread::getId).orElse(-1L);
            long start = System.nanoTime();
            long periodNanos = 1_000_000_000L / commitsPerSecond;
            for (int c = 0; c < commits; c++) {
                if (c == commits - measured) {
                    cpu0 = threadBean.getCurrentThreadCpuTime();
                    alloc0 = threadBean.getThreadAllocatedBytes(self);
                    written0 = writeBytes.get();
                    process0 = os.getProcessCpuTime();
                    housekeeping0 = threadBean.getThreadCpuTime(housekeeper);
                    writerBytes = 0;
                    appendCpu = 0;
                    appendAlloc = 0;
                    version0 = store.getCurrentVersion();
                    reads0 = readCount.get();
                    readBytes0 = readBytes.get();
                }
                List<DraftToStore> batch = new ArrayList<>(perCommit);
                for (int m = 0; m < perCommit; m++) {
                    int t = (c * 7 + m * 13) % threads.size();
                    batch.add(new DraftToStore(threads.get(t).compose(senders.get(t),
                            Fixtures.text("message " + c + "/" + m + " with a few words of text"),
                            Instant.now()), Optional.of(new ClientMessageId(UUID.randomUUID().toString()))));
                }
                long before = writeBytes.get();
                long cpuBefore = threadBean.getCurrentThreadCpuTime();
                long allocBefore = threadBean.getThreadAllocatedBytes(self);
                module.messages().appendNew(batch);
                appendAlloc += threadBean.getThreadAllocatedBytes(self) - allocBefore;
                appendCpu += threadBean.getCurrentThreadCpuTime() - cpuBefore;
                writerBytes += writeBytes.get() - before;
                long due = start + (c + 1) * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            double n = measured;
            int chunks = (int) store.getFileStore().getLayoutMap().keySet().stream()
                    .filter(key -> key.startsWith("chunk.")).count();
            return new Result(
                    (threadBean.getCurrentThreadCpuTime() - cpu0) / 1_000.0 / n,
                    (threadBean.getThreadAllocatedBytes(self) - alloc0) / n,
                    (writeBytes.get() - written0) / n,
                    (os.getProcessCpuTime() - process0) / 1_000.0 / n,
                    chunks,
                    Files.size(dir.resolve("parley.mv.db")),
                    (System.nanoTime() - start) / 1e9,
                    writerBytes / n,
                    (threadBean.getThreadCpuTime(housekeeper) - housekeeping0) / 1_000.0 / n,
                    perCommit, appendCpu / 1_000.0 / n, appendAlloc / n,
                    (store.getCurrentVersion() - version0) / n,
                    (readCount.get() - reads0) / n, (readBytes.get() - readBytes0) / n);
        } finally {
            module.close();
        }
    }

    private static UserId newUser(PersistenceModule module) {
        var user = Fixtures.minimalUser();
        module.userAccounts().add(Fixtures.backendManaged(user));
        return user.id();
    }

    /** The store of the embedded database {@code connection} is open on (same JVM, same URL: same store). */
    static MVStore storeOf(Connection connection) throws Exception {
        SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    /** One of H2's own I/O counters of {@code fileStore} ({@code writeBytes}, {@code readCount}, {@code readBytes}). */
    private static AtomicLong counterOf(FileStore<?> fileStore, String name) throws ReflectiveOperationException {
        Field field = FileStore.class.getDeclaredField(name);
        field.setAccessible(true);
        return (AtomicLong) field.get(fileStore);
    }
}
