package io.everycloud.registry.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.registry.RegistryConfig;
import io.everycloud.registry.resource.ResourceRepository;
import io.everycloud.registry.tag.TagRepository;
import io.everycloud.registry.tag.Tags;

/** Provisioning, reading, deleting and re-enabling devices. */
@ApplicationScoped
public class DeviceService {

    /** At most this many {@code tag=} terms in one search. */
    static final int MAX_TAG_TERMS = 10;

    @Inject
    DeviceRepository devices;

    @Inject
    TagRepository tags;

    @Inject
    Tags rules;

    @Inject
    ResourceRepository resources;

    @Inject
    DeviceAccess access;

    @Inject
    Outbox outbox;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RegistryConfig config;

    /** Provisions one device; 409 when the identity exists. */
    @Transactional
    public DeviceView create(NewDevice request) {
        if (request == null) {
            throw ProblemException.badRequest("body", "a device is required");
        }
        String identity = Identities.require("identity", request.identity());
        Map<String, List<String>> initial = new TreeMap<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.tags() != null) {
            for (var tag : request.tags().entrySet()) {
                String field = "tags." + tag.getKey();
                try {
                    rules.requireName(field, tag.getKey());
                    initial.put(tag.getKey(), rules.requireValues(field, tag.getKey(), tag.getValue()));
                } catch (ProblemException e) {
                    errors.addAll(e.problem().errors());
                }
            }
        }
        if (request.claimCode() != null) {
            try {
                initial.put(Tags.CLAIM_CODE, rules.requireValues("claimCode", Tags.CLAIM_CODE, List.of(request.claimCode())));
            } catch (ProblemException e) {
                errors.addAll(e.problem().errors());
            }
        }
        if (request.expires() != null) {
            if (request.expires() < 0) {
                errors.add(new Problem.FieldError("expires", "must be a Unix time in seconds"));
            } else {
                initial.put(Tags.EXPIRES, List.of(Long.toString(request.expires())));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        initial.putIfAbsent(Tags.CLAIM_CODE, List.of(identity));
        Instant now = Instant.now();
        if (!devices.insert(identity, now)) {
            throw ProblemException.conflict("device " + identity + " is already provisioned");
        }
        initial.forEach((name, values) -> tags.add(identity, name, values));
        Map<String, List<String>> full = tags.tagsOf(identity);
        outbox.publish(identity, new RegistryEvents.DeviceProvisioned(identity, full, now));
        return DeviceView.of(devices.find(identity).orElseThrow(), full, Map.of());
    }

    /** Creates a device that activated in open provisioning mode; false when it existed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean createOnActivation(String identity, Instant now) {
        if (!devices.insert(identity, now)) {
            return false;
        }
        tags.add(identity, Tags.CLAIM_CODE, List.of(identity));
        outbox.publish(identity, new RegistryEvents.DeviceProvisioned(identity, tags.tagsOf(identity), now));
        return true;
    }

    /**
     * Imports {@code identity,claim_code,expires} lines. Good lines are kept, identities already
     * provisioned are skipped, each bad line is reported with its number and reason.
     */
    @Transactional
    public ImportResult importCsv(String csv) {
        if (csv == null || csv.isBlank()) {
            throw ProblemException.badRequest("body", "a CSV body with identity,claim_code,expires lines is required");
        }
        List<ImportResult.LineError> errors = new ArrayList<>();
        Map<String, String[]> good = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        int lineNumber = 0;
        int dataLines = 0;
        try (BufferedReader reader = new BufferedReader(new StringReader(csv))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (lineNumber == 1 && line.trim().toLowerCase().startsWith("identity")) {
                    continue;
                }
                if (++dataLines > config.importing().maxLines()) {
                    throw ProblemException.badRequest("body", "has more than " + config.importing().maxLines()
                            + " devices; split the file");
                }
                String[] cells = line.split(",", -1);
                if (cells.length > 3) {
                    errors.add(new ImportResult.LineError(lineNumber, "has " + cells.length
                            + " columns; expected identity,claim_code,expires"));
                    continue;
                }
                String identity = cells[0].trim();
                String claimCode = cells.length > 1 ? cells[1].trim() : "";
                String expires = cells.length > 2 ? cells[2].trim() : "";
                String problem = lineProblem(identity, claimCode, expires);
                if (problem != null) {
                    errors.add(new ImportResult.LineError(lineNumber, problem));
                } else if (!seen.add(identity)) {
                    errors.add(new ImportResult.LineError(lineNumber, "identity " + identity + " appears twice in the file"));
                } else {
                    good.put(identity, new String[] { claimCode.isEmpty() ? identity : claimCode, expires });
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        int created;
        try (Connection c = dataSource.getConnection()) {
            List<String> fresh = good.isEmpty() ? List.of() : devices.insertAll(c, new ArrayList<>(good.keySet()), now);
            List<String[]> tagRows = new ArrayList<>();
            for (String identity : fresh) {
                String[] cells = good.get(identity);
                tagRows.add(new String[] { identity, Tags.CLAIM_CODE, cells[0] });
                if (!cells[1].isEmpty()) {
                    tagRows.add(new String[] { identity, Tags.EXPIRES, cells[1] });
                }
            }
            tags.addAll(c, tagRows);
            for (String identity : fresh) {
                String[] cells = good.get(identity);
                Map<String, List<String>> deviceTags = new TreeMap<>();
                deviceTags.put(Tags.CLAIM_CODE, List.of(cells[0]));
                if (!cells[1].isEmpty()) {
                    deviceTags.put(Tags.EXPIRES, List.of(cells[1]));
                }
                outbox.publish(identity, new RegistryEvents.DeviceProvisioned(identity, deviceTags, now));
            }
            created = fresh.size();
        } catch (SQLException e) {
            throw new IllegalStateException("could not import devices", e);
        }
        return new ImportResult(created, good.size() - created, errors);
    }

    private String lineProblem(String identity, String claimCode, String expires) {
        if (identity.isEmpty()) {
            return "identity is missing";
        }
        if (!Identities.valid(identity)) {
            return "identity must be 1-128 characters of A-Z a-z 0-9 . _ : @ -";
        }
        if (claimCode.length() > config.tags().maxValueLength()) {
            return "claim_code is longer than " + config.tags().maxValueLength() + " characters";
        }
        if (!expires.isEmpty()) {
            try {
                if (Long.parseLong(expires) < 0) {
                    return "expires must be a Unix time in seconds";
                }
            } catch (NumberFormatException e) {
                return "expires must be a Unix time in seconds";
            }
        }
        return null;
    }

    public DeviceView get(Caller caller, String identity) {
        DeviceRow row = access.visible(caller, identity);
        return DeviceView.of(row, tags.tagsOf(identity), resources.latest(identity));
    }

    public Page<DeviceView> list(Caller caller, List<String> tagTerms, String identityPrefix, String status,
            PageRequest page) {
        String[] scope = access.scope(caller);
        List<String[]> terms = new ArrayList<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        if (tagTerms != null) {
            if (tagTerms.size() > MAX_TAG_TERMS) {
                errors.add(new Problem.FieldError("tag", "at most " + MAX_TAG_TERMS + " tag terms"));
            }
            for (String term : tagTerms) {
                String[] split = Tags.splitTerm(term);
                if (split == null || !Tags.validName(split[0])) {
                    errors.add(new Problem.FieldError("tag", "'" + term + "' is not name:value"));
                } else {
                    terms.add(split);
                }
            }
        }
        String prefix = identityPrefix == null || identityPrefix.isEmpty() ? null : identityPrefix;
        if (prefix != null && !Identities.valid(prefix)) {
            errors.add(new Problem.FieldError("identity", "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -"));
        }
        DeviceStatus wanted = null;
        if (status != null && !status.isEmpty()) {
            try {
                wanted = DeviceStatus.parse("status", status);
            } catch (ProblemException e) {
                errors.addAll(e.problem().errors());
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        var filter = new DeviceRepository.Filter(terms, prefix, wanted, scope == null ? null : scope[0],
                scope == null ? null : scope[1]);
        List<DeviceRow> rows = devices.list(filter, page.after(), page.fetchSize(), config.tags().selectiveTagSize());
        Page<DeviceRow> found = Page.of(rows, page, DeviceRow::identity);
        var tagsByDevice = tags.tagsOf(found.items().stream().map(DeviceRow::identity).toList());
        return found.map(row -> DeviceView.of(row, tagsByDevice.getOrDefault(row.identity(), Map.of()), null));
    }

    /** Deletes a device (oem); its tags and resources go with it. */
    @Transactional
    public void delete(Caller caller, String identity) {
        access.visible(caller, identity);
        if (!caller.isOem()) {
            throw ProblemException.forbidden("only the OEM deletes devices");
        }
        if (devices.delete(identity)) {
            outbox.publish(identity, new RegistryEvents.DeviceDeleted(identity, Instant.now()));
        }
    }

    /** Allows a new activation; the current token stops working at once. */
    @Transactional
    public DeviceView reactivate(Caller caller, String identity) {
        access.visible(caller, identity);
        if (!caller.isOem()) {
            throw ProblemException.forbidden("only the OEM re-enables activation");
        }
        devices.reactivate(identity);
        outbox.publish(identity, new RegistryEvents.DeviceReset(identity, Instant.now()));
        return DeviceView.of(devices.find(identity).orElseThrow(), tags.tagsOf(identity), null);
    }
}
