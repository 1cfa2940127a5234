package org.parley.bootstrap.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Imports Parley's production classes only: not test classes, and not the test-jars (chat-application's in-memory
 * fakes and contract tests, adapter-persistence's PostgreSQL test support), which would otherwise be judged as if
 * they were production code.
 */
final class ParleyProductionCode implements ImportOption {

    @Override
    public boolean includes(Location location) {
        return new DoNotIncludeTests().includes(location)
                && !location.contains("-tests.jar")
                && !location.contains("/test-classes/");
    }
}
