package io.everycloud.portal.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.portal.session.PortalSession;
import io.everycloud.portal.session.SessionService;
import io.everycloud.portal.upstream.ServicesClient;
import io.everycloud.portal.upstream.Tokens;
import io.everycloud.portal.upstream.UpstreamException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Sign-up, verification (the email's link), sign-in, password reset, the account page and
 * sign-out. Every form carries the session's CSRF token; user-service does the work.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class AccountPages {

    /** After signing in without a destination. */
    static final String HOME = "/devices";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signup(PageContext page, String next, String email, String name, String error);

        static native TemplateInstance login(PageContext page, String next, String email, String error, String notice);

        static native TemplateInstance message(PageContext page, String heading, String text, boolean success,
                String linkHref, String linkText);

        static native TemplateInstance passwordReset(PageContext page, String email, String error);

        static native TemplateInstance passwordResetConfirm(PageContext page, String token, String error);

        static native TemplateInstance account(PageContext page, String error, String notice);
    }

    @Inject
    PortalWeb web;

    @Inject
    ServicesClient services;

    @Inject
    SessionService sessions;

    private final ObjectMapper mapper = new ObjectMapper();

    // ---- sign-up ----

    @GET
    @Path("signup")
    public Response signupForm(@QueryParam("next") String next) {
        return web.html(Templates.signup(web.formContext("Create an account"), nextOrEmpty(next), "", "", null));
    }

    @POST
    @Path("signup")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signup(@FormParam("_csrf") String csrf, @FormParam("email") String email,
            @FormParam("password") String password, @FormParam("name") String name, @FormParam("next") String next) {
        PortalSession session = web.checkCsrf(csrf);
        String cleanEmail = email == null ? "" : email.trim();
        if (cleanEmail.isEmpty() || password == null || password.isEmpty()) {
            return web.html(400, Templates.signup(web.context("Create an account"), nextOrEmpty(next), cleanEmail,
                    name == null ? "" : name, "Please enter your email address and choose a password."));
        }
        try {
            services.signup(cleanEmail, password, name);
        } catch (UpstreamException e) {
            return web.html(e.status() >= 500 ? 503 : 400, Templates.signup(web.context("Create an account"),
                    nextOrEmpty(next), cleanEmail, name == null ? "" : name, PortalWeb.readable(e)));
        }
        // The verification link opens in this browser: the destination (e.g. the claim page) waits in the session.
        String safe = PortalWeb.safeNext(next, null);
        if (safe != null) {
            sessions.rememberNext(session, safe);
        }
        return web.html(Templates.message(web.context("Check your email"), "Check your email",
                "We sent a link to " + cleanEmail + ". Open it to confirm your address, then sign in.", true, null, null));
    }

    // ---- verification (the email's link) ----

    @GET
    @Path("verify")
    public Response verify(@QueryParam("token") String token) {
        if (token == null || token.isBlank()) {
            return web.html(400, Templates.message(web.context("Verify your email"), "This link is incomplete",
                    "Open the link from the email again, or sign up to get a new one.", false, "/signup", "Sign up"));
        }
        try {
            services.verify(token);
        } catch (UpstreamException e) {
            return web.html(e.status() >= 500 ? 503 : 400, Templates.message(web.context("Verify your email"),
                    "Your email could not be confirmed", PortalWeb.readable(e), false, "/login", "Sign in"));
        }
        String next = web.session().flatMap(PortalSession::next).orElse(null);
        String login = next == null ? "/login" : "/login?next=" + PortalWeb.encode(next);
        return web.html(Templates.message(web.context("Email confirmed"), "Your email is confirmed",
                "Your account is ready. Sign in to continue.", true, login, "Sign in"));
    }

    // ---- sign-in ----

    @GET
    @Path("login")
    public Response loginForm(@QueryParam("next") String next) {
        PageContext context = web.formContext("Sign in");
        if (context.signedIn()) {
            return web.redirect(PortalWeb.safeNext(next, HOME));
        }
        String notice = next != null && next.startsWith("/claim") ? "Sign in or create an account to claim your device." : null;
        return web.html(Templates.login(context, nextOrEmpty(next), "", null, notice));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("_csrf") String csrf, @FormParam("email") String email,
            @FormParam("password") String password, @FormParam("next") String next) {
        PortalSession session = web.checkCsrf(csrf);
        String cleanEmail = email == null ? "" : email.trim();
        if (cleanEmail.isEmpty() || password == null || password.isEmpty()) {
            return web.html(400, Templates.login(web.context("Sign in"), nextOrEmpty(next), cleanEmail,
                    "Please enter your email address and your password.", null));
        }
        Tokens tokens;
        try {
            tokens = services.login(cleanEmail, password);
        } catch (UpstreamException e) {
            int status = e.status() >= 500 ? 503 : e.status() == 429 ? 429 : 400;
            return web.html(status, Templates.login(web.context("Sign in"), nextOrEmpty(next), cleanEmail,
                    PortalWeb.readable(e), null));
        }
        JsonNode claims = claimsOf(tokens.accessToken());
        String userId = claims.path("sub").asText(null);
        String shownEmail = claims.path("email").asText(cleanEmail);
        String destination = PortalWeb.safeNext(next, session.next().orElse(HOME));
        SessionService.Opened opened = sessions.signIn(session, tokens, userId, shownEmail);
        sessions.clearNext(opened.session());
        web.use(opened);
        return web.redirect(destination);
    }

    // ---- password reset ----

    @GET
    @Path("password-reset")
    public Response passwordResetForm(@QueryParam("token") String token) {
        if (token != null && !token.isBlank()) {
            return web.html(Templates.passwordResetConfirm(web.formContext("Choose a new password"), token, null));
        }
        return web.html(Templates.passwordReset(web.formContext("Reset your password"), "", null));
    }

    @POST
    @Path("password-reset")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response requestPasswordReset(@FormParam("_csrf") String csrf, @FormParam("email") String email) {
        web.checkCsrf(csrf);
        String cleanEmail = email == null ? "" : email.trim();
        if (cleanEmail.isEmpty()) {
            return web.html(400, Templates.passwordReset(web.context("Reset your password"), "", "Please enter your email address."));
        }
        try {
            services.requestPasswordReset(cleanEmail);
        } catch (UpstreamException e) {
            return web.html(e.status() >= 500 ? 503 : 400,
                    Templates.passwordReset(web.context("Reset your password"), cleanEmail, PortalWeb.readable(e)));
        }
        // The same answer whether or not the account exists (user-service answers 202 always).
        return web.html(Templates.message(web.context("Check your email"), "Check your email",
                "If an account exists for " + cleanEmail + ", we sent it a link to choose a new password.", true, null, null));
    }

    @POST
    @Path("password-reset/confirm")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response confirmPasswordReset(@FormParam("_csrf") String csrf, @FormParam("token") String token,
            @FormParam("password") String password) {
        web.checkCsrf(csrf);
        String cleanToken = token == null ? "" : token;
        if (cleanToken.isBlank() || password == null || password.isEmpty()) {
            return web.html(400, Templates.passwordResetConfirm(web.context("Choose a new password"), cleanToken,
                    "Please choose a new password."));
        }
        try {
            services.confirmPasswordReset(cleanToken, password);
        } catch (UpstreamException e) {
            return web.html(e.status() >= 500 ? 503 : 400, Templates.passwordResetConfirm(
                    web.context("Choose a new password"), cleanToken, PortalWeb.readable(e)));
        }
        return web.html(Templates.message(web.context("Password changed"), "Your password is changed",
                "Sign in with your new password.", true, "/login", "Sign in"));
    }

    // ---- account ----

    @GET
    @Path("account")
    public Response account() {
        if (!web.session().map(PortalSession::signedIn).orElse(false)) {
            return web.signInFirst("/account");
        }
        return web.html(Templates.account(web.context("Account"), null, null));
    }

    @POST
    @Path("account/password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response changePassword(@FormParam("_csrf") String csrf, @FormParam("currentPassword") String current,
            @FormParam("newPassword") String replacement) {
        String token = web.signedInToken(csrf);
        if (token == null) {
            return web.signInFirst("/account");
        }
        if (current == null || current.isEmpty() || replacement == null || replacement.isEmpty()) {
            return web.html(400, Templates.account(web.context("Account"), "Please enter your current and your new password.", null));
        }
        try {
            services.changePassword(token, current, replacement);
        } catch (UpstreamException e) {
            return web.html(e.status() >= 500 ? 503 : 400, Templates.account(web.context("Account"), PortalWeb.readable(e), null));
        }
        return web.html(Templates.account(web.context("Account"), null, "Your password is changed."));
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam("_csrf") String csrf) {
        PortalSession session = web.checkCsrf(csrf);
        sessions.signOut(session);
        web.forget();
        return web.redirect("/");
    }

    private static String nextOrEmpty(String next) {
        String safe = PortalWeb.safeNext(next, null);
        return safe == null ? "" : safe;
    }

    /**
     * The access token's claims, read without checking the signature: the token came straight
     * from user-service over the portal's own connection, and only the subject and email shown
     * on pages are taken from it; every service verifies it when the portal forwards it.
     */
    private JsonNode claimsOf(String jwt) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
        if (parts.length < 2) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }
}
