package org.parley.adapter.rest;

import java.util.function.Function;

import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.spi.internal.ValueParamProvider;

/**
 * Supplies a resource method's {@code @Context Caller} parameter straight from the request's security context, which
 * {@link BearerTokenFilter} set. Jersey's own {@code @Context SecurityContext} parameter is resolved through HK2 on every
 * request (a request-scoped look-up and a per-request object); this reads the same value from the
 * {@link ContainerRequest} that Jersey hands a value provider, with no look-up: a restart storm's catch-up requests
 * spent about 7 % of their interpreted CPU in that look-up (docs/PERFORMANCE.md, "Fifth step").
 *
 * <p>A method that takes a {@code Caller} but is not {@link Authenticated} is a programming error, answered as a 500
 * like {@link Caller#in}'s {@link IllegalStateException}.
 */
final class CallerParameter implements ValueParamProvider {

    private static final Function<ContainerRequest, Caller> FROM_REQUEST =
            request -> Caller.in(request.getSecurityContext());

    @Override
    public Function<ContainerRequest, ?> getValueProvider(Parameter parameter) {
        if (parameter.getSource() == Parameter.Source.CONTEXT && parameter.getRawType() == Caller.class) {
            return FROM_REQUEST;
        }
        return null;
    }

    @Override
    public PriorityType getPriority() {
        return Priority.HIGH;
    }
}
