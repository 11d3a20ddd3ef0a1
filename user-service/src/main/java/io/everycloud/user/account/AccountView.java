package io.everycloud.user.account;

import java.time.Instant;
import java.util.UUID;

/** An account as the API shows it. */
public record AccountView(UUID id, String email, String name, String role, String status, String origin,
        boolean hasPassword, Instant createdAt, Instant updatedAt, Instant verifiedAt) {

    public static AccountView of(Account a) {
        return new AccountView(a.id, a.email, a.name, a.role, a.shownStatus(), a.origin, a.passwordHash != null,
                a.createdAt, a.updatedAt, a.verifiedAt);
    }
}
