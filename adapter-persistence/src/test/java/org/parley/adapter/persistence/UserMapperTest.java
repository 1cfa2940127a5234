package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.Account;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserProfile;

class UserMapperTest {

    @Test
    void anAccountWithEveryFieldRoundTrips() {
        Account account = Fixtures.withPassword(Fixtures.fullUser());

        assertThat(UserMapper.toAccount(UserMapper.toEntity(account))).isEqualTo(account);
    }

    @Test
    void aBackendManagedAccountWithOnlyRequiredFieldsRoundTripsWithoutPassword() {
        Account account = Fixtures.backendManaged(Fixtures.minimalUser());

        UserEntity entity = UserMapper.toEntity(account);

        assertThat(entity.password).isNull();
        assertThat(UserMapper.toAccount(entity)).isEqualTo(account);
        assertThat(UserMapper.toUser(entity)).isEqualTo(account.user());
    }

    @Test
    void theNormalizedEmailIsTheLowerCaseAddressAndTheTypedOneIsKept() {
        UserEntity entity = UserMapper.toEntity(Fixtures.backendManaged(Fixtures.fullUser()));

        assertThat(entity.email).startsWith("Person.").endsWith("@Example.ORG");
        assertThat(entity.emailNormalized).isEqualTo(entity.email.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void copyingDetailsLeavesCredentialsCreationAndLastLoginAlone() {
        Account account = Fixtures.withPassword(Fixtures.fullUser());
        UserEntity entity = UserMapper.toEntity(account);
        User changed = new User(account.user().id(), new EmailAddress("new@example.org"), UserProfile.named("New Name"),
                account.user().status().withActive(false), Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-02T00:00:00Z"));

        UserMapper.copyDetails(changed, entity);

        Account stored = UserMapper.toAccount(entity);
        assertThat(stored.password()).isEqualTo(account.password());
        assertThat(stored.user().createdAt()).isEqualTo(account.user().createdAt());
        assertThat(stored.user().lastLogin()).isEqualTo(account.user().lastLogin());
        assertThat(stored.user().email()).isEqualTo(changed.email());
        assertThat(stored.user().profile()).isEqualTo(changed.profile());
        assertThat(stored.user().status()).isEqualTo(changed.status());
        assertThat(stored.user().updatedAt()).isEqualTo(changed.updatedAt());
        assertThat(Optional.of(entity.emailNormalized)).contains("new@example.org");
    }
}
