package org.parley.application.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Two storage round trips whatever the number of threads: the threads with their last messages, then the people. */
public final class ListMyThreadsService implements ListMyThreads {

    private final UserAccounts users;
    private final ThreadRepository threads;

    public ListMyThreadsService(UserAccounts users, ThreadRepository threads) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
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
        List<ThreadSummary> summaries = new ArrayList<>(activity.size());
        for (ThreadActivity item : activity) {
            User other = people.get(item.thread().participants().otherThan(me));
            if (other != null) {
                summaries.add(new ThreadSummary(item.thread(), myself, other, item.lastMessage()));
            }
        }
        return summaries;
    }
}
