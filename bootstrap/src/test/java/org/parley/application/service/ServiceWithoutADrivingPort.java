package org.parley.application.service;

/** Deliberately wrong (architecture-rule fixture): a public service that implements no driving port. */
public final class ServiceWithoutADrivingPort {
    public int answer() {
        return 42;
    }
}
