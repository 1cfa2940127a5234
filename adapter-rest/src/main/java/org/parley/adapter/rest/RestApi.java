package org.parley.adapter.rest;

import java.util.Objects;
import java.util.Optional;

import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.spi.internal.ValueParamProvider;

/**
 * Parley's HTTP API (history, threads, attachments and media, accounts and the admin API) as a Jersey application that {@code bootstrap}
 * hands to its HTTP container. Every response body is JSON in the contract's success or failure envelope, but the
 * web client's files at {@code /} and {@code /web/} ({@link WebClientResource}), and the API descriptions at
 * {@code /openapi.json} and {@code /asyncapi.json} ({@link ApiDescriptionsResource}).
 */
public final class RestApi {

    private RestApi() {
    }

    /** A new, self-contained Jersey configuration for the API; each call builds fresh resources and providers. */
    public static ResourceConfig resourceConfig(RestUseCases useCases, RestSettings settings) {
        return resourceConfig(useCases, settings, Optional.empty());
    }

    /**
     * As {@link #resourceConfig(RestUseCases, RestSettings)}, with contract §17's {@code /health/live},
     * {@code /health/ready} and, when {@code operations} has metrics, {@code /metrics} ({@link HealthResource},
     * {@link MetricsResource}).
     */
    public static ResourceConfig resourceConfig(RestUseCases useCases, RestSettings settings, Operations operations) {
        return resourceConfig(useCases, settings, Optional.of(Objects.requireNonNull(operations, "operations")));
    }

    private static ResourceConfig resourceConfig(RestUseCases useCases, RestSettings settings,
                                                 Optional<Operations> operations) {
        Objects.requireNonNull(useCases, "useCases");
        Objects.requireNonNull(settings, "settings");
        ResourceConfig config = new ResourceConfig();
        config.setApplicationName("parley-rest");
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);

        // Jackson without its default exception mappers, which would answer bad JSON in plain text.
        config.register(JacksonFeature.withoutExceptionMappers());
        JsonMapperResolver json = new JsonMapperResolver();
        config.register(json);
        config.register(new JsonBodyText(json.getContext(Object.class)));
        config.register(new FailureMapper());
        config.register(new HeaderCheck());
        if (!settings.allowedOrigins().isEmpty()) {
            config.register(new CrossOriginRequests(settings.allowedOrigins()));
        }
        config.register(new RequestBodyLimit(RequestBodyLimit.MAX_JSON_BODY_BYTES, settings.maxUploadBytes()));
        config.register(new BearerTokenFilter(useCases.authenticateToken()));

        AttachmentUpload.prepare(settings.uploadTempDir());
        AttachmentUpload upload = new AttachmentUpload(useCases.uploadAttachment(), settings.maxUploadBytes(),
                settings.uploadTempDir());
        ChatResource chat = new ChatResource(useCases.listConversation(), useCases.listMyThreads(),
                useCases.listThreadFiles(), useCases.linkToAttachment(), upload, useCases.markSeen());
        MessageChangesResource changes = new MessageChangesResource(useCases.editMessage(), useCases.deleteMessage(),
                useCases.linkToAttachment());
        MediaResource media = new MediaResource(useCases.downloadAttachment(), useCases.authenticateToken());
        PresenceResource presence = new PresenceResource(useCases.showPresence());
        WebClientResource webClient = new WebClientResource();
        ApiDescriptionsResource descriptions = new ApiDescriptionsResource();
        AuthResource auth = new AuthResource(useCases.registerUser(), useCases.logIn(), useCases.refreshAccessToken());
        Optional<AdminUsersResource> admin = settings.adminApiKey().map(key -> {
            config.register(new ApiKeyFilter(new ApiKey(key)));
            return new AdminUsersResource(useCases.upsertUserFromBackend());
        });
        // Resources are registered as classes bound to ready-made instances: registering the instances themselves
        // works too, but makes Jersey log a spurious "provider will be ignored" warning per resource.
        config.register(ChatResource.class);
        config.register(MessageChangesResource.class);
        config.register(AuthResource.class);
        config.register(MediaResource.class);
        config.register(PresenceResource.class);
        config.register(WebClientResource.class);
        config.register(ApiDescriptionsResource.class);
        admin.ifPresent(resource -> config.register(AdminUsersResource.class));
        Optional<HealthResource> health = operations.map(given -> new HealthResource(given.readiness()));
        Optional<MetricsResource> metrics = operations.flatMap(given -> given.metrics()
                .map(exposition -> new MetricsResource(exposition, given.metricsToken())));
        health.ifPresent(resource -> config.register(HealthResource.class));
        metrics.ifPresent(resource -> config.register(MetricsResource.class));
        config.register(new AbstractBinder() {
            @Override
            protected void configure() {
                // @Context Caller parameters, read from the request without Jersey's per-request HK2 look-up.
                bind(new CallerParameter()).to(ValueParamProvider.class);
                bind(chat).to(ChatResource.class);
                bind(changes).to(MessageChangesResource.class);
                bind(auth).to(AuthResource.class);
                bind(media).to(MediaResource.class);
                bind(presence).to(PresenceResource.class);
                bind(webClient).to(WebClientResource.class);
                bind(descriptions).to(ApiDescriptionsResource.class);
                admin.ifPresent(resource -> bind(resource).to(AdminUsersResource.class));
                health.ifPresent(resource -> bind(resource).to(HealthResource.class));
                metrics.ifPresent(resource -> bind(resource).to(MetricsResource.class));
            }
        });
        return config;
    }
}
