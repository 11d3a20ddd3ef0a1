package io.everycloud.bench.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The floor app checks tokens as the services do only while its settings are the kit's: it does not
 * depend on the kit (that would bring the datasource, Kafka and the rest of what the floor leaves
 * out), so it copies the kit's token settings, and this test keeps the copy equal to them.
 */
class TokenSettingsTest {

    @Test
    void theFloorChecksTokensWithTheKitsSettings() throws IOException {
        Map<String, String> kit = tokenSettings(Path.of("../../../platform/service-kit/src/main/resources/META-INF/microprofile-config.properties"));
        Map<String, String> floor = tokenSettings(Path.of("src/main/resources/application.properties"));
        assertTrue(kit.containsKey("quarkus.oidc.token.issuer"), "the kit's token settings were read: " + kit);
        assertEquals(kit, floor, "the floor app's token settings");
    }

    /** The settings of quarkus-oidc and of when the HTTP layer authenticates. */
    private static Map<String, String> tokenSettings(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().stream()
                .filter(name -> name.startsWith("quarkus.oidc.") || name.startsWith("quarkus.http.auth."))
                .forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }
}
