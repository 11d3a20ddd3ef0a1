package io.everycloud.portal.branding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.PortalEvents;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.portal.PortalConfig;

/**
 * The branding files in force: the OEM's uploads (kept in the database, so they survive
 * upgrades) or the defaults shipped in the service. Every change announces
 * {@code branding.changed.v1} in the same transaction.
 */
@ApplicationScoped
public class BrandingService {

    @Inject
    EntityManager entityManager;

    @Inject
    Outbox outbox;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    PortalConfig config;

    @Inject
    BrandingJsonValidator jsonValidator;

    @Inject
    ImageContentValidator imageValidator;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<BrandingFile, BrandingAsset> defaults = new EnumMap<>(BrandingFile.class);

    public BrandingService() {
        for (BrandingFile file : BrandingFile.values()) {
            byte[] content = resource("branding/defaults/" + file.fileName());
            defaults.put(file, new BrandingAsset(file, content, file.defaultContentType(), etagOf(content), false));
        }
    }

    /** The content served now for a file. */
    @Transactional
    public BrandingAsset current(BrandingFile file) {
        BrandingAssetEntity stored = entityManager.find(BrandingAssetEntity.class, file.fileName());
        if (stored == null) {
            return defaults.get(file);
        }
        return new BrandingAsset(file, stored.content, stored.contentType, stored.etag, true);
    }

    /** The shipped default of a file. */
    public BrandingAsset defaultOf(BrandingFile file) {
        return defaults.get(file);
    }

    /** branding.json in force, as the pages use it. */
    public Branding branding() {
        return toBranding(readJson(current(BrandingFile.BRANDING_JSON).content()));
    }

    /** The absolute public URL of a file, versioned by its content so caches and mail clients refetch. */
    public String publicUrl(BrandingFile file) {
        return publicUrl(file, current(file).etag());
    }

    /**
     * The same-origin path of a file for pages ({@code /vendor/brandlogo.png?v=<etag>}): pages are
     * served from wherever the browser reached the portal, which is not always the public URL.
     */
    public String pagePath(BrandingFile file) {
        return "/vendor/" + file.fileName() + "?v=" + current(file).etag();
    }

    /** Validates and stores an upload, then announces the branding now in force. */
    @Transactional
    public BrandingAsset replace(BrandingFile file, byte[] content) {
        int limit = file.isImage() ? config.branding().maxImageBytes() : config.branding().maxJsonBytes();
        if (content.length > limit) {
            throw ProblemException.tooLarge(file.fileName() + " has " + content.length + " bytes; the limit is " + limit);
        }
        String contentType = file.isImage() ? imageValidator.validate(file, content) : jsonContentType(content);
        String etag = etagOf(content);
        entityManager.createNativeQuery("""
                INSERT INTO branding_asset (name, content, content_type, etag, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, content_type = EXCLUDED.content_type,
                    etag = EXCLUDED.etag, updated_at = EXCLUDED.updated_at""")
                .setParameter(1, file.fileName()).setParameter(2, content).setParameter(3, contentType)
                .setParameter(4, etag).setParameter(5, Instant.now())
                .executeUpdate();
        entityManager.clear();
        announce();
        return new BrandingAsset(file, content, contentType, etag, true);
    }

    /** Removes the upload of a file, so its default is served again, and announces it. */
    @Transactional
    public BrandingAsset restoreDefault(BrandingFile file) {
        entityManager.createNativeQuery("DELETE FROM branding_asset WHERE name = ?1")
                .setParameter(1, file.fileName()).executeUpdate();
        entityManager.clear();
        announce();
        return defaults.get(file);
    }

    private String jsonContentType(byte[] content) {
        jsonValidator.validate(content);
        return "application/json";
    }

    private void announce() {
        Map<BrandingFile, String> etags = new EnumMap<>(BrandingFile.class);
        for (BrandingFile file : BrandingFile.values()) {
            etags.put(file, current(file).etag());
        }
        JsonNode branding = readJson(current(BrandingFile.BRANDING_JSON).content());
        outbox.publish(everycloud.productId(), new PortalEvents.BrandingChanged(branding,
                publicUrl(BrandingFile.LOGO, etags.get(BrandingFile.LOGO)),
                publicUrl(BrandingFile.DEVICE_PICTURE, etags.get(BrandingFile.DEVICE_PICTURE)),
                publicUrl(BrandingFile.FAVICON, etags.get(BrandingFile.FAVICON)),
                Instant.now()));
    }

    private String publicUrl(BrandingFile file, String etag) {
        String base = everycloud.publicUrl().replaceAll("/+$", "");
        return base + "/vendor/" + file.fileName() + "?v=" + etag;
    }

    private JsonNode readJson(byte[] content) {
        try {
            return mapper.readTree(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Branding toBranding(JsonNode json) {
        JsonNode theme = json.path("theme");
        JsonNode links = json.path("links");
        JsonNode landing = json.path("landingPage");
        List<String> specs = new ArrayList<>();
        landing.path("deviceSpecs").forEach(spec -> specs.add(spec.asText()));
        return new Branding(text(json, "title"), text(json, "description"), text(json, "companyName"),
                new Branding.Theme(text(theme, "primary"), text(theme, "secondary"), text(theme, "accent"),
                        text(theme, "error"), text(theme, "success")),
                text(json, "themeType"),
                new Branding.Links(text(links, "info"), text(links, "terms"), text(links, "contactUs"),
                        text(links, "help"), text(links, "helpDevice"), text(links, "helpApp")),
                new Branding.LandingPage(text(landing, "mainSlogan"), text(landing, "secondarySlogan"),
                        text(landing, "deviceName"), List.copyOf(specs)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : "";
    }

    static String etagOf(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing default branding file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
