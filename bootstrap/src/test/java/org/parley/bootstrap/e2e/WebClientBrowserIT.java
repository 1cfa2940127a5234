package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client served at {@code /} (issue 15), used in a real browser: starts the packaged jar as users do, then runs
 * {@code web-tests/} ({@code node --test}: playwright-core driving Debian's Chromium, headless) against it — two people
 * register in two browser contexts and chat, upload and download a file, page back, catch up after a reload and a
 * dropped connection, edit and delete, share a profile card, see seen ticks, unread counts, presence and typing.
 *
 * <p>Needs Node.js (20+, with npm: {@code npm ci} installs the pinned playwright-core from the npm registry the first
 * time, never a browser) and Chromium ({@code /usr/bin/chromium}, or {@code -Dparley.test.chromium=…}). Without
 * either it is skipped with one line, and on CI ({@code CI} set, as {@code .ci/run} does) it fails instead.
 * Screenshots of the main screens go to {@code bootstrap/target/web-client-screenshots}; to refresh the ones in
 * {@code docs/}, run it with {@code -Dparley.test.screenshots=docs} (a directory of the repository).
 */
class WebClientBrowserIT {

    private static final long RUN_TIMEOUT_SECONDS = 150;

    private final Path repository = Path.of(System.getProperty("parley.repository", "..")).toAbsolutePath().normalize();
    private final Path webTests = repository.resolve("web-tests");
    private final Path chromium = Path.of(System.getProperty("parley.test.chromium", "/usr/bin/chromium"));

    @Test
    void twoPeopleChatInChromiumThroughTheWebClient(@TempDir Path dataDir) throws Exception {
        requireTools();
        npmCi();
        Path screenshots = screenshotDirectory();
        try (ParleyJar parley = ParleyJar.start(dataDir, Map.of())) {
            List<String> output = new ArrayList<>();
            int exit = run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "chat.test.mjs"),
                    Map.of("PARLEY_URL", parley.httpBase(),
                            "PARLEY_CHROMIUM", chromium.toString(),
                            "PARLEY_SCREENSHOTS", screenshots.toString()),
                    output);
            assertThat(exit)
                    .as("node --test web-tests/chat.test.mjs:\n%s\n\nParley's log:\n%s",
                            String.join("\n", output), String.join("\n", parley.output()))
                    .isZero();
        }
    }

    private void requireTools() throws InterruptedException {
        String missing = null;
        if (!Files.isExecutable(chromium)) {
            missing = chromium + " is not installed (apt-get install chromium)";
        } else if (!runs("node", "--version") || !runs("npm", "--version")) {
            missing = "Node.js 20+ and npm are not on the PATH";
        }
        if (missing == null) {
            return;
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            throw new AssertionError("The web client's browser test needs Node.js and Chromium on CI (CI=" + ci + "), but "
                    + missing);
        }
        announce("WebClientBrowserIT skipped: " + missing + " (on CI, with CI set, it fails instead)");
        Assumptions.abort(missing);
    }

    /** {@code npm ci} when web-tests' installed packages are missing or older than its lock file. */
    private void npmCi() throws IOException, InterruptedException {
        Path installed = webTests.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(webTests.resolve("package-lock.json"))) >= 0) {
            return;
        }
        List<String> output = new ArrayList<>();
        int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), output);
        assertThat(exit).as("npm ci in %s:\n%s", webTests, String.join("\n", output)).isZero();
    }

    private Path screenshotDirectory() throws IOException {
        String asked = System.getProperty("parley.test.screenshots", "").strip();
        Path directory = asked.isEmpty() ? Path.of("target", "web-client-screenshots").toAbsolutePath()
                : repository.resolve(asked);
        return Files.createDirectories(directory);
    }

    private static boolean runs(String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command in web-tests with these variables added, keeping its output; its exit code. */
    private int run(List<String> command, Map<String, String> environment, List<String> output)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(webTests.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        // playwright-core never downloads a browser; say so to anything else that might try.
        builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Process process = builder.start();
        List<String> lines = Collections.synchronizedList(output);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(line -> {
                    lines.add(line);
                    System.out.println(line);
                });
            } catch (IOException | UncheckedIOException ignored) {
                // the process ended
            }
        });
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + RUN_TIMEOUT_SECONDS
                    + " s:\n" + String.join("\n", output));
        }
        read.join();
        return process.exitValue();
    }

    /** One line on the process's own standard error: the console sees it even with -q and output redirected. */
    @SuppressWarnings("resource")
    private static void announce(String line) {
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8).println("[parley] " + line);
    }
}
