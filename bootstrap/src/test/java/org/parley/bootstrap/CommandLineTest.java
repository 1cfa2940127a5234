package org.parley.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt run(String... args) {
        return CommandLine.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentStartsTheServer() {
        assertThat(run()).isEmpty();
        assertThat(out()).isEmpty();
        assertThat(err()).isEmpty();
    }

    @Test
    void versionPrintsTheBuildsVersionAndCommitOnOneLine() {
        assertThat(run("--version")).hasValue(0);
        // The build filled in build.properties: the project's version, and the commit when built in a git work tree.
        assertThat(out()).matches("Parley \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?( \\(commit [0-9a-f]{7,40}\\))?\\n");
        assertThat(out()).startsWith(BuildInfo.current().line());
        assertThat(BuildInfo.current().version()).isNotEqualTo("unknown");
        assertThat(err()).isEmpty();
    }

    @Test
    void helpPrintsEverySettingWithItsDefault() {
        assertThat(run("--help")).hasValue(0);
        assertThat(out()).startsWith("Usage: java -jar parley.jar [--help | --version]");
        for (SettingsTable.Setting setting : SettingsTable.packaged().settings()) {
            assertThat(out()).contains("\n" + String.join(" / ", setting.names()) + "\n    default: ");
        }
        assertThat(out()).contains("\nPARLEY_PORT\n    default: 8080\n    HTTP and websocket port (0: any free port)\n");
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(out()).doesNotContain("`").doesNotContain("](");
        assertThat(run("-h")).hasValue(0);
        assertThat(err()).isEmpty();
    }

    @Test
    void anAnswerThatCannotBeWrittenIsExitCodeOneAndOneLineOnStandardError() {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        for (String argument : new String[] {"--version", "--help"}) {
            err.reset();
            PrintStream failing = new PrintStream(full, false, StandardCharsets.UTF_8);
            OptionalInt exit = CommandLine.run(new String[] {argument}, failing,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as(argument).hasValue(1);
            assertThat(err()).isEqualTo("Parley: cannot write to standard output\n");
        }
    }

    @Test
    void anUnknownArgumentIsOneLineAndExitCodeTwo() {
        assertThat(run("--verbose")).hasValue(2);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("Parley: unknown argument '--verbose'; usage: java -jar parley.jar [--help | "
                + "--version]; settings are PARLEY_* environment variables (--help lists them)\n");
    }

    @Test
    void anArgumentIsShownOnOneLineAndShortened() {
        assertThat(run("bad\nline\u001b[2J" + "x".repeat(100))).hasValue(2);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).startsWith("Parley: unknown argument 'bad?line?[2J" + "x".repeat(28) + "…'");
    }

    @Test
    void twoArgumentsAreRefusedEvenIfEachIsKnown() {
        assertThat(run("--help", "--version")).hasValue(2);
        assertThat(out()).isEmpty();
        assertThat(err()).startsWith("Parley: one argument at most, got 2; usage:");
    }
}
