package io.everycloud.e2e;

import java.util.List;

/**
 * Every route of the HTTP API contract ({@code API.md}), as data: the owning service, the
 * method and the path template as API.md writes it ({@code GET|DELETE} split in two,
 * {@code {identity}.png|.svg} in two, {@code /vendor/<file>} as each documented file).
 */
final class ApiContract {

    record Route(String service, String method, String path) {

        /** The path with each {@code {parameter}} filled in, to match a template and to send. */
        String sample() {
            return path.replaceAll("\\{[^}]+}", "sweep-sample");
        }

        @Override
        public String toString() {
            return service + ": " + method + " " + path;
        }
    }

    static final List<Route> ROUTES = parse("""
            device-registry POST   /provision/activate
            device-registry POST   /onep:v1/stack/alias
            device-registry GET    /onep:v1/stack/alias
            device-registry POST   /onep:v1/stack/record
            firmware        GET    /provision/download
            device-registry GET    /timestamp
            device-registry POST   /api/devices
            device-registry POST   /api/devices/import
            device-registry GET    /api/devices
            device-registry GET    /api/devices/{identity}
            device-registry DELETE /api/devices/{identity}
            device-registry GET    /api/devices/{identity}/tags
            device-registry PUT    /api/devices/{identity}/tags/{name}
            device-registry DELETE /api/devices/{identity}/tags/{name}
            device-registry PUT    /api/devices/{identity}/resources/{alias}
            device-registry POST   /api/devices/{identity}/reactivate
            device-registry GET    /api/product
            device-registry PUT    /api/product
            device-registry GET    /api/stats
            claim           POST   /api/claims
            claim           GET    /api/claims/preview
            claim           DELETE /api/ownership/{identity}
            claim           GET    /api/qr/devices/{identity}.png
            claim           GET    /api/qr/devices/{identity}.svg
            claim           GET    /api/qr/generic.png
            claim           POST   /api/qr/batch
            user            GET    /.well-known/openid-configuration
            user            GET    /oauth/jwks
            user            POST   /oauth/token
            user            POST   /api/signup
            user            POST   /api/verify
            user            POST   /api/password-reset
            user            POST   /api/password-reset/confirm
            user            GET    /api/me
            user            PATCH  /api/me
            user            PUT    /api/me/password
            user            GET    /api/users
            user            POST   /api/users
            user            GET    /api/users/{id}
            user            PATCH  /api/users/{id}
            user            DELETE /api/users/{id}
            user            POST   /api/users/{id}/block
            user            POST   /api/users/{id}/unblock
            user            PUT    /api/users/{id}/password
            user            GET    /api/users/{id}/data
            user            PUT    /api/users/{id}/data/{key}
            user            DELETE /api/users/{id}/data/{key}
            user            POST   /api/clients
            user            GET    /api/clients/{id}
            user            DELETE /api/clients/{id}
            firmware        POST   /api/firmware/packages
            firmware        GET    /api/firmware/settings
            firmware        PUT    /api/firmware/settings
            firmware        GET    /api/firmware/packages
            firmware        GET    /api/firmware/packages/{id}
            firmware        DELETE /api/firmware/packages/{id}
            firmware        POST   /api/firmware/update
            firmware        GET    /api/firmware/devices/{identity}
            firmware        POST   /api/firmware/devices/{identity}/update
            firmware        GET    /api/firmware/updates
            portal          GET    /vendor/branding.json
            portal          GET    /vendor/brandlogo.png
            portal          GET    /vendor/device.png
            portal          GET    /vendor/favicon.ico
            portal          PUT    /vendor/{file}
            portal          DELETE /vendor/{file}
            portal          GET    /api/settings
            portal          PUT    /api/settings
            portal          GET    /api/apps/{appId}
            portal          PUT    /api/apps/{appId}
            portal          DELETE /api/apps/{appId}
            portal          GET    /
            portal          GET    /signup
            portal          GET    /login
            portal          GET    /verify
            portal          GET    /password-reset
            portal          GET    /claim
            portal          GET    /devices
            portal          GET    /devices/{identity}
            portal          GET    /apps
            portal          GET    /account
            notification    GET    /api/templates
            notification    GET    /api/templates/{type}
            notification    PUT    /api/templates/{type}
            notification    GET    /api/templates/globals
            notification    PUT    /api/templates/globals
            notification    POST   /api/templates/{type}/preview
            notification    GET    /api/notifications
            notification    GET    /api/webhooks/{appId}
            notification    PUT    /api/webhooks/{appId}
            notification    DELETE /api/webhooks/{appId}
            """);

    private ApiContract() {
    }

    private static List<Route> parse(String table) {
        return table.lines().map(String::trim).filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+"))
                .map(parts -> new Route(parts[0], parts[1], parts[2]))
                .toList();
    }
}
