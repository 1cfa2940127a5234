package org.parley.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.parley.adapter.filestore.FileAttachmentStore;
import org.parley.adapter.persistence.CacheSettings;
import org.parley.adapter.persistence.DatabaseSettings;
import org.parley.adapter.persistence.PersistenceModule;
import org.parley.adapter.rest.RestApi;
import org.parley.adapter.rest.RestSettings;
import org.parley.adapter.rest.RestUseCases;
import org.parley.adapter.security.DjangoPbkdf2PasswordHasher;
import org.parley.adapter.security.HmacLinkSigner;
import org.parley.adapter.security.JwtTokens;
import org.parley.adapter.websocket.ChatWebSocket;
import org.parley.adapter.websocket.ConnectedSessions;
import org.parley.adapter.websocket.WebSocketSettings;
import org.parley.adapter.websocket.WebSocketUseCases;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.AttachmentLinkSigner;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.Tokens;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.service.AnnounceFileMessageService;
import org.parley.application.service.AuthenticateTokenService;
import org.parley.application.service.DownloadAttachmentService;
import org.parley.application.service.LinkToAttachmentService;
import org.parley.application.service.ListConversationService;
import org.parley.application.service.ListMyThreadsService;
import org.parley.application.service.ListThreadFilesService;
import org.parley.application.service.LogInService;
import org.parley.application.service.RefreshAccessTokenService;
import org.parley.application.service.RegisterUserService;
import org.parley.application.service.SendTextMessageService;
import org.parley.application.service.ShareProfileService;
import org.parley.application.service.UploadAttachmentService;
import org.parley.application.service.UpsertUserFromBackendService;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.delivery.DeliveryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Parley: the whole object graph, built by hand in {@link #start}, in the order the hexagon dictates —
 * driven adapters (storage, security, connected sessions), then the use cases over them, then the driving adapters
 * (REST, websocket) over the use cases, all served by one Grizzly server on one port.
 */
public final class Parley implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Parley.class);
    private static final long SHUTDOWN_GRACE_SECONDS = 5;
    /** The most messages stored in one transaction by group commit (see {@link MessageWriter}). */
    private static final int MESSAGE_BATCH_SIZE = 1_000;
    /** Messages waiting for storage beyond which senders wait (back-pressure). */
    private static final int MESSAGE_QUEUE_CAPACITY = 20_000;

    private final HttpServer server;
    private final ChatWebSocket webSocket;
    private final MessageWriter writer;
    private final PersistenceModule storage;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Parley(HttpServer server, ChatWebSocket webSocket, MessageWriter writer, PersistenceModule storage) {
        this.server = server;
        this.webSocket = webSocket;
        this.writer = writer;
        this.storage = storage;
    }

    /** Builds everything and starts serving; fails with a clear exception (and nothing left open) if it cannot. */
    public static Parley start(ParleyConfig config) {
        TimeSource time = new SystemTimeSource();
        PersistenceModule storage = PersistenceModule.start(databaseSettings(config),
                new CacheSettings(config.userCacheLifetime(), config.cacheMaxEntries()));
        MessageWriter writer = null;
        try {
            String secret = config.jwtSecret().orElseGet(() -> SecretFile.loadOrCreate(config.dataDir()));
            Tokens tokens = new JwtTokens(secret, config.accessTokenLifetime(), config.refreshTokenLifetime(), time);
            PasswordHasher hasher = new DjangoPbkdf2PasswordHasher(config.passwordIterations());
            UserAccounts users = storage.userAccounts();
            ThreadRepository threads = storage.threads();
            MessageRepository messages = storage.messages();
            AttachmentStore attachments = new FileAttachmentStore(config.dataDir().resolve("media"));
            AttachmentLinkSigner linkSigner = new HmacLinkSigner(secret);
            LinkToAttachment links = new LinkToAttachmentService(linkSigner, config.mediaLinkLifetime(), time);
            ConnectedSessions sessions = new ConnectedSessions(links);
            writer = new MessageWriter(messages, sessions, MESSAGE_BATCH_SIZE, MESSAGE_QUEUE_CAPACITY);

            DeliveryPolicy policy = DeliveryPolicy.receiverAndSenderDevices();
            MessageRules rules = new MessageRules(config.maxMessageLength());
            AuthenticateToken authenticate = new AuthenticateTokenService(tokens, users);
            WebSocketUseCases webSocketUseCases = new WebSocketUseCases(
                    new SendTextMessageService(users, threads, writer, policy, rules, time),
                    new AnnounceFileMessageService(messages, sessions, policy),
                    new ShareProfileService(users, threads, writer, policy, time));
            RestUseCases restUseCases = new RestUseCases(
                    new ListConversationService(users, threads, messages),
                    new ListMyThreadsService(users, threads),
                    new RegisterUserService(users, hasher, time),
                    new LogInService(users, hasher, tokens, time),
                    new RefreshAccessTokenService(tokens, users),
                    authenticate,
                    new UpsertUserFromBackendService(users, time),
                    new UploadAttachmentService(users, threads, writer, attachments, rules, config.maxUploadBytes(), time),
                    new ListThreadFilesService(users, threads, messages),
                    links,
                    new DownloadAttachmentService(messages, attachments, linkSigner, time));
            RestSettings restSettings = new RestSettings(config.adminApiKey(), config.maxUploadBytes(),
                    config.dataDir().resolve("upload-tmp"));

            HttpServer server = GrizzlyHttpServerFactory.createHttpServer(
                    URI.create("http://" + config.host() + ":" + config.port() + "/"),
                    RestApi.resourceConfig(restUseCases, restSettings),
                    false);
            ChatWebSocket webSocket = ChatWebSocket.attachTo(server, sessions, authenticate, webSocketUseCases,
                    new WebSocketSettings(config.maxFrameBytes(), config.websocketPingInterval()));
            IgnoreH2cUpgrade.registerOn(server);
            RefuseMalformedRequests.registerOn(server);
            JsonErrorPages.registerOn(server);
            server.start();
            Parley parley = new Parley(server, webSocket, writer, storage);
            LOG.info("Parley is listening on http://{}:{}/ (websocket /ws/chat/room/)", config.host(), parley.port());
            return parley;
        } catch (IOException e) {
            closeIfStarted(writer);
            storage.close();
            throw new UncheckedIOException("Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeIfStarted(writer);
            storage.close();
            throw e;
        }
    }

    private static void closeIfStarted(MessageWriter writer) {
        if (writer != null) {
            writer.close();
        }
    }

    /** The port actually bound (useful with {@code PARLEY_PORT=0}). */
    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    /**
     * Stops gracefully: websockets are closed with 1001 ("going away"), the server stops accepting and lets running
     * requests finish, messages already accepted are stored, then the database pool is closed. Calling it again does
     * nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Parley is shutting down");
        try {
            webSocket.closeAll();
            server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS).get(SHUTDOWN_GRACE_SECONDS + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The server did not stop within {} s; stopping it now", SHUTDOWN_GRACE_SECONDS);
        } finally {
            try {
                server.shutdownNow();
                webSocket.close();
                // Messages accepted before the shutdown are still stored before the database goes away.
                writer.close();
                storage.close();
            } finally {
                stopped.countDown();
            }
        }
        LOG.info("Parley has stopped");
    }

    /** Waits until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }

    /**
     * Unset credentials are empty: the driver then takes them from the URL or its own defaults. A URL the storage
     * refuses (an H2 URL that delays commits) stops start-up as a configuration error naming {@code PARLEY_DB_URL}.
     */
    private static DatabaseSettings databaseSettings(ParleyConfig config) {
        return config.database()
                .map(db -> {
                    try {
                        return new DatabaseSettings(db.url(), Objects.requireNonNullElse(db.user(), ""),
                                Objects.requireNonNullElse(db.password(), ""), db.poolSize(), db.connectionTimeout());
                    } catch (IllegalArgumentException refused) {
                        throw new ConfigurationException("PARLEY_DB_URL: " + refused.getMessage());
                    }
                })
                .orElseGet(() -> DatabaseSettings.embeddedH2(config.dataDir()));
    }
}
