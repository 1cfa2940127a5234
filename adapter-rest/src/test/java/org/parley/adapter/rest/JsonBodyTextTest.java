package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;
import static org.parley.adapter.rest.TestApi.names;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.WellFormedText;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.UserId;

/**
 * Contract §10 on every JSON body: text that is not valid Unicode is a 400 {@code validation_error} naming the field,
 * never stored and never echoed; and a body is exactly one JSON value. (JSON texts below are written with ' for ".)
 */
class JsonBodyTextTest {

    private static final String KEY = "s3cret-admin-key-0123456789";
    private static final String LONE = "\\ud83d";

    private final TestApi api = TestApi.start(TestApi.settings(Optional.of(KEY)), UnaryOperator.identity());

    @AfterEach
    void stop() {
        api.close();
    }

    private TestApi.Reply post(String path, String json) {
        return api.post(path, json.replace('\'', '"'), null);
    }

    private TestApi.Reply put(UserId id, String json) {
        return api.send(api.request("/admin/users/" + id + "/", null).header("X-Api-Key", KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))));
    }

    /** A 400 validation error naming exactly {@code field}, whose body is valid Unicode (nothing was echoed). */
    private static JsonNode assertRefused(TestApi.Reply reply, String field) {
        JsonNode failure = assertFailure(reply, 400, "validation_error");
        assertThat(names(failure.get("errors"))).containsExactly(field);
        assertThat(WellFormedText.isWellFormed(reply.body())).isTrue();
        assertThat(reply.body()).doesNotContain("\\ud83d", "\\udc00");
        return failure;
    }

    private static String register(String field, String value) {
        String body = "{'email':'ada@example.com','password':'long enough pw','fullname':'Ada','phone_number':'1'}";
        return body.replace("'" + field + "':'", "'" + field + "':'" + value);
    }

    @Test
    void registrationRefusesAnUnpairedSurrogateInAnyFieldAndStoresNoOne() {
        for (String field : List.of("email", "password", "fullname", "phone_number")) {
            for (String broken : List.of(LONE, "\\udc00", "\\udc00\\ud83d")) {
                assertRefused(post("/auth/register/", register(field, broken)), field);
            }
        }
        assertRefused(post("/auth/register/", register("fullname", "").replace("}", ",'gender':'" + LONE + "'}")),
                "gender");
        assertThat(api.users.findByEmail(new EmailAddress("ada@example.com"))).isEmpty();
    }

    @Test
    void anUnpairedSurrogateInAFieldParleyIgnoresOrDeepInsideIsRefusedToo() {
        assertRefused(post("/auth/register/", register("fullname", "").replace("}", ",'nickname':'" + LONE + "'}")),
                "nickname");
        JsonNode nested = assertRefused(post("/auth/register/",
                register("fullname", "").replace("}", ",'extra':{'tags':['ok','\\udfff']}}")), "extra.tags[1]");
        assertThat(nested.get("message").asText()).contains("Unicode");
        assertThat(api.users.findByEmail(new EmailAddress("ada@example.com"))).isEmpty();
    }

    @Test
    void anUnpairedSurrogateInAFieldNameIsRefusedWithoutNamingIt() {
        for (String key : List.of(LONE, "\\udc00", "full" + LONE)) {
            assertRefused(post("/auth/register/", register("fullname", "").replace("}", ",'" + key + "':1}")),
                    JsonBodyText.NON_FIELD_ERRORS);
        }
        assertThat(api.users.findByEmail(new EmailAddress("ada@example.com"))).isEmpty();
    }

    /** Found by EntrancePropertiesTest: a body that is only such a string was refused on a field named "". */
    @Test
    void aBodyThatIsARefusedStringIsANonFieldError() {
        for (String body : List.of("'" + LONE + "'", "'a\\u0000'")) {
            assertRefused(post("/auth/register/", body), JsonBodyText.NON_FIELD_ERRORS);
            assertRefused(post("/auth/token/", body), JsonBodyText.NON_FIELD_ERRORS);
        }
        assertRefused(post("/auth/register/", "['ok','" + LONE + "']"), "[1]");
    }

    @Test
    void aSurrogateEncodedDirectlyInUtf8IsRefusedToo() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"email\":\"ada@example.com\",\"password\":\"long enough pw\",\"fullname\":\"A"
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD});
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        TestApi.Reply reply = api.send(api.request("/auth/register/", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));

        assertRefused(reply, JsonBodyText.NON_FIELD_ERRORS);
        assertThat(api.users.findByEmail(new EmailAddress("ada@example.com"))).isEmpty();
    }

    @Test
    void aNullCharacterIsRefusedLikeDjangoRestFrameworkDoesButOtherControlCharactersAreText() {
        JsonNode failure = assertRefused(post("/auth/register/", register("fullname", "\\u0000")), "fullname");
        assertThat(failure.get("errors").get("fullname").get(0).asText()).isEqualTo("Null characters are not allowed.");
        assertThat(api.users.findByEmail(new EmailAddress("ada@example.com"))).isEmpty();

        JsonNode user = assertSuccess(post("/auth/register/", register("fullname", "\\u0007\\u001b")), 201,
                "User registered successfully");
        assertThat(user.get("fullname").asText()).isEqualTo("\u0007\u001bAda");
    }

    @Test
    void surrogatePairsAreOrdinaryText() {
        JsonNode user = assertSuccess(post("/auth/register/", register("fullname", "\\ud83d\\ude00 ")), 201,
                "User registered successfully");
        assertThat(user.get("fullname").asText()).isEqualTo("😀 Ada");
    }

    @Test
    void logInAndRefreshRefuseAnUnpairedSurrogateAsAFieldErrorNotAs401() {
        api.user("ada@example.com", "Ada");
        assertRefused(post("/auth/token/", "{'email':'ada@example.com','password':'x" + LONE + "'}"), "password");
        assertRefused(post("/auth/token/", "{'email':'ada" + LONE + "@example.com','password':'x'}"), "email");
        assertRefused(post("/auth/token/refresh/", "{'refresh':'" + LONE + "'}"), "refresh");
    }

    @Test
    void theAdminUpsertRefusesAnUnpairedSurrogateAndCreatesNoOne() {
        UserId id = UserId.random();
        assertRefused(put(id, "{'email':'b@example.com','fullname':'" + LONE + "'}"), "fullname");
        assertRefused(put(id, "{'email':'b@example.com','fullname':'B','country_code':'\\udc00'}"), "country_code");
        assertRefused(put(id, "{'email':'b@example.com','fullname':'B','" + LONE + "':true}"),
                JsonBodyText.NON_FIELD_ERRORS);
        assertThat(api.users.findById(id)).isEmpty();
    }

    @Test
    void theAdminUpsertRefusesAnUnpairedSurrogateInAnUpdateAndKeepsTheUser() {
        UserId id = UserId.random();
        assertSuccess(put(id, "{'email':'b@example.com','fullname':'Before'}"), 201, "User created");
        assertRefused(put(id, "{'email':'b@example.com','fullname':'After" + LONE + "'}"), "fullname");
        assertThat(api.users.findById(id).orElseThrow().profile().fullname()).isEqualTo("Before");
    }

    @Test
    void everyJsonBodyIsExactlyOneValue() {
        api.user("ada@example.com", "Ada");
        String register = register("fullname", "");
        String credentials = "{'email':'ada@example.com','password':'" + TestApi.PASSWORD + "'}";
        String refresh = "{'refresh':'whatever'}";
        String upsert = "{'email':'c@example.com','fullname':'C'}";
        for (String trailing : List.of(" {}", " xyz", "}", " 1", " null", ",{}")) {
            assertFailure(post("/auth/register/", register + trailing), 400, "invalid_json");
            assertFailure(post("/auth/token/", credentials + trailing), 400, "invalid_json");
            assertFailure(post("/auth/token/refresh/", refresh + trailing), 400, "invalid_json");
            assertFailure(put(UserId.random(), upsert + trailing), 400, "invalid_json");
        }
        assertFailure(post("/auth/register/", register + " {'fullname':'" + LONE + "'}"), 400, "invalid_json");
        assertFailure(post("/auth/register/", "surrogate"), 400, "invalid_json");
        assertThat(api.users.findByEmail(new EmailAddress("c@example.com"))).isEmpty();
        assertSuccess(post("/auth/token/", credentials + " \n"), 200, "Login successful");
    }
}
