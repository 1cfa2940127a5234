package org.parley.application.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.ReadMarkerRepository.ThreadReading;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Three storage round trips whatever the number of threads: the threads with their last messages, the people, and the
 * read markers with unread counts (contract §11; read after the threads, so a count may include a message newer than
 * the listed last message, never miss one older).
 */
public final class ListMyThreadsService implements ListMyThreads {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final ReadMarkerRepository markers;

    public ListMyThreadsService(UserAccounts users, ThreadRepository threads, ReadMarkerRepository markers) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.markers = Objects.requireNonNull(markers, "markers");
    }

    @Override
    public List<ThreadSummary> list(UserId me) {
        List<ThreadActivity> activity = threads.findActivityOf(me);
        if (activity.isEmpty()) {
            return List.of();
        }
        Set<UserId> ids = new HashSet<>();
        ids.add(me);
        activity.forEach(item -> ids.add(item.thread().participants().otherThan(me)));
        Map<UserId, User> people = users.findAllById(ids);
        User myself = people.get(me);
        if (myself == null) {
            return List.of();
        }
        Map<ThreadId, ThreadReading> reading = markers.findReadingOf(me);
        List<ThreadSummary> summaries = new ArrayList<>(activity.size());
        for (ThreadActivity item : activity) {
            User other = people.get(item.thread().participants().otherThan(me));
            if (other != null) {
                ThreadReading read = reading.getOrDefault(item.thread().id(), ThreadReading.nothing());
                summaries.add(new ThreadSummary(item.thread(), myself, other, item.lastMessage(), read.readState(),
                        read.unreadCount()));
            }
        }
        return summaries;
    }
}
