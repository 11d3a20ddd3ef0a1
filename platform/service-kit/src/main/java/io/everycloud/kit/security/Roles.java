package io.everycloud.kit.security;

/** The roles carried in the {@code groups} claim of user-service's tokens. */
public final class Roles {

    /** The product's operators (the OEM). */
    public static final String OEM = "oem";
    /** End users (device owners). */
    public static final String USER = "user";
    /** Applications (client credentials); the token subject is the app id. */
    public static final String APP = "app";

    private Roles() {
    }
}
