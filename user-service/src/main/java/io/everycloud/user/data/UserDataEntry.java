package io.everycloud.user.data;

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

/** One user data key and its JSON value. */
@Entity
@Table(name = "user_data")
@IdClass(UserDataEntry.Key.class)
public class UserDataEntry extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public UUID accountId;
    @Id
    @Column(name = "data_key")
    public String dataKey;
    @Column(name = "value_json")
    public String valueJson;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The composite primary key. */
    public static class Key implements Serializable {
        public UUID accountId;
        public String dataKey;

        public Key() {
        }

        public Key(UUID accountId, String dataKey) {
            this.accountId = accountId;
            this.dataKey = dataKey;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(dataKey, k.dataKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, dataKey);
        }
    }
}
