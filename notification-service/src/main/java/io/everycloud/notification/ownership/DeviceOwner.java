package io.everycloud.notification.ownership;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Projection of claim.ownership.v1: a user owns a device. */
@Entity
@Table(name = "device_owner")
@IdClass(DeviceOwner.Key.class)
public class DeviceOwner extends PanacheEntityBase {

    @Id
    public String identity;

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Column(nullable = false)
    public Instant since;

    public static class Key implements Serializable {
        public String identity;
        public UUID userId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(identity, k.identity) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(identity, userId);
        }
    }
}
