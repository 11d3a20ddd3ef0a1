package io.everycloud.helm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendering of the default values is checked in (src/test/resources/golden/default.yaml), so
 * every change to what the chart produces shows up in review. After an intended change, refresh
 * it with {@code ./mvnw -B -ntp verify -pl helm -Dgolden.update=true} and commit the file.
 */
class GoldenRenderingTest {

    static final String MASK = "R0VORVJBVEVE"; // base64 of "GENERATED"
    /** Keys of the Secrets' data that hold random values: passwords, the portal's session token key. */
    static final java.util.Set<String> GENERATED_KEYS = java.util.Set.of("password", "token-key");

    @Test
    void defaultRenderingMatchesTheGoldenFile() throws IOException {
        String rendered = maskGeneratedSecrets(Chart.template(null, java.util.Map.of()));
        Path golden = Path.of(System.getProperty("golden.dir", "src/test/resources/golden")).resolve("default.yaml");

        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, rendered);
        }

        assertThat(golden).as("golden file; create it with -Dgolden.update=true").exists();
        assertThat(rendered)
                .as("the default rendering changed; if intended, run ./mvnw -B -ntp verify -pl helm -Dgolden.update=true")
                .isEqualTo(Files.readString(golden));
    }

    /** Generated passwords and keys differ on every render; the golden file holds a fixed placeholder. */
    static String maskGeneratedSecrets(String yaml) {
        List<String> out = new ArrayList<>();
        boolean inSecret = false;
        boolean inData = false;
        for (String line : yaml.split("\n", -1)) {
            if (line.startsWith("---")) {
                inSecret = false;
                inData = false;
            } else if (line.equals("kind: Secret")) {
                inSecret = true;
            } else if (inSecret && line.equals("data:")) {
                inData = true;
            } else if (inData && line.startsWith("  ") && line.contains(": ")) {
                String key = line.substring(0, line.indexOf(": "));
                if (GENERATED_KEYS.contains(key.trim())) {
                    line = key + ": " + MASK;
                }
            } else if (!line.startsWith("  ")) {
                inData = false;
            }
            out.add(line);
        }
        return String.join("\n", out);
    }
}
