package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ServerMemoryTest {

    @Test
    void readsVmRssFromAStatusFile() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n";

        assertThat(ServerMemory.parseVmRssKib(status)).hasValue(123456);
    }

    @Test
    void aStatusWithoutVmRssGivesNothing() {
        assertThat(ServerMemory.parseVmRssKib("Name:\tzombie\nState:\tZ\n")).isEmpty();
    }

    @Test
    void readsThisProcess() {
        OptionalLong resident = new ServerMemory(ProcessHandle.current().pid()).residentKib();

        assertThat(resident).isPresent();
        assertThat(resident.getAsLong()).isPositive();
    }

    @Test
    void anUnknownProcessGivesNothing() {
        assertThat(new ServerMemory(Integer.MAX_VALUE).residentKib()).isEmpty();
    }
}
