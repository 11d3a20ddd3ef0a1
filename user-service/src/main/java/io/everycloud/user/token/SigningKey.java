package io.everycloud.user.token;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A generated RS256 key pair, as a private JWK. */
@Entity
@Table(name = "signing_keys")
public class SigningKey extends PanacheEntityBase {

    @Id
    public String kid;
    @Column(name = "private_jwk")
    public String privateJwk;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "activates_at")
    public Instant activatesAt;
}
