package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.parley.application.error.UnknownUser;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListConversation.ConversationPage;
import org.parley.application.port.in.PageRequest;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ReadState;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.RuleSubject;

class ListConversationServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryReadMarkerRepository markers =
            new InMemoryReadMarkerRepository(storage.threads(), storage.messages());
    private final ListConversation service =
            new ListConversationService(storage.users(), storage.threads(), storage.messages(), markers);
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());

    @Test
    void lists_the_newest_messages_first_with_both_people() {
        List<Message> m = conversation(3);

        ConversationPage page = service.list(query(alice, bob, PageRequest.newest()));

        assertThat(page.messages()).containsExactly(m.get(2), m.get(1), m.get(0));
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextBefore()).isEmpty();
        assertThat(page.nextAfter()).isEmpty();
        assertThat(page.people()).containsOnlyKeys(alice.id(), bob.id());
        assertThat(page.people().get(bob.id())).isEqualTo(bob);
    }

    @Test
    void each_message_is_seen_when_its_receivers_marker_is_at_or_past_it() {
        List<Message> m = conversation(4); // alice, bob, alice, bob
        markers.advance(m.get(0).threadId(), bob.id(), m.get(2).id(), ChatFixtures.T0);

        ConversationPage page = service.list(query(alice, bob, PageRequest.newest()));

        assertThat(page.messages()).extracting(message -> page.readState().seen(message))
                .as("bob has read alice's two messages; alice has read nothing of bob's")
                .containsExactly(false, true, false, true);
        assertThat(service.list(query(bob, alice, PageRequest.newest())).readState()).isEqualTo(page.readState());
    }

    @Test
    void an_empty_page_asks_no_read_markers() {
        int before = markers.calls();

        assertThat(service.list(query(alice, bob, PageRequest.newest())).readState()).isEqualTo(ReadState.none());
        assertThat(markers.calls()).isEqualTo(before);
    }

    @Test
    void the_other_side_sees_the_same_conversation() {
        List<Message> m = conversation(2);

        assertThat(service.list(query(bob, alice, PageRequest.newest())).messages()).containsExactly(m.get(1), m.get(0));
    }

    @Test
    void pages_back_with_limit_and_next_before_until_the_first_message() {
        List<Message> m = conversation(5);

        ConversationPage first = service.list(query(alice, bob, page(2, null, null)));
        assertThat(first.messages()).containsExactly(m.get(4), m.get(3));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.nextBefore()).contains(m.get(3).id());

        ConversationPage second = service.list(query(alice, bob, page(2, first.nextBefore().get(), null)));
        assertThat(second.messages()).containsExactly(m.get(2), m.get(1));
        assertThat(second.hasMore()).isTrue();
        assertThat(second.nextBefore()).contains(m.get(1).id());

        ConversationPage last = service.list(query(alice, bob, page(2, second.nextBefore().get(), null)));
        assertThat(last.messages()).containsExactly(m.get(0));
        assertThat(last.hasMore()).isFalse();
        assertThat(last.nextBefore()).isEmpty();
    }

    @Test
    void a_page_exactly_as_long_as_the_rest_has_no_more() {
        List<Message> m = conversation(2);

        ConversationPage page = service.list(query(alice, bob, page(2, null, null)));

        assertThat(page.messages()).containsExactly(m.get(1), m.get(0));
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextBefore()).isEmpty();
    }

    @Test
    void before_and_after_together_page_back_inside_the_window() {
        List<Message> m = conversation(5);

        ConversationPage all = service.list(query(alice, bob, page(10, m.get(4).id(), m.get(0).id())));
        assertThat(all.messages()).containsExactly(m.get(3), m.get(2), m.get(1));
        assertThat(all.hasMore()).isFalse();

        ConversationPage part = service.list(query(alice, bob, page(2, m.get(4).id(), m.get(0).id())));
        assertThat(part.messages()).containsExactly(m.get(3), m.get(2));
        assertThat(part.hasMore()).isTrue();
        assertThat(part.nextBefore()).contains(m.get(2).id());
        assertThat(part.nextAfter()).isEmpty();
    }

    @Test
    void catching_up_returns_the_messages_right_after_shown_newest_first() {
        List<Message> m = conversation(5);

        ConversationPage first = service.list(query(alice, bob, page(2, null, m.get(1).id())));
        assertThat(first.messages()).containsExactly(m.get(3), m.get(2));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.nextAfter()).contains(m.get(3).id());
        assertThat(first.nextBefore()).isEmpty();

        ConversationPage rest = service.list(query(alice, bob, page(2, null, first.nextAfter().get())));
        assertThat(rest.messages()).containsExactly(m.get(4));
        assertThat(rest.hasMore()).isFalse();
        assertThat(rest.nextAfter()).isEmpty();

        ConversationPage upToDate = service.list(query(alice, bob, page(2, null, m.get(4).id())));
        assertThat(upToDate.messages()).isEmpty();
        assertThat(upToDate.hasMore()).isFalse();
    }

    /** A client that has seen nothing catches up with after=0 (issue 10): from the first message on. */
    @Test
    void catching_up_after_0_starts_at_the_first_message() {
        List<Message> m = conversation(3);

        ConversationPage first = service.list(query(alice, bob, bounds(2, OptionalLong.empty(), OptionalLong.of(0))));
        assertThat(first.messages()).containsExactly(m.get(1), m.get(0));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.nextAfter()).contains(m.get(1).id());

        ConversationPage all = service.list(query(alice, bob, bounds(50, OptionalLong.empty(), OptionalLong.of(0))));
        assertThat(all.messages()).containsExactly(m.get(2), m.get(1), m.get(0));
        assertThat(all.hasMore()).isFalse();
    }

    /** Nothing is older than the first message: before=0 is an empty page, as before=1 is. */
    @Test
    void before_0_is_an_empty_page_and_after_0_bounds_a_window_from_the_start() {
        List<Message> m = conversation(3);

        ConversationPage none = service.list(query(alice, bob, bounds(10, OptionalLong.of(0), OptionalLong.empty())));
        assertThat(none.messages()).isEmpty();
        assertThat(none.hasMore()).isFalse();
        assertThat(none.nextBefore()).isEmpty();

        ConversationPage window = service.list(query(alice, bob,
                bounds(10, OptionalLong.of(m.get(2).id().value()), OptionalLong.of(0))));
        assertThat(window.messages()).containsExactly(m.get(1), m.get(0));
    }

    @Test
    void negative_bounds_are_refused() {
        assertThatThrownBy(() -> bounds(10, OptionalLong.of(-1), OptionalLong.empty()))
                .isInstanceOf(ValidationFailed.class);
        assertThatThrownBy(() -> bounds(10, OptionalLong.empty(), OptionalLong.of(-1)))
                .isInstanceOf(ValidationFailed.class);
        assertThatThrownBy(() -> bounds(10, OptionalLong.of(0), OptionalLong.of(0)))
                .isInstanceOf(ValidationFailed.class);
    }

    @Test
    void only_this_pairs_messages_are_listed() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread elsewhere = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        storage.messages().append(elsewhere.compose(carol.id(), new MessageContent.Text("not for bob"), ChatFixtures.T0));
        List<Message> m = conversation(1);

        assertThat(service.list(query(alice, bob, PageRequest.newest())).messages()).containsExactly(m.get(0));
    }

    @Test
    void without_a_thread_the_page_is_empty() {
        ConversationPage page = service.list(query(alice, bob, PageRequest.newest()));

        assertThat(page.messages()).isEmpty();
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextBefore()).isEmpty();
        assertThat(page.people()).containsOnlyKeys(alice.id(), bob.id());
        assertThat(storage.threads().findActivityOf(alice.id())).as("reading creates no thread").isEmpty();
    }

    @Test
    void an_unknown_other_user_is_refused() {
        assertThatThrownBy(() -> service.list(new ListConversation.Query(alice.id(), UserId.random(), PageRequest.newest())))
                .isInstanceOf(UnknownUser.class)
                .hasMessage("Invalid receipient");
    }

    @Test
    void your_own_conversation_with_yourself_is_an_unknown_user() {
        assertThatThrownBy(() -> service.list(query(alice, alice, PageRequest.newest()))).isInstanceOf(UnknownUser.class);
    }

    @Test
    void page_requests_take_a_limit_from_1_to_200() {
        assertThat(page(1, null, null).limit()).isEqualTo(1);
        assertThat(page(200, null, null).limit()).isEqualTo(200);
        assertThat(PageRequest.newest().limit()).isEqualTo(50);
        assertThatThrownBy(() -> page(0, null, null))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PAGE_SIZE));
        assertThatThrownBy(() -> page(201, null, null))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PAGE_SIZE));
    }

    @Test
    void page_requests_need_after_below_before() {
        assertThat(page(10, new MessageId(5), new MessageId(4)).catchingUp()).isFalse();
        assertThatThrownBy(() -> page(10, new MessageId(5), new MessageId(5)))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PAGE_AFTER));
        assertThatThrownBy(() -> page(10, new MessageId(5), new MessageId(6)))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PAGE_AFTER));
    }

    @Test
    void only_after_means_catching_up() {
        assertThat(page(10, null, new MessageId(3)).catchingUp()).isTrue();
        assertThat(page(10, new MessageId(3), null).catchingUp()).isFalse();
        assertThat(PageRequest.newest().catchingUp()).isFalse();
    }

    /** {@code count} messages between alice and bob, alternating senders, oldest first. */
    private List<Message> conversation(int count) {
        ChatThread thread = storage.threads().getOrCreate(Participants.of(alice.id(), bob.id()), ChatFixtures.T0);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            User sender = i % 2 == 0 ? alice : bob;
            sent.add(storage.messages().append(thread.compose(sender.id(), new MessageContent.Text("message " + i),
                    ChatFixtures.T0.plusSeconds(i))));
        }
        return sent;
    }

    private static ListConversation.Query query(User viewer, User other, PageRequest page) {
        return new ListConversation.Query(viewer.id(), other.id(), page);
    }

    private static PageRequest page(int limit, MessageId before, MessageId after) {
        return new PageRequest(limit, before == null ? OptionalLong.empty() : OptionalLong.of(before.value()),
                after == null ? OptionalLong.empty() : OptionalLong.of(after.value()));
    }

    private static PageRequest bounds(int limit, OptionalLong before, OptionalLong after) {
        return new PageRequest(limit, before, after);
    }
}
