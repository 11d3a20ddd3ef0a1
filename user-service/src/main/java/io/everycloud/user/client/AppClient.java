package io.everycloud.user.client;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An application allowed to get tokens with client credentials; its client id is its app id. */
@Entity
@Table(name = "app_clients")
public class AppClient extends PanacheEntityBase {

    @Id
    @Column(name = "client_id")
    public String clientId;
    public String name;
    @Column(name = "secret_hash")
    public String secretHash;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "created_by")
    public String createdBy;
}
