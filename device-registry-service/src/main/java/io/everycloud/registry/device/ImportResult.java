package io.everycloud.registry.device;

import java.util.List;

/**
 * The answer to a CSV import: devices created, identities skipped because they were already
 * provisioned, and every line that could not be used with its number and reason.
 */
public record ImportResult(int created, int skipped, List<LineError> errors) {

    public record LineError(int line, String message) {
    }
}
