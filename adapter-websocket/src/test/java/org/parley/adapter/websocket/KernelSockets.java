package org.parley.adapter.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the Linux kernel holds for one TCP connection, as {@code ss -tn} shows it, read from {@code /proc/net/tcp}
 * and {@code /proc/net/tcp6}: whether a socket still exists for it and how many bytes wait in its send queue
 * (written by the process and not yet acknowledged by the peer). Tests that need it are skipped elsewhere.
 */
final class KernelSockets {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One row of the table. {@code state}: the kernel's code (01 ESTABLISHED, 04 FIN_WAIT1, 07 CLOSE …). */
    record Entry(int localPort, int remotePort, int state, long sendQueueBytes) {
        boolean finWait1() {
            return state == 0x04;
        }
    }

    private KernelSockets() {
    }

    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /** The socket bound to {@code localPort} and connected to {@code remotePort} (both on this host), if any. */
    static Optional<Entry> find(int localPort, int remotePort) {
        return entries().filter(entry -> entry.localPort() == localPort && entry.remotePort() == remotePort)
                .filter(entry -> entry.state() != 0x0A)
                .findFirst();
    }

    private static Stream<Entry> entries() {
        return TABLES.stream().filter(Files::isReadable).flatMap(table -> {
            try {
                return Files.readAllLines(table).stream().skip(1).map(KernelSockets::parse);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** {@code sl local_address rem_address st tx_queue:rx_queue …}, addresses as {@code HEXIP:HEXPORT}. */
    private static Entry parse(String line) {
        String[] fields = line.trim().split("\\s+");
        int localPort = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
        int remotePort = Integer.parseInt(fields[2].substring(fields[2].indexOf(':') + 1), 16);
        int state = Integer.parseInt(fields[3], 16);
        long sendQueue = Long.parseLong(fields[4].substring(0, fields[4].indexOf(':')), 16);
        return new Entry(localPort, remotePort, state, sendQueue);
    }
}
