package org.parley.bootstrap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting, with its default and meaning: the README's "Configuration" table, the one place they are written.
 * Bootstrap's build packages the README next to this class ({@value #RESOURCE}), so {@code --help} prints what a
 * reader of the README sees and the warning about an unknown {@code PARLEY_*} name knows every setting.
 * {@code SettingsTableTest} holds the table to {@link ParleyConfig}: the names it lists are exactly those
 * {@code ParleyConfig} reads, and every default written as a plain value is the one {@code ParleyConfig} applies.
 *
 * <p>A row is {@code | `PARLEY_X` | default | meaning |}; a row may name several settings ({@code `PARLEY_DB_USER` /
 * `PARLEY_DB_PASSWORD`}). The table ends at the first line that is not a row.
 */
final class SettingsTable {

    /** The README, as the build copies it next to this class. */
    static final String RESOURCE = "README.md";
    static final String HEADING = "## Configuration";
    private static final int WIDTH = 100;
    private static final String INDENT = "    ";
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)");
    private static final Pattern SETTING_NAME = Pattern.compile("PARLEY_[A-Z0-9_]+");

    /**
     * One row of the table.
     *
     * @param names        the settings it describes, e.g. {@code [PARLEY_PORT]}
     * @param defaultValue the default as written (Markdown)
     * @param meaning      what it does, as written (Markdown)
     */
    record Setting(List<String> names, String defaultValue, String meaning) {
        Setting {
            names = List.copyOf(names);
            Objects.requireNonNull(defaultValue, "defaultValue");
            Objects.requireNonNull(meaning, "meaning");
        }
    }

    private final List<Setting> settings;

    private SettingsTable(List<Setting> settings) {
        if (settings.isEmpty()) {
            throw new IllegalStateException("The settings table (" + HEADING + " in " + RESOURCE + ") has no rows");
        }
        this.settings = List.copyOf(settings);
    }

    /** The table of the README packaged with this class. */
    static SettingsTable packaged() {
        try (InputStream in = SettingsTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The settings table is missing: " + RESOURCE
                        + " was not packaged next to " + SettingsTable.class.getName());
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the settings table from " + RESOURCE, e);
        }
    }

    /** The table under {@value #HEADING} in these lines of Markdown. */
    static SettingsTable parse(List<String> lines) {
        List<Setting> rows = new ArrayList<>();
        int at = lines.indexOf(HEADING);
        if (at < 0) {
            throw new IllegalStateException("No '" + HEADING + "' heading in " + RESOURCE);
        }
        boolean inTable = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("| `PARLEY_")) {
                inTable = true;
                String[] cells = line.split("\\|", -1);
                if (cells.length != 5) {
                    throw new IllegalStateException("A settings row needs three cells: " + line);
                }
                List<String> names = new ArrayList<>();
                Matcher name = SETTING_NAME.matcher(cells[1]);
                while (name.find()) {
                    names.add(name.group());
                }
                rows.add(new Setting(names, cells[2].strip(), cells[3].strip()));
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        return new SettingsTable(rows);
    }

    List<Setting> settings() {
        return settings;
    }

    /** Every setting's name, in the table's order. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        settings.forEach(setting -> names.addAll(setting.names()));
        return names;
    }

    /**
     * One warning line for each name {@code source} was given that is no setting, naming the closest setting
     * ({@link ClosestName}) when one is close. Such a name is ignored, and start-up goes on.
     */
    List<String> unknown(ConfigSource source) {
        Set<String> known = names();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> given : source.given().entrySet()) {
            String name = given.getKey();
            if (known.contains(name)) {
                continue;
            }
            String shown = printable(name);
            warnings.add(ClosestName.among(name, known)
                    .map(closest -> "Unknown setting " + shown + " (in " + given.getValue() + ") is ignored: did you "
                            + "mean " + closest + "? (java -jar parley.jar --help lists every setting)")
                    .orElse("Unknown setting " + shown + " (in " + given.getValue() + ") is ignored: no setting has "
                            + "a similar name (java -jar parley.jar --help lists every setting)"));
        }
        return warnings;
    }

    /** What {@code --help} prints: how to run Parley, then every setting with its default and meaning. */
    String help() {
        StringBuilder text = new StringBuilder()
                .append("Usage: java -jar parley.jar [--help | --version]\n\n")
                .append(wrap("Without an argument Parley starts, configured by the environment variables below (a "
                        + "properties file named by PARLEY_CONFIG_FILE, with the same names as keys, may hold "
                        + "defaults; the environment wins). An empty value counts as unset. A bad value stops "
                        + "start-up with one line naming it and exit code 2. --version prints the version, --help "
                        + "this text.", ""))
                .append('\n');
        for (Setting setting : settings) {
            text.append('\n').append(String.join(" / ", setting.names())).append('\n')
                    .append(wrap("default: " + plain(setting.defaultValue()), INDENT))
                    .append(wrap(plain(setting.meaning()), INDENT));
        }
        return text.toString();
    }

    /** Markdown as plain text: code spans, links and emphasis lose their marks. */
    static String plain(String markdown) {
        String text = LINK.matcher(markdown).replaceAll("$1");
        text = CODE.matcher(text).replaceAll("$1");
        return text.replace("**", "");
    }

    /** {@code text} in lines of at most {@link #WIDTH} characters (longer words stay whole), each with the indent. */
    private static String wrap(String text, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" +")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }

    /** A name as a log line may show it: at most 64 characters, control characters as {@code ?}. */
    private static String printable(String name) {
        String shortened = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return shortened.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
