package org.parley.bootstrap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.server.FileCacheFilter;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/** {@link NoFileCache}: Grizzly's file cache filter is gone from the chain, and requests are served as before. */
class NoFileCacheTest {

    private static final HttpHandler HELLO = new HttpHandler() {
        @Override
        public void service(Request request, Response response) throws Exception {
            response.setContentType("text/plain");
            response.getWriter().write("hello");
        }
    };

    @Test
    void theChainHasNoFileCacheFilterAndAGetIsStillAnswered() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(HELLO)) {
            FilterChain chain = grizzly.server.getListener("grizzly").getFilterChain();
            assertThat(chain.indexOfType(FileCacheFilter.class)).isEqualTo(-1);
            assertThat(chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class)).isPositive();

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + grizzly.port + "/anything")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
        }
    }
}
