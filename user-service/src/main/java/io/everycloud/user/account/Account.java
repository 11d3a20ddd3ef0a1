package io.everycloud.user.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An end user or an OEM operator. Never leaves the service: views are {@link AccountView}. */
@Entity
@Table(name = "accounts")
public class Account extends PanacheEntityBase {

    public static final String ROLE_USER = "user";
    public static final String ROLE_OEM = "oem";
    public static final String PENDING = "pending";
    public static final String ACTIVE = "active";
    /** Shown (and searched) for blocked accounts, whatever their underlying status. */
    public static final String BLOCKED = "blocked";

    @Id
    public UUID id;
    public String email;
    public String name;
    public String role;
    public String status;
    public boolean blocked;
    public String origin;
    @Column(name = "password_hash")
    public String passwordHash;
    @Column(name = "failed_logins")
    public int failedLogins;
    @Column(name = "locked_until")
    public Instant lockedUntil;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "password_changed_at")
    public Instant passwordChangedAt;

    public static Optional<Account> byEmail(String email) {
        return find("email", Emails.normalize(email)).firstResultOptional();
    }

    /** What lists and views show: {@code blocked}, {@code pending} or {@code active}. */
    public String shownStatus() {
        return blocked ? BLOCKED : status;
    }

    public boolean isOem() {
        return ROLE_OEM.equals(role);
    }

    static Account create(String email, String name, String role, String status, String origin, Instant now) {
        Account account = new Account();
        account.id = UUID.randomUUID();
        account.email = Emails.normalize(email);
        account.name = name;
        account.role = role;
        account.status = status;
        account.origin = origin;
        account.createdAt = now;
        account.updatedAt = now;
        if (ACTIVE.equals(status)) {
            account.verifiedAt = now;
        }
        return account;
    }
}
