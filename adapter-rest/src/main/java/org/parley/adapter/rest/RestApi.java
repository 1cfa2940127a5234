package org.parley.adapter.rest;

import java.util.Objects;

import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * Parley's HTTP API (history, threads, accounts and the admin API) as a Jersey application that {@code bootstrap}
 * hands to its HTTP container. Every response body is JSON in the contract's success or failure envelope.
 */
public final class RestApi {

    private RestApi() {
    }

    /** A new, self-contained Jersey configuration for the API; each call builds fresh resources and providers. */
    public static ResourceConfig resourceConfig(RestUseCases useCases, RestSettings settings) {
        Objects.requireNonNull(useCases, "useCases");
        Objects.requireNonNull(settings, "settings");
        ResourceConfig config = new ResourceConfig();
        config.setApplicationName("parley-rest");
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);

        // Jackson without its default exception mappers, which would answer bad JSON in plain text.
        config.register(JacksonFeature.withoutExceptionMappers());
        config.register(new JsonMapperResolver());
        config.register(new FailureMapper());
        config.register(new RequestBodyLimit(RequestBodyLimit.MAX_JSON_BODY_BYTES));
        config.register(new BearerTokenFilter(useCases.authenticateToken()));

        config.register(new ChatResource(useCases.listConversation(), useCases.listMyThreads()));
        config.register(new AuthResource(useCases.registerUser(), useCases.logIn(), useCases.refreshAccessToken()));
        settings.adminApiKey().ifPresent(key -> {
            config.register(new ApiKeyFilter(new ApiKey(key)));
            config.register(new AdminUsersResource(useCases.upsertUserFromBackend()));
        });
        return config;
    }
}
