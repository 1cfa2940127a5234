package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacLinkSignerTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

    private final HmacLinkSigner signer = new HmacLinkSigner(SECRET);

    @Test
    void a_signature_verifies_for_its_data_only() {
        String signature = signer.sign("parley-media:1:abc:100");

        assertThat(signature).matches("[A-Za-z0-9_-]{43}");
        assertThat(signer.verify("parley-media:1:abc:100", signature)).isTrue();
        assertThat(signer.verify("parley-media:1:abc:101", signature)).isFalse();
        assertThat(signer.verify("parley-media:1:abc:100", signature.substring(1))).isFalse();
        assertThat(signer.verify("parley-media:1:abc:100", "not base64 !")).isFalse();
        assertThat(signer.verify("parley-media:1:abc:100", null)).isFalse();
    }

    @Test
    void another_secret_gives_other_signatures() {
        String signature = signer.sign("data");

        assertThat(new HmacLinkSigner(SECRET + "x").verify("data", signature)).isFalse();
        assertThat(new HmacLinkSigner(SECRET).verify("data", signature)).isTrue();
    }

    @Test
    void the_key_is_derived_and_not_the_secret_itself() throws Exception {
        Mac plain = Mac.getInstance("HmacSHA256");
        plain.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String withRawSecret = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(plain.doFinal("data".getBytes(StandardCharsets.UTF_8)));

        assertThat(signer.sign("data")).isNotEqualTo(withRawSecret);
        assertThatThrownBy(() -> new HmacLinkSigner("")).isInstanceOf(IllegalArgumentException.class);
    }
}
