package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;

import org.junit.jupiter.api.Test;

class AdminApiTest {

    @Test
    void aServerThatIsNotRunningIsNamedWithItsAddressNotAsABareConnectException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        AdminApi api = new AdminApi(base, "some-admin-key");

        assertThatThrownBy(() -> api.createUsers(2, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Parley at http://127.0.0.1:" + port)
                .hasMessageContaining("--url");
    }
}
