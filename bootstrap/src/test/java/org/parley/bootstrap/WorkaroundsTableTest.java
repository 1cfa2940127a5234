package org.parley.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/workarounds.md} lists every place where Parley works around Grizzly, Tyrus or Jersey, and the versions
 * they were checked on. This test keeps the table honest:
 * <ul>
 *   <li>an upgrade of any of the three libraries fails it until someone has re-checked the table and written the new
 *       version down (the versions are read from the manifests of the jars on the class path);</li>
 *   <li>every class and test the table names exists (and every test method), and every row's versions are the
 *       table's;</li>
 *   <li>every production class whose Javadoc says what it "works around" has a row, and states the versions it was
 *       checked on (the table's) and the test that proves it.</li>
 * </ul>
 */
class WorkaroundsTableTest {

    /** A library version as a Javadoc or a row states it: "Grizzly 4.0.2". */
    private static final Pattern LIBRARY_VERSION = Pattern.compile("\\b(Grizzly|Tyrus|Jersey) (\\d+(?:\\.\\d+)*)");
    /** From "Checked on" to the end of its sentence (a version's dots are not followed by a space). */
    private static final Pattern CHECKED_ON = Pattern.compile("Checked on (.*?)(?:\\.\\s|;|\\.$)", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static Path root;
    private static List<String> lines;
    /** Library name ("Grizzly") to its row of the "Checked on" table: the bundle prefix and the version. */
    private static Map<String, Library> libraries;
    private static List<Row> workarounds;
    private static List<Row> reliedOn;

    private record Library(String name, String bundlePrefix, String version) {
    }

    /** A row of a five-column table: what, why, where, checked on, test. */
    private record Row(String what, String where, String checkedOn, String tests) {
    }

    @BeforeAll
    static void readTheTable() throws IOException {
        root = repositoryRoot();
        lines = Files.readAllLines(root.resolve("docs/workarounds.md"), StandardCharsets.UTF_8);
        libraries = new LinkedHashMap<>();
        for (List<String> cells : table("## Checked on")) {
            Library library = new Library(cells.get(0), code(cells.get(1)).get(0), cells.get(2));
            libraries.put(library.name(), library);
        }
        workarounds = rows("## Workarounds");
        reliedOn = rows("## Library behaviour Parley relies on");
    }

    @Test
    void theLibrariesOnTheClassPathAreTheVersionsTheTableWasCheckedOn() throws IOException {
        assertThat(libraries.keySet()).containsExactly("Grizzly", "Tyrus", "Jersey");
        Map<String, String> bundles = bundlesOnTheClassPath();
        for (Library library : libraries.values()) {
            Map<String, String> found = new TreeMap<>();
            bundles.forEach((name, version) -> {
                if (name.startsWith(library.bundlePrefix())) {
                    found.put(name, version);
                }
            });
            assertThat(found).as("jars of %s (bundles %s*) on the class path", library.name(), library.bundlePrefix())
                    .isNotEmpty();
            found.forEach((bundle, version) -> assertThat(version)
                    .withFailMessage("""
                            %s is %s on the class path, but docs/workarounds.md was checked on %s %s.
                            Re-check every workaround in docs/workarounds.md against %s %s: read the library code each \
                            row names and run the tests it names (mvn verify). Then write %s into the table "Checked \
                            on", into the "Checked on" column of the rows, and into the "Checked on" sentence of the \
                            Javadoc of each class they name.""",
                            bundle, version, library.name(), library.version(), library.name(), version, version)
                    .isEqualTo(library.version()));
        }
    }

    @Test
    void everyRowNamesClassesAndTestsThatExistAndTheTablesVersions() throws IOException {
        assertThat(workarounds).hasSizeGreaterThanOrEqualTo(10);
        assertThat(reliedOn).isNotEmpty();
        Map<String, Path> mainSources = sources("main");
        Map<String, Path> testSources = sources("test");
        for (Row row : concat(workarounds, reliedOn)) {
            assertThat(code(row.where())).as("where: %s", row.what()).isNotEmpty().allSatisfy(name -> {
                boolean resource = name.endsWith(".xml");
                assertThat(resource ? mainResource(name) : Optional.ofNullable(mainSources.get(name)))
                        .as("%s, named for \"%s\"", name, row.what()).isPresent();
            });
            assertThat(code(row.tests())).as("tests: %s", row.what()).isNotEmpty().allSatisfy(test -> {
                String className = test.contains(".") ? test.substring(0, test.indexOf('.')) : test;
                Path source = testSources.get(className);
                assertThat(source).as("test class %s, named for \"%s\"", className, row.what()).isNotNull();
                if (test.contains(".")) {
                    String method = test.substring(test.indexOf('.') + 1);
                    assertThat(read(source)).as("%s has a test %s", className, method).contains("void " + method + "(");
                }
            });
            assertThat(versions(row.checkedOn())).as("checked on: %s", row.what()).isNotEmpty()
                    .allSatisfy((library, version) -> assertThat(version)
                            .as("the version of %s in the row \"%s\"", library, row.what())
                            .isEqualTo(libraries.get(library).version()));
        }
    }

    @Test
    void everyWorkaroundClassHasARowAndStatesTheTablesVersionsAndItsTests() throws IOException {
        List<String> named = workarounds.stream().flatMap(row -> code(row.where()).stream()).toList();
        List<String> workaroundClasses = new ArrayList<>();
        sources("main").forEach((name, source) -> {
            if (read(source).contains("* <p>Works around")) {
                workaroundClasses.add(name);
            }
        });
        assertThat(workaroundClasses).as("classes whose Javadoc says what they work around").hasSizeGreaterThanOrEqualTo(9);
        assertThat(named).as("the classes named in the Workarounds table").containsAll(workaroundClasses);

        Map<String, Path> mainSources = sources("main");
        for (String name : named) {
            if (name.endsWith(".xml")) {
                continue;
            }
            String source = read(mainSources.get(name));
            Matcher checkedOn = CHECKED_ON.matcher(source);
            assertThat(checkedOn.find()).as("%s's Javadoc has a \"Checked on\" sentence", name).isTrue();
            Map<String, String> versions = versions(checkedOn.group(1));
            assertThat(versions).as("the versions in %s's \"Checked on\" sentence", name).isNotEmpty()
                    .allSatisfy((library, version) -> assertThat(version)
                            .as("%s's Javadoc: %s", name, library).isEqualTo(libraries.get(library).version()));
            if (workaroundClasses.contains(name)) {
                assertThat(source).as("%s's Javadoc names the test that proves it", name).containsIgnoringCase("proved by");
            }
        }
    }

    /** Every jar on the class path that is an OSGi bundle: symbolic name to version. */
    private static Map<String, String> bundlesOnTheClassPath() throws IOException {
        Map<String, String> bundles = new TreeMap<>();
        Enumeration<URL> manifests = WorkaroundsTableTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        for (URL url : Collections.list(manifests)) {
            try (InputStream in = url.openStream()) {
                Attributes attributes = new Manifest(in).getMainAttributes();
                String name = attributes.getValue("Bundle-SymbolicName");
                String version = attributes.getValue("Bundle-Version");
                if (name != null && version != null) {
                    bundles.put(name.split(";")[0].strip(), version.strip());
                }
            }
        }
        return bundles;
    }

    private static Map<String, String> versions(String text) {
        Map<String, String> versions = new LinkedHashMap<>();
        Matcher matcher = LIBRARY_VERSION.matcher(text);
        while (matcher.find()) {
            versions.put(matcher.group(1), matcher.group(2));
        }
        return versions;
    }

    /** Every {@code .java} file of every module's {@code src/<kind>/java}, by simple class name. */
    private static Map<String, Path> sources(String kind) throws IOException {
        Map<String, Path> sources = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path java = module.resolve("src").resolve(kind).resolve("java");
                if (Files.isDirectory(java)) {
                    try (Stream<Path> files = Files.walk(java)) {
                        files.filter(file -> file.getFileName().toString().endsWith(".java")).forEach(file ->
                                sources.put(file.getFileName().toString().replace(".java", ""), file));
                    }
                }
            }
        }
        return sources;
    }

    private static Optional<Path> mainResource(String name) {
        try (Stream<Path> modules = Files.list(root)) {
            return modules.map(module -> module.resolve("src/main/resources").resolve(name)).filter(Files::isRegularFile)
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of the five-column table under {@code heading}. */
    private static List<Row> rows(String heading) {
        return table(heading).stream().map(cells -> {
            assertThat(cells).as("a row under %s", heading).hasSize(5);
            return new Row(cells.get(0), cells.get(2), cells.get(3), cells.get(4));
        }).toList();
    }

    /** The body rows of the first table after {@code heading}, each as its cells. */
    private static List<List<String>> table(String heading) {
        int start = lines.indexOf(heading);
        assertThat(start).as("docs/workarounds.md has a section %s", heading).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            if (inTable && !line.startsWith("|---")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                rows.add(Stream.of(cells).map(String::strip).toList());
            }
            inTable = true;
        }
        return rows;
    }

    /** The texts in backticks. */
    private static List<String> code(String cell) {
        List<String> names = new ArrayList<>();
        Matcher matcher = CODE.matcher(cell);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/workarounds.md")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("docs/workarounds.md not found above " + Path.of("").toAbsolutePath());
    }
}
