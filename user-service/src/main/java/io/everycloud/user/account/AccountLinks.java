package io.everycloud.user.account;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.user.password.PasswordHasher;

/**
 * The single-use links e-mails carry ({@code <public url>/verify?token=...},
 * {@code <public url>/password-reset?token=...}); the portal serves those pages.
 */
@ApplicationScoped
public class AccountLinks {

    @Inject
    EveryCloudConfig everycloud;

    /** A link and when it stops working. */
    public record Link(String url, Instant expiresAt) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Link issue(UUID accountId, String purpose, Duration ttl, Instant now) {
        String token = PasswordHasher.randomToken();
        AccountToken row = new AccountToken();
        row.tokenHash = PasswordHasher.sha256(token);
        row.accountId = accountId;
        row.purpose = purpose;
        row.createdAt = now;
        row.expiresAt = now.plus(ttl);
        row.persist();
        String page = AccountToken.VERIFY.equals(purpose) ? "/verify" : "/password-reset";
        return new Link(base() + page + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), row.expiresAt);
    }

    private String base() {
        String url = everycloud.publicUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
