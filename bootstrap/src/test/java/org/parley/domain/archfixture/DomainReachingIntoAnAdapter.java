package org.parley.domain.archfixture;

import org.parley.adapter.rest.RestApi;

/** Deliberately wrong (architecture-rule fixture): the domain must not know an adapter. */
public class DomainReachingIntoAnAdapter {
    public Class<?> adapter() {
        return RestApi.class;
    }
}
