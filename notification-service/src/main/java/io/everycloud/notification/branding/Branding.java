package io.everycloud.notification.branding;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What emails are branded with, from the portal's branding.json and asset URLs. Values that end
 * up inside HTML attributes or CSS are checked here (colours, http(s) URLs) so a bad branding file
 * cannot break out of the markup; anything invalid falls back to the default.
 */
public record Branding(String companyName, String title, String description, String logoUrl, String devicePictureUrl,
        String primaryColor, String secondaryColor, String accentColor, Map<String, String> links) {

    /** Names templates may use for branding. */
    public static final List<String> VARIABLES = List.of("companyName", "title", "description", "logoUrl",
            "devicePictureUrl", "primaryColor", "secondaryColor", "accentColor", "links", "publicUrl", "productId");

    /** Keys of {@code links} (the seed's branding.json). */
    public static final List<String> LINKS = List.of("info", "terms", "contactUs", "help", "helpDevice", "helpApp");

    private static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{3,8}|[a-zA-Z]{3,20}|rgba?\\([0-9., %]{5,40}\\)");

    /** The seed's default branding.json, with the portal's default asset paths. */
    public static Branding defaults(String publicUrl) {
        Map<String, String> links = new LinkedHashMap<>();
        LINKS.forEach(l -> links.put(l, ""));
        return new Branding("Exosite", "Product portal", "Product consumer portal page description",
                publicUrl + "/vendor/brandlogo.png", publicUrl + "/vendor/device.png", "#2C9DB6", "#222736", "#F15C2E",
                Map.copyOf(links));
    }

    /** Branding from a branding.changed.v1 event; missing or unusable fields keep their defaults. */
    public static Branding from(JsonNode json, String logoUrl, String devicePictureUrl, String publicUrl) {
        Branding d = defaults(publicUrl);
        JsonNode theme = json.path("theme");
        Map<String, String> links = new LinkedHashMap<>();
        for (String l : LINKS) {
            String value = json.path("links").path(l).asText("");
            links.put(l, isHttpUrl(value) ? value : "");
        }
        return new Branding(text(json, "companyName", d.companyName), text(json, "title", d.title),
                text(json, "description", d.description), isHttpUrl(logoUrl) ? logoUrl : d.logoUrl,
                isHttpUrl(devicePictureUrl) ? devicePictureUrl : d.devicePictureUrl,
                colour(theme.path("primary").asText(null), d.primaryColor),
                colour(theme.path("secondary").asText(null), d.secondaryColor),
                colour(theme.path("accent").asText(null), d.accentColor), Map.copyOf(links));
    }

    /** The template variables (see {@link #VARIABLES}). */
    public Map<String, Object> variables(String publicUrl, String productId) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("companyName", companyName);
        vars.put("title", title);
        vars.put("description", description);
        vars.put("logoUrl", logoUrl);
        vars.put("devicePictureUrl", devicePictureUrl);
        vars.put("primaryColor", primaryColor);
        vars.put("secondaryColor", secondaryColor);
        vars.put("accentColor", accentColor);
        vars.put("links", links);
        vars.put("publicUrl", publicUrl);
        vars.put("productId", productId);
        return vars;
    }

    private static String text(JsonNode json, String field, String fallback) {
        String value = json.path(field).asText("").strip();
        return value.isEmpty() ? fallback : value.length() > 200 ? value.substring(0, 200) : value;
    }

    private static String colour(String value, String fallback) {
        return value != null && COLOUR.matcher(value.strip()).matches() ? value.strip() : fallback;
    }

    static boolean isHttpUrl(String value) {
        if (value == null || value.isBlank() || value.length() > 2048) {
            return false;
        }
        try {
            java.net.URI uri = java.net.URI.create(value.strip());
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
