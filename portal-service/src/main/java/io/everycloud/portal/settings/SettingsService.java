package io.everycloud.portal.settings;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.PortalEvents;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;

/** Reads and replaces the connector settings; a change announces {@code settings.changed.v1}. */
@ApplicationScoped
public class SettingsService {

    @Inject
    EntityManager entityManager;

    @Inject
    Outbox outbox;

    @Inject
    Validator validator;

    @Inject
    EveryCloudConfig everycloud;

    private final ObjectMapper mapper = new ObjectMapper();

    /** The settings in force; before any change, the public URL's host, no managed apps, private. */
    @Transactional
    public ConnectorSettings current() {
        ConnectorSettingsEntity row = entityManager.find(ConnectorSettingsEntity.class, ConnectorSettingsEntity.ID);
        if (row == null) {
            return new ConnectorSettings(defaultDomain(), List.of(), new ConnectorSettings.Publication("private", List.of()));
        }
        return new ConnectorSettings(row.domain, readList(row.managedApps),
                new ConnectorSettings.Publication(row.publicationMode, readList(row.businessWhitelist)));
    }

    /** Replaces the settings; every bad field and list entry is named in one 400, and nothing is written. */
    @Transactional
    public ConnectorSettings replace(ConnectorSettings settings) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<ConnectorSettings> violation : validator.validate(settings)) {
            errors.add(new Problem.FieldError(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        if (settings.managedApps() != null) {
            entries("managedApps", settings.managedApps(), ConnectorSettings.APP_ID,
                    "must be an app id (letters, digits, _ and -, up to 64)", errors);
        }
        if (settings.publication() != null && settings.publication().whitelist() != null) {
            entries("publication.whitelist", settings.publication().whitelist(), ConnectorSettings.BUSINESS_ID,
                    "must be a business id (letters, digits, _ and -, up to 64)", errors);
        }
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparing(Problem.FieldError::field));
            throw ProblemException.invalid(errors);
        }
        ConnectorSettings normalized = new ConnectorSettings(settings.domain().toLowerCase(java.util.Locale.ROOT),
                List.copyOf(settings.managedApps()),
                new ConnectorSettings.Publication(settings.publication().mode(), List.copyOf(settings.publication().whitelist())));
        Instant now = Instant.now();
        // One statement, so two first saves racing cannot both insert; the later one wins.
        entityManager.createNativeQuery("""
                INSERT INTO connector_settings (id, domain, managed_apps, publication_mode, business_whitelist, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (id) DO UPDATE SET domain = EXCLUDED.domain, managed_apps = EXCLUDED.managed_apps,
                    publication_mode = EXCLUDED.publication_mode, business_whitelist = EXCLUDED.business_whitelist,
                    updated_at = EXCLUDED.updated_at""")
                .setParameter(1, ConnectorSettingsEntity.ID).setParameter(2, normalized.domain())
                .setParameter(3, writeList(normalized.managedApps())).setParameter(4, normalized.publication().mode())
                .setParameter(5, writeList(normalized.publication().whitelist())).setParameter(6, now)
                .executeUpdate();
        entityManager.clear();
        outbox.publish(everycloud.productId(), new PortalEvents.SettingsChanged(normalized.domain(),
                normalized.managedApps(), normalized.publication().mode(), normalized.publication().whitelist(), now));
        return normalized;
    }

    private String defaultDomain() {
        URI uri = URI.create(everycloud.publicUrl());
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private static void entries(String field, List<String> values, String pattern, String message,
            List<Problem.FieldError> errors) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || !values.get(i).matches(pattern)) {
                errors.add(new Problem.FieldError(field + "[" + i + "]", message));
            } else if (!seen.add(values.get(i))) {
                errors.add(new Problem.FieldError(field + "[" + i + "]", values.get(i) + " is listed twice"));
            }
        }
    }

    private List<String> readList(String json) {
        try {
            return mapper.readValue(json, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings are not a JSON list", e);
        }
    }

    private String writeList(List<String> values) {
        try {
            return mapper.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
