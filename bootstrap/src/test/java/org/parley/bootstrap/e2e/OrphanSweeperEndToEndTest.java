package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.e2e.People.Person;

/**
 * The orphan sweeper at start-up, on a real media directory and database (H2, or PostgreSQL in its run): a file no
 * message names and last written two hours ago (the default age is one hour) is gone once another Parley has started
 * on the same data, and so is an upload's partial file as old, while an uploaded file whose message exists (made just
 * as old), a fresh unnamed file and a fresh partial file (an upload in progress, perhaps on another node) stay; the
 * sweep says so in one line.
 */
class OrphanSweeperEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    @Test
    void anOldOrphanIsRemovedAtStartUpWhileANamedFileAndAFreshOneStay() throws IOException {
        Path media = SERVER.dataDir().resolve("media");
        Set<String> before = keysIn(media);
        People people = new People(new HttpApi(SERVER.httpBase()));
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        HttpApi.Reply uploaded = new Multipart().field("receiver", bob.id())
                .file("attached_file", "kept.bin", new byte[4_321]).field("attached_file_name", "kept.bin")
                .post(new HttpApi(SERVER.httpBase()), alice.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        Set<String> afterUpload = keysIn(media);
        afterUpload.removeAll(before);
        assertThat(afterUpload).hasSize(1);
        String named = afterUpload.iterator().next();

        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        String orphan = "0123456789abcdef0123456789abcdef";
        String fresh = "fedcba9876543210fedcba9876543210";
        String abandonedUpload = ".incoming-00000000000000000000000000000001";
        String uploadInProgress = ".incoming-00000000000000000000000000000002";
        Files.write(media.resolve(orphan), new byte[1_234]);
        Files.write(media.resolve(fresh), new byte[10]);
        Files.write(media.resolve(abandonedUpload), new byte[300]);
        Files.write(media.resolve(uploadInProgress), new byte[20]);
        Files.setLastModifiedTime(media.resolve(orphan), twoHoursAgo);
        Files.setLastModifiedTime(media.resolve(abandonedUpload), twoHoursAgo);
        Files.setLastModifiedTime(media.resolve(named), twoHoursAgo);

        List<String> printed;
        try (ServerLog log = ServerLog.capture()) {
            int mark = log.mark();
            try (Parley restarted = SERVER.startAnotherInstance()) {
                printed = log.since(mark);
            }
        }

        assertThat(media.resolve(orphan)).doesNotExist();
        assertThat(media.resolve(named)).isRegularFile().hasSize(4_321);
        assertThat(media.resolve(fresh)).isRegularFile();
        assertThat(media.resolve(abandonedUpload)).doesNotExist();
        assertThat(media.resolve(uploadInProgress)).isRegularFile();
        assertThat(printed).filteredOn(line -> line.contains("orphaned attachment"))
                .singleElement().asString().contains("Removed 2 orphaned attachment file(s), 1534 bytes");
    }

    private static Set<String> keysIn(Path media) throws IOException {
        try (Stream<Path> files = Files.list(media)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.matches("[0-9a-f]{32}"))
                    .collect(Collectors.toCollection(java.util.HashSet::new));
        }
    }
}
