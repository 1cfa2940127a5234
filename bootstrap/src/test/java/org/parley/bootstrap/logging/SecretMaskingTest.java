package org.parley.bootstrap.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets are found by their key (or shape), and only their value is replaced; the rest of the text stays. */
class SecretMaskingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // key=value: properties, query strings, JDBC parameters
            "password=o|password=***",
            "user=admin password=o, see the manual|user=admin password=***, see the manual",
            "PARLEY_DB_PASSWORD = hunter2|PARLEY_DB_PASSWORD = ***",
            "/parley?user=admin&password=hunter2&ssl=true|/parley?user=admin&password=***&ssl=true",
            "jdbc:h2:file:/d;CIPHER=AES;FILE_PASSWORD=xyz;MODE=PostgreSQL|jdbc:h2:file:/d;CIPHER=AES;FILE_PASSWORD=***;MODE=PostgreSQL",
            "/ws/chat/room/?token=abc.def.ghi|/ws/chat/room/?token=***",
            "/media/5/k?expires=1&signature=AbC-_x|/media/5/k?expires=1&signature=***",
            "jwtSecret='s p a c e s'|jwtSecret='***'",
            "api_key=k1 apikey=k2 api-key=k3 X-Api-Key=k4|api_key=*** apikey=*** api-key=*** X-Api-Key=***",
            // key: value
            "Authorization: Bearer abc.def|Authorization: Bearer ***",
            "authorization: Basic dXNlcjpwYXNz|authorization: Basic ***",
            "secret: s3cr3t; next|secret: ***; next",
            // Parley's own configuration errors name a secret setting without a value: left whole
            "Configuration error: PARLEY_JWT_SECRET is too short: it must be at least 32 bytes long|Configuration error: PARLEY_JWT_SECRET is too short: it must be at least 32 bytes long",
            "Configuration error: PARLEY_ADMIN_API_KEY is too short: it must be at least 16 characters long|Configuration error: PARLEY_ADMIN_API_KEY is too short: it must be at least 16 characters long",
            "Configuration error: PARLEY_METRICS_TOKEN is not printable ASCII, which it must be (it is sent in an HTTP header): it holds another character|Configuration error: PARLEY_METRICS_TOKEN is not printable ASCII, which it must be (it is sent in an HTTP header): it holds another character",
            // JSON
            "`{\"email\":\"a@b.c\",\"password\":\"hun\\\"ter2\",\"refresh_token\":\"x\"}`|`{\"email\":\"a@b.c\",\"password\":\"***\",\"refresh_token\":\"***\"}`",
            "`{'token': 'abc', 'pin': 12}`|`{'token': '***', 'pin': 12}`",
            "`{\"password\": 12345}`|`{\"password\": ***}`",
            // URL user-info, and the shape of a JSON Web Token or bearer credentials anywhere
            "jdbc:postgresql://admin:hunter2@db:5432/parley|jdbc:postgresql://admin:***@db:5432/parley",
            "redis://:pw@127.0.0.1:6379/0|redis://:***@127.0.0.1:6379/0",
            "sent eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMSJ9.c2lnbmF0dXJl to x|sent *** to x",
            "header was Bearer abc123|header was Bearer ***",
    })
    void masksTheValueOfEverySecretKey(String text, String masked) {
        assertThat(SecretMasking.mask(text)).isEqualTo(masked);
    }

    /** The issue-10 case: a short password's letters in a message are not touched, as nothing names them secret. */
    @ParameterizedTest
    @ValueSource(strings = {
            "Cannot connect to the database at jdbc:h2:file:/tmp/db: Wrong user name or password [28000-252]",
            "FATAL: password authentication failed for user \"parley\"",
            "PARLEY_ACCESS_TOKEN_SECONDS: must be between 30 and 86400, got 5",
            "tokens=5 passwords: 3",
            "Caused by: java.sql.SQLException: no",
            "at org.parley.adapter.security.JwtTokens.verify(JwtTokens.java:42)",
    })
    void leavesTextWithoutSecretsAsItIs(String text) {
        assertThat(SecretMasking.mask(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
            "PARLEY_DB_PASSWORD,true", "PARLEY_JWT_SECRET,true", "PARLEY_ADMIN_API_KEY,true", "jwtSecret,true",
            "access_token,true", "X-Api-Key,true", "Authorization,true",
            "PARLEY_ACCESS_TOKEN_SECONDS,false", "PARLEY_DB_USER,false", "PARLEY_PORT,false", "password_hint_shown,false",
    })
    void knowsWhichKeysNameSecrets(String key, boolean secret) {
        assertThat(SecretMasking.isSecretKey(key)).isEqualTo(secret);
    }
}
