package io.everycloud.portal.web;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.portal.PortalConfig;
import io.everycloud.portal.branding.Branding;
import io.everycloud.portal.branding.BrandingFile;
import io.everycloud.portal.branding.BrandingService;
import io.everycloud.portal.session.PortalSession;
import io.everycloud.portal.session.SessionService;
import io.everycloud.portal.upstream.UpstreamException;
import io.quarkus.qute.TemplateInstance;

/**
 * What the page resources share, per request: the session from the cookie, the CSRF check of
 * form posts, the page context for the layout, and HTML responses with the session cookie and
 * the security headers.
 */
@RequestScoped
public class PortalWeb {

    /** Pages may load only this service's scripts; styles inline (the theme) or own; images also from apps' https logos. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Inject
    HttpHeaders headers;

    @Inject
    SessionService sessions;

    @Inject
    BrandingService branding;

    @Inject
    PortalConfig config;

    @Inject
    EveryCloudConfig everycloud;

    private PortalSession session;
    private String newCookieSecret;
    private boolean looked;
    private boolean clearCookie;

    /** The session the cookie names, if it is alive. */
    public Optional<PortalSession> session() {
        if (!looked) {
            looked = true;
            Cookie cookie = headers.getCookies().get(config.session().cookieName());
            session = cookie == null ? null : sessions.find(cookie.getValue()).orElse(null);
        }
        return Optional.ofNullable(session);
    }

    /** The session, opened (and its cookie set on the response) when there is none: forms need its CSRF token. */
    public PortalSession ensureSession() {
        return session().orElseGet(() -> {
            SessionService.Opened opened = sessions.open(null);
            use(opened);
            return session;
        });
    }

    /** Switches the response to a new session (after signing in). */
    public void use(SessionService.Opened opened) {
        session = opened.session();
        newCookieSecret = opened.cookieSecret();
        looked = true;
        clearCookie = false;
    }

    /** Ends the session in the browser too. */
    public void forget() {
        session = null;
        newCookieSecret = null;
        looked = true;
        clearCookie = true;
    }

    /** Refuses a form post whose CSRF token is missing or not the session's (403). */
    public PortalSession checkCsrf(String submitted) {
        PortalSession current = session().orElse(null);
        if (!SessionService.csrfMatches(current, submitted)) {
            throw new CsrfRefusedException();
        }
        return current;
    }

    /**
     * For a form post of a signed-in page: checks the CSRF token ({@link CsrfRefusedException}
     * otherwise) and gives the session's access token, or null when nobody is signed in (the
     * caller sends them to sign in first).
     */
    public String signedInToken(String submittedCsrf) {
        PortalSession current = checkCsrf(submittedCsrf);
        return current.signedIn() ? sessions.accessToken(current).orElse(null) : null;
    }

    /** The page context for the layout. */
    public PageContext context(String pageTitle) {
        Branding current = branding.branding();
        PortalSession s = session().orElse(null);
        return new PageContext(pageTitle, current, branding.pagePath(BrandingFile.LOGO),
                branding.pagePath(BrandingFile.FAVICON), branding.pagePath(BrandingFile.DEVICE_PICTURE),
                readableOn(current.theme().primary()), s == null ? "" : s.csrfToken(),
                s != null && s.signedIn(), s == null ? null : s.email());
    }

    /** The page context for a page with forms: makes sure a session (and so a CSRF token) exists. */
    public PageContext formContext(String pageTitle) {
        ensureSession();
        return context(pageTitle);
    }

    public Response html(TemplateInstance page) {
        return html(Response.Status.OK.getStatusCode(), page);
    }

    public Response html(int status, TemplateInstance page) {
        return finish(Response.status(status).entity(page.render()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")));
    }

    /** 303 See Other, so a reload after a form post does not post again. */
    public Response redirect(String location) {
        return finish(Response.seeOther(URI.create(location)));
    }

    /** Sends to the sign-in page, remembering where the user wanted to go. */
    public Response signInFirst(String next) {
        PortalSession s = ensureSession();
        sessions.rememberNext(s, next);
        return redirect("/login?next=" + encode(next));
    }

    /** A message for an upstream failure, with its field details. */
    public static String readable(UpstreamException e) {
        // A field list says more than the summary ("2 fields are invalid") it comes with.
        return capitalize(e.details().isEmpty() ? e.message()
                : String.join("; ", e.details().stream().map(PortalWeb::humanize).toList()));
    }

    /** "currentPassword: is wrong" → "Current password: is wrong": field names in the user's words. */
    static String humanize(String detail) {
        int colon = detail.indexOf(": ");
        if (colon <= 0) {
            return capitalize(detail);
        }
        String field = detail.substring(0, colon).replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ')
                .toLowerCase(java.util.Locale.ROOT);
        return capitalize(field) + detail.substring(colon);
    }

    /** Only same-site paths are followed after sign-in, never another host. */
    public static String safeNext(String next, String fallback) {
        if (next == null || next.isEmpty() || next.length() > 2048 || !next.startsWith("/") || next.startsWith("//")
                || next.startsWith("/\\") || next.chars().anyMatch(c -> c < 0x20)) {
            return fallback;
        }
        return next;
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Response finish(Response.ResponseBuilder builder) {
        builder.header("Cache-Control", "no-store")
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin");
        if (newCookieSecret != null) {
            builder.cookie(cookie(newCookieSecret, (int) config.session().idleTimeout().toSeconds()));
        } else if (clearCookie) {
            builder.cookie(cookie("", 0));
        }
        return builder.build();
    }

    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(config.session().cookieName()).value(value).path("/")
                .httpOnly(true).secure(everycloud.publicUrl().startsWith("https:"))
                .sameSite(NewCookie.SameSite.LAX).maxAge(maxAge).build();
    }

    /** Black or white text on a background colour, whichever contrasts more (WCAG relative luminance). */
    static String readableOn(String hex) {
        if (hex == null || !hex.matches("#[0-9A-Fa-f]{6}")) {
            return "#FFFFFF";
        }
        double r = channel(Integer.parseInt(hex.substring(1, 3), 16));
        double g = channel(Integer.parseInt(hex.substring(3, 5), 16));
        double b = channel(Integer.parseInt(hex.substring(5, 7), 16));
        double luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        double withWhite = 1.05 / (luminance + 0.05);
        double withBlack = (luminance + 0.05) / 0.05;
        return withWhite >= withBlack ? "#FFFFFF" : "#000000";
    }

    private static double channel(int value) {
        double c = value / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static String capitalize(String text) {
        return text == null || text.isEmpty() ? "Something went wrong" : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
