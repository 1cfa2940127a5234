package org.parley.bootstrap.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Imports Parley's production classes only: not test classes, and not the chat-application test-jar (in-memory fakes
 * and contract tests), which would otherwise be judged as if they were production code.
 */
final class ParleyProductionCode implements ImportOption {

    @Override
    public boolean includes(Location location) {
        return new DoNotIncludeTests().includes(location)
                && !location.contains("-tests.jar")
                && !location.contains("/test-classes/");
    }
}
