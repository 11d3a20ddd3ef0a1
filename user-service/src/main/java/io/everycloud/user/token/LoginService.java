package io.everycloud.user.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.user.account.Account;
import io.everycloud.user.account.Emails;
import io.everycloud.user.client.AppClient;
import io.everycloud.user.client.ClientService;
import io.everycloud.user.config.UserConfig;
import io.everycloud.user.password.PasswordHasher;

/**
 * The three grants of the token endpoint. Failures are thrown as {@link OAuthError} and commit
 * what they counted (failed logins), hence {@code dontRollbackOn}.
 *
 * <p>Brute force: {@code account-failures} wrong passwords in a row lock the account for
 * {@code account-lock}; a locked account says so only to whoever gives its correct password, so
 * the lock tells a guesser nothing. Failures also count per client address ({@link AddressThrottle}).
 * Unknown addresses cost the same hashing time as known ones and get the same answer.
 */
@ApplicationScoped
public class LoginService {

    static final String WRONG_CREDENTIALS = "the e-mail address or password is wrong";

    @Inject
    UserConfig config;

    @Inject
    PasswordHasher hasher;

    @Inject
    AddressThrottle addresses;

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    TokenIssuer issuer;

    @Inject
    ClientService clients;

    /** What the token endpoint answers on success. */
    public record Granted(TokenIssuer.AccessToken access, String refreshToken) {
    }

    @Transactional(dontRollbackOn = OAuthError.class)
    public Granted password(String clientId, String username, String password, String address) {
        Instant now = Instant.now();
        Optional<Duration> refused = addresses.refusedFor(address, now);
        if (refused.isPresent()) {
            throw OAuthError.slowDown(refused.get(), "too many failed logins from your address");
        }
        Account account = Emails.isValid(username) ? Account.byEmail(username).orElse(null) : null;
        if (account == null) {
            hasher.burn(password);
            addresses.failed(address, now);
            throw OAuthError.invalidGrant(WRONG_CREDENTIALS);
        }
        if (!hasher.matches(password, account.passwordHash)) {
            addresses.failed(address, now);
            account.failedLogins++;
            if (account.failedLogins >= config.throttle().accountFailures()
                    && (account.lockedUntil == null || !account.lockedUntil.isAfter(now))) {
                account.lockedUntil = now.plus(config.throttle().accountLock());
                account.failedLogins = 0;
            }
            throw OAuthError.invalidGrant(WRONG_CREDENTIALS);
        }
        if (account.lockedUntil != null && account.lockedUntil.isAfter(now)) {
            throw OAuthError.slowDown(Duration.between(now, account.lockedUntil),
                    "this account is locked after too many wrong passwords");
        }
        if (account.blocked) {
            throw OAuthError.invalidGrant("this account is blocked; contact the operator");
        }
        if (!Account.ACTIVE.equals(account.status)) {
            throw OAuthError.invalidGrant("this account is not verified yet; use the link in the e-mail we sent");
        }
        account.failedLogins = 0;
        account.lockedUntil = null;
        RefreshTokens.Issued refresh = refreshTokens.issue(account.id, clientId);
        return new Granted(issuer.issue(account.id.toString(), account.email, account.role, clientId), refresh.token());
    }

    @Transactional(dontRollbackOn = OAuthError.class)
    public Granted refresh(String clientId, String token) {
        Instant now = Instant.now();
        RefreshToken used = refreshTokens.use(token, now)
                .orElseThrow(() -> OAuthError.invalidGrant("the refresh token is invalid, expired or revoked"));
        if (clientId != null && !clientId.equals(used.clientId)) {
            throw OAuthError.invalidGrant("the refresh token was issued to another client");
        }
        Account account = Account.findById(used.accountId);
        if (account == null || account.blocked || !Account.ACTIVE.equals(account.status)) {
            if (account != null) {
                refreshTokens.revokeAll(account.id);
            }
            throw OAuthError.invalidGrant("the refresh token is invalid, expired or revoked");
        }
        RefreshTokens.Issued next = refreshTokens.successor(used);
        return new Granted(issuer.issue(account.id.toString(), account.email, account.role, used.clientId), next.token());
    }

    public Granted clientCredentials(String clientId, String secret, boolean basic) {
        AppClient client = clients.authenticate(clientId, secret)
                .orElseThrow(() -> OAuthError.invalidClient("unknown client or wrong secret", basic));
        return new Granted(issuer.issue(client.clientId, null, "app", client.clientId), null);
    }
}
