package io.everycloud.portal.apps;

import java.time.Instant;

/** An application's metadata with its id. */
public record AppView(String appId, String name, String description, String url, String logoUrl, Instant updatedAt) {
}
