package io.everycloud.registry.resource;

import java.util.Set;
import java.util.regex.Pattern;

/** Aliases with a meaning in the product (seed and API.md), and the alias syntax. */
public final class ReservedAliases {

    public static final String PDAAS_CLAIM_CODE = "pdaas_claim_code";
    public static final String PDAAS_USER_EMAIL = "pdaas_user_email";
    public static final String PDAAS_RESET = "pdaas_reset";
    public static final String OTAU_IN = "otau_in";
    public static final String FW_VERSION = "fw_version";
    public static final String DATA_IN = "data_in";
    public static final String CONFIG_OTAU = "config_otau";

    /** Device writes of these are announced on registry.resource.v1 (other services act on them). */
    public static final Set<String> ANNOUNCED = Set.of(PDAAS_CLAIM_CODE, PDAAS_USER_EMAIL, PDAAS_RESET, OTAU_IN,
            FW_VERSION, DATA_IN);

    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public static boolean validAlias(String alias) {
        return alias != null && ALIAS.matcher(alias).matches();
    }

    private ReservedAliases() {
    }
}
