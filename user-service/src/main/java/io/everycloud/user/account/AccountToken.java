package io.everycloud.user.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A single-use link token (verification, reset, setup); only its SHA-256 is stored. */
@Entity
@Table(name = "account_tokens")
public class AccountToken extends PanacheEntityBase {

    public static final String VERIFY = "verify";
    public static final String RESET = "reset";
    public static final String SETUP = "setup";

    @Id
    @Column(name = "token_hash")
    public String tokenHash;
    @Column(name = "account_id")
    public UUID accountId;
    public String purpose;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "used_at")
    public Instant usedAt;
}
