package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.ws.rs.core.Context;
import org.junit.jupiter.api.Test;

/**
 * {@link CallerParameter} hands a resource method the caller {@link BearerTokenFilter} recorded, and that filter runs
 * only for {@link Authenticated} methods: every resource method that takes a {@code @Context Caller} must be
 * {@link Authenticated}, or it would answer 500 to every request (and the filter's 401 would never come).
 */
class CallerParameterGuardTest {

    @Test
    void everyResourceMethodThatTakesTheCallerIsAuthenticated() throws Exception {
        List<String> takingTheCaller = new ArrayList<>();
        List<String> unguarded = new ArrayList<>();
        for (Class<?> type : classesOfThisPackage()) {
            for (Method method : type.getDeclaredMethods()) {
                for (Parameter parameter : method.getParameters()) {
                    if (parameter.getType() == Caller.class) {
                        String name = type.getSimpleName() + "." + method.getName();
                        takingTheCaller.add(name);
                        assertThat(parameter.isAnnotationPresent(Context.class)).as(name).isTrue();
                        if (!method.isAnnotationPresent(Authenticated.class)) {
                            unguarded.add(name);
                        }
                    }
                }
            }
        }
        assertThat(takingTheCaller).as("the resource methods that read the caller")
                .contains("AuthResource.me", "ChatResource.messages", "ChatResource.threadFiles",
                        "ChatResource.attachment", "ChatResource.threads", "ChatResource.seen",
                        "MessageChangesResource.edit", "MessageChangesResource.delete", "PresenceResource.presence");
        assertThat(unguarded).isEmpty();
    }

    private static List<Class<?>> classesOfThisPackage() throws IOException, URISyntaxException,
            ClassNotFoundException {
        Path folder = Path.of(Caller.class.getResource("Caller.class").toURI()).getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    classes.add(Class.forName(Caller.class.getPackageName() + "."
                            + name.substring(0, name.length() - ".class".length())));
                }
            }
        }
        return classes;
    }
}
