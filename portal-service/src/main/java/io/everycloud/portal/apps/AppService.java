package io.everycloud.portal.apps;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.everycloud.events.PortalEvents;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;

/** Application metadata for the portal; every change announces {@code app.changed.v1}. */
@ApplicationScoped
public class AppService {

    @Inject
    EntityManager entityManager;

    @Inject
    Outbox outbox;

    @Inject
    EveryCloudConfig everycloud;

    @Transactional
    public Optional<AppView> find(String appId) {
        return Optional.ofNullable(entityManager.find(ManagedAppEntity.class, appId)).map(ManagedAppEntity::view);
    }

    @Transactional
    public Page<AppView> list(PageRequest page) {
        List<ManagedAppEntity> rows = entityManager.createQuery(
                "from ManagedAppEntity where (:after is null or appId > :after) order by appId", ManagedAppEntity.class)
                .setParameter("after", page.after())
                .setMaxResults(page.fetchSize())
                .getResultList();
        return Page.of(rows.stream().map(ManagedAppEntity::view).toList(), page, AppView::appId);
    }

    /** The stored metadata of these apps, in the given order; ids without metadata are left out. */
    @Transactional
    public List<AppView> findAll(List<String> appIds) {
        return appIds.stream().map(id -> entityManager.find(ManagedAppEntity.class, id))
                .filter(java.util.Objects::nonNull).map(ManagedAppEntity::view).toList();
    }

    @Transactional
    public AppView put(String appId, ManagedApp app) {
        Instant now = Instant.now();
        String description = app.description() == null ? "" : app.description().strip();
        String logoUrl = app.logoUrl() == null || app.logoUrl().isBlank() ? null : app.logoUrl();
        entityManager.createNativeQuery("""
                INSERT INTO managed_app (app_id, name, description, url, logo_url, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (app_id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                    url = EXCLUDED.url, logo_url = EXCLUDED.logo_url, updated_at = EXCLUDED.updated_at""")
                .setParameter(1, appId).setParameter(2, app.name().strip()).setParameter(3, description)
                .setParameter(4, app.url()).setParameter(5, logoUrl).setParameter(6, now)
                .executeUpdate();
        outbox.publish(everycloud.productId(), new PortalEvents.AppChanged(appId, app.name().strip(), description,
                app.url(), logoUrl, false, now));
        return new AppView(appId, app.name().strip(), description, app.url(), logoUrl, now);
    }

    @Transactional
    public void delete(String appId) {
        int deleted = entityManager.createNativeQuery("DELETE FROM managed_app WHERE app_id = ?1")
                .setParameter(1, appId).executeUpdate();
        if (deleted == 0) {
            throw ProblemException.notFound("no metadata for app " + appId);
        }
        outbox.publish(everycloud.productId(), new PortalEvents.AppChanged(appId, null, null, null, null, true, Instant.now()));
    }
}
