package io.everycloud.bench.floor;

import java.util.Map;

import io.everycloud.testkit.TestInfrastructure;
import io.everycloud.testkit.TestIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Only the testkit's token issuer: the floor app has no database and no Kafka. */
public class IssuerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("everycloud.issuer-url", TestInfrastructure.issuer().url(), "everycloud.token-issuer", TestIssuer.ISSUER);
    }

    @Override
    public void stop() {
        // the issuer lives until the JVM exits
    }
}
