package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hibernate.dialect.H2Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.junit.jupiter.api.Test;

/** The statement each database gets for each of Parley's sequences, and no other sequence. */
class SequenceIdsTest {

    @Test
    void eachDatabaseDrawsAnyNumberOfValuesOfTheNamedSequenceInOneStatement() {
        assertThat(SequenceIds.forDialect(new H2Dialect(), SequenceIds.THREADS).sql())
                .isEqualTo("select next value for chat_threads_id_seq from system_range(1, ?)");
        assertThat(SequenceIds.forDialect(new PostgreSQLDialect(), SequenceIds.MESSAGES).sql())
                .isEqualTo("select nextval('messages_id_seq') from generate_series(1, ?)");
    }

    @Test
    void aNameThatIsNotOneOfParleysSequencesIsRefused() {
        assertThatThrownBy(() -> SequenceIds.forDialect(new H2Dialect(), "messages_id_seq; drop table messages"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
