package io.everycloud.registry.product;

/**
 * {@code GET|PUT /api/product}: {@code provisioning} is {@code whitelist} (only provisioned
 * identities activate) or {@code open} (an unknown identity is created when it activates);
 * {@code transform} is the JSONata expression applied to {@code data_in} before routing (null: none).
 */
public record ProductSettings(String provisioning, String transform) {

    public static final String WHITELIST = "whitelist";
    public static final String OPEN = "open";

    public boolean open() {
        return OPEN.equals(provisioning);
    }
}
