package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CacheSettingsTest {

    @Test
    void theDefaultsKeepUsersFiveSecondsAndAHundredThousandEntries() {
        CacheSettings defaults = CacheSettings.defaults();

        assertThat(defaults.userLifetime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.maximumEntries()).isEqualTo(100_000);
        assertThat(defaults.cachesUsers()).isTrue();
        assertThat(defaults.cachesThreads()).isTrue();
        assertThat(defaults.describe()).isEqualTo("users for 5000 ms, at most 100000 users and 100000 threads");
    }

    @Test
    void aZeroLifetimeTurnsOffTheUserCacheOnlyAndZeroEntriesBoth() {
        CacheSettings threadsOnly = new CacheSettings(Duration.ZERO, 10);

        assertThat(threadsOnly.cachesUsers()).isFalse();
        assertThat(threadsOnly.cachesThreads()).isTrue();
        assertThat(new CacheSettings(Duration.ofSeconds(5), 0).cachesUsers()).isFalse();
        assertThat(CacheSettings.none().cachesUsers()).isFalse();
        assertThat(CacheSettings.none().cachesThreads()).isFalse();
        assertThat(CacheSettings.none().describe()).isEqualTo("no caches");
    }

    @Test
    void negativeValuesAreRefused() {
        assertThatThrownBy(() -> new CacheSettings(Duration.ofMillis(-1), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userLifetime");
        assertThatThrownBy(() -> new CacheSettings(Duration.ofSeconds(1), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumEntries");
    }
}
