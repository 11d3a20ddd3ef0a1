package io.everycloud.user.admin;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.everycloud.events.UserEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.user.account.Account;
import io.everycloud.user.account.Emails;
import io.everycloud.user.config.UserConfig;
import io.everycloud.user.password.PasswordHasher;
import io.everycloud.user.password.PasswordPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates the first OEM operator at first start, from {@code EVERYCLOUD_ADMIN_EMAIL} /
 * {@code EVERYCLOUD_ADMIN_PASSWORD}. Without a password one is generated and printed once to
 * the log: there is no other way in on a fresh install.
 */
@ApplicationScoped
public class FirstOperator {

    private static final Logger LOG = Logger.getLogger(FirstOperator.class);
    /** Any fixed number: replicas starting together create the operator once. */
    private static final long LOCK = 0x46495253544f50L;

    @Inject
    UserConfig config;

    @Inject
    PasswordHasher hasher;

    @Inject
    PasswordPolicy policy;

    @Inject
    Outbox outbox;

    @Inject
    EntityManager em;

    void onStart(@Observes StartupEvent start) {
        QuarkusTransaction.requiringNew().run(this::createIfNone);
    }

    private void createIfNone() {
        em.createNativeQuery("SELECT CAST(pg_advisory_xact_lock(" + LOCK + ") AS text)").getSingleResult();
        // SQL, not a Panache (HQL) query: this runs in every start, and the first HQL query of a JVM
        // loads and runs Hibernate's query parser (~0.1-0.2 s before the service is ready)
        Number operators = (Number) em.createNativeQuery("SELECT count(*) FROM accounts WHERE role = :role")
                .setParameter("role", Account.ROLE_OEM).getSingleResult();
        if (operators.longValue() > 0) {
            return;
        }
        String email = Emails.normalize(config.admin().email());
        if (!Emails.isValid(email)) {
            throw new IllegalStateException("EVERYCLOUD_ADMIN_EMAIL is not an e-mail address: " + email);
        }
        String password = config.admin().password().filter(p -> !p.isBlank()).orElse(null);
        boolean generated = password == null;
        if (generated) {
            password = PasswordHasher.randomToken().substring(0, 24);
        } else {
            policy.problem(password, email).ifPresent(problem -> {
                throw new IllegalStateException("EVERYCLOUD_ADMIN_PASSWORD " + problem);
            });
        }
        Instant now = Instant.now();
        Account admin = Account.byEmail(email).orElse(null);
        if (admin != null) {
            // an end user with that address exists: promote it rather than fail to start
            admin.role = Account.ROLE_OEM;
        } else {
            admin = new Account();
            admin.id = java.util.UUID.randomUUID();
            admin.email = email;
            admin.role = Account.ROLE_OEM;
            admin.origin = UserEvents.ORIGIN_OEM;
            admin.createdAt = now;
        }
        admin.status = Account.ACTIVE;
        admin.verifiedAt = now;
        admin.updatedAt = now;
        admin.passwordHash = hasher.hash(password);
        admin.passwordChangedAt = now;
        admin.persist();
        outbox.publish(admin.id.toString(), new UserEvents.AccountRegistered(admin.id, admin.email, admin.name,
                UserEvents.ORIGIN_OEM, Account.ACTIVE, null, null, now));
        if (generated) {
            LOG.warnf("Created the first OEM operator %s with the generated password: %s"
                    + " (shown only this once; sign in and change it, or set EVERYCLOUD_ADMIN_PASSWORD)", email, password);
        } else {
            LOG.infof("Created the first OEM operator %s", email);
        }
    }
}
