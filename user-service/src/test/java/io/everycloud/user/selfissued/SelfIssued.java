package io.everycloud.user.selfissued;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.everycloud.testkit.EveryCloudTestResource;
import io.everycloud.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service verifying the tokens it issues itself, as in the local suite: its quarkus-oidc
 * fetches the JWKS from its own {@code /oauth/jwks}. The port is chosen before start so the issuer
 * URL can name it (quarkus-oidc retries the issuer, down while the service boots, on first use).
 */
public class SelfIssued implements QuarkusTestProfile {

    public static final String ISSUER = "http://everycloud.self.test";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    /** The testkit's infrastructure, with the issuer pointed at the service under test. */
    public static class Resource implements QuarkusTestResourceLifecycleManager {

        private final EveryCloudTestResource infrastructure = new EveryCloudTestResource();

        @Override
        public void init(Map<String, String> initArgs) {
            infrastructure.init(Map.of("database", "user"));
        }

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(infrastructure.start());
            int port = Ports.free();
            config.put("quarkus.http.test-port", Integer.toString(port));
            config.put("everycloud.issuer-url", "http://127.0.0.1:" + port);
            config.put("everycloud.token-issuer", ISSUER);
            return config;
        }

        @Override
        public void stop() {
            infrastructure.stop();
        }
    }
}
