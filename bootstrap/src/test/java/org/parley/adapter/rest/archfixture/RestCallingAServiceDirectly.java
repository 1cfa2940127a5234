package org.parley.adapter.rest.archfixture;

import org.parley.application.service.ListMyThreadsService;

/**
 * Deliberately wrong (architecture-rule fixture): a driving adapter holding a service instead of its driving port
 * ({@code ListMyThreads}).
 */
public class RestCallingAServiceDirectly {
    private ListMyThreadsService threads;

    public Object threads() {
        return threads;
    }
}
