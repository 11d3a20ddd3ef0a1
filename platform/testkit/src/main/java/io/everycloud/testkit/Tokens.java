package io.everycloud.testkit;

import java.util.UUID;

/** Bearer tokens the services under test accept, minted by the {@link TestIssuer}. */
public final class Tokens {

    public static final String OEM_ID = "00000000-0000-0000-0000-00000000000e";

    public static String oem() {
        return TestInfrastructure.issuer().token(OEM_ID, "oem@everycloud.test", "oem");
    }

    public static String user(UUID userId) {
        return user(userId, "user-" + userId.toString().substring(0, 8) + "@everycloud.test");
    }

    public static String user(UUID userId, String email) {
        return TestInfrastructure.issuer().token(userId.toString(), email, "user");
    }

    /** An application's client-credentials token: the subject is its app id. */
    public static String app(String appId) {
        return TestInfrastructure.issuer().token(appId, null, "app");
    }

    public static String expired(String role) {
        return TestInfrastructure.issuer().expiredToken(UUID.randomUUID().toString(), role);
    }

    public static String foreign(String role) {
        return TestInfrastructure.issuer().foreignToken(UUID.randomUUID().toString(), role);
    }

    public static String wrongAudience(String role) {
        return TestInfrastructure.issuer().wrongAudienceToken(UUID.randomUUID().toString(), role);
    }

    /** {@code "Bearer <token>"}, for an Authorization header. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private Tokens() {
    }
}
