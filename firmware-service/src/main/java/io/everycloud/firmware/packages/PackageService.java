package io.everycloud.firmware.packages;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.everycloud.events.FirmwareEvents;
import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.content.ContentStore;
import io.everycloud.firmware.db.Jdbc;
import io.everycloud.firmware.settings.SettingsService;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.Problem.FieldError;
import io.everycloud.kit.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;

@ApplicationScoped
public class PackageService {

    /** Storing a large binary takes longer than the default transaction timeout. */
    private static final Duration STORE_TIMEOUT = Duration.ofHours(1);

    @Inject
    PackageRepository packages;

    @Inject
    ContentStore content;

    @Inject
    SettingsService settings;

    @Inject
    FirmwareConfig config;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    Outbox outbox;

    /** Validates the metadata, streams the binary into the content store and announces the package. */
    public PackageView upload(FileUpload file, FileUpload metadata, String callerId) {
        settings.requireEnabled();
        List<FieldError> errors = new ArrayList<>();
        PackageMetadata meta = PackageMetadata.read(metadata == null ? null : metadata.fileName(),
                metadata == null ? null : metadata.uploadedFile(), config.maxMetadataBytes(), everycloud.productId(), errors);
        if (file == null || file.uploadedFile() == null) {
            errors.add(new FieldError("file", "is required: the firmware binary as a file part"));
        } else if (file.size() > config.maxUploadBytes()) {
            throw ProblemException.tooLarge("the file has " + file.size() + " bytes; the limit is " + config.maxUploadBytes());
        } else if (file.size() == 0) {
            errors.add(new FieldError("file", "is empty"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (packages.versionExists(meta.version())) {
            throw versionTaken(meta.version());
        }
        UUID id = UUID.randomUUID();
        String contentType = file.contentType() == null || file.contentType().isBlank() ? "application/octet-stream"
                : file.contentType();
        try {
            return QuarkusTransaction.requiringNew().timeout((int) STORE_TIMEOUT.toSeconds()).call(() -> {
                ContentStore.Stored stored;
                try (InputStream in = Files.newInputStream(file.uploadedFile())) {
                    stored = content.store(id, in);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("could not read the uploaded file", e);
                }
                FirmwarePackage p = new FirmwarePackage(id, 0, meta.version(), meta.name(), meta.description(), meta.type(),
                        meta.payload(), meta.author(), meta.product(), meta.fileName(), file.fileName(), contentType,
                        stored.sha256(), stored.size(), callerId, Instant.now());
                packages.insert(p);
                outbox.publish(id.toString(), new FirmwareEvents.PackagePublished(id, p.version(), p.name(),
                        p.description(), p.type(), p.sha256(), p.size(), Instant.now()));
                return PackageView.of(packages.find(id).orElseThrow());
            });
        } catch (Jdbc.DatabaseException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                throw versionTaken(meta.version());
            }
            throw e;
        }
    }

    private static ProblemException versionTaken(String version) {
        return new ProblemException(new Problem("urn:everycloud:problem:conflict", "Conflict", 409,
                "a package with version " + version + " already exists",
                List.of(new FieldError("metadata.config_otau.version", "version " + version + " already exists"))));
    }

    public Page<PackageView> list(PageRequest page) {
        long after = 0;
        if (page.after() != null) {
            try {
                after = Long.parseLong(page.after());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("cursor", "is not a cursor this list gave out");
            }
        }
        return Page.of(packages.page(after, page.fetchSize()), page, p -> Long.toString(p.seq())).map(PackageView::of);
    }

    public PackageView get(UUID id) {
        return packages.find(id).map(PackageView::of).orElseThrow(() -> ProblemException.notFound("no such package"));
    }

    @Transactional
    public void delete(UUID id) {
        FirmwarePackage p = packages.find(id).orElseThrow(() -> ProblemException.notFound("no such package"));
        // Lock the row so an update cannot start using it while it is being deleted.
        packages.lock(id);
        if (packages.inUse(id)) {
            throw ProblemException.conflict("package " + p.version()
                    + " is used by a running update or rollout; wait for it to finish or abort the rollout first");
        }
        content.delete(id);
        packages.delete(id);
        outbox.publish(id.toString(), new FirmwareEvents.PackageDeleted(id, p.version(), Instant.now()));
    }
}
