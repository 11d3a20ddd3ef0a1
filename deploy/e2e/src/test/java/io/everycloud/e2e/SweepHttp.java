package io.everycloud.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The requests of the API sweep: any method, any headers, any body bytes, through the one public
 * address; and a raw-socket request that only announces an oversize body.
 */
final class SweepHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One request as the sweep sends it (also its description in failure messages). */
    record Call(String method, String path, Map<String, String> headers, byte[] body) {

        static Call of(String method, String path) {
            return new Call(method, path, new LinkedHashMap<>(), null);
        }

        Call header(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Call(method, path, copy, body);
        }

        Call bearer(String token) {
            return token == null ? this : header("Authorization", "Bearer " + token);
        }

        Call body(String contentType, byte[] bytes) {
            return header("Content-Type", contentType).withBody(bytes);
        }

        Call json(String json) {
            return body("application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        private Call withBody(byte[] bytes) {
            return new Call(method, path, headers, bytes);
        }

        @Override
        public String toString() {
            String shown = body == null ? "" : " body " + abbreviate(new String(body, StandardCharsets.UTF_8), 160);
            String type = headers.getOrDefault("Content-Type", "");
            return method + " " + abbreviate(path, 160) + (type.isEmpty() ? "" : " [" + type + "]") + shown;
        }
    }

    /** An answer: status, content type and body text. */
    record Reply(int status, String contentType, String body, Map<String, String> headers) {

        JsonNode json() {
            try {
                return body == null || body.isBlank() ? PublicApi.JSON.missingNode() : PublicApi.JSON.readTree(body);
            } catch (IOException e) {
                return PublicApi.JSON.missingNode();
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + (contentType == null ? "(no type)" : contentType) + " " + abbreviate(body, 300);
        }
    }

    private final String address;

    SweepHttp(String address) {
        this.address = address;
    }

    Reply send(Call call) {
        HttpRequest.BodyPublisher publisher = call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body());
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(address + call.path())).method(call.method(), publisher)
                    .timeout(Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URI the sweep can send: " + call, e);
        }
        if (!call.headers().containsKey("Accept")) {
            builder.header("Accept", "application/json, application/problem+json, */*");
        }
        call.headers().forEach(builder::header);
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body(), headers);
        } catch (IOException e) {
            throw new AssertionError(call + ": request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A request that announces {@code declaredBytes} of body but sends only the first kilobytes: a
     * service must refuse it from {@code Content-Length} (413) without reading it. The answer is
     * read from the raw socket (HTTP/1.1, the connection closed after it).
     */
    Reply oversize(String method, String path, String token, String contentType, long declaredBytes) {
        URI uri = URI.create(address);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Accept: application/json, application/problem+json\r\n")
                    .append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(declaredBytes).append("\r\n")
                    .append("Connection: close\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            try {
                for (int i = 0; i < 4; i++) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before taking the body: read what it said
            }
            return readResponse(socket.getInputStream());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " with Content-Length " + declaredBytes + ": " + e, e);
        }
    }

    private static Reply readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        int n;
        while ((n = in.read(buffer)) != -1) {
            all.write(buffer, 0, n);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                Map<String, String> headers = headers(text.substring(0, headEnd));
                String length = headers.get("content-length");
                if (length != null && all.size() - headEnd - 4 >= Integer.parseInt(length.trim())) {
                    break;
                }
                if (length == null && !"chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                    // no length: until the connection closes
                    continue;
                }
                if (text.endsWith("0\r\n\r\n")) {
                    break;
                }
            }
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (headEnd < 0) {
            throw new IOException("no HTTP answer: " + abbreviate(text, 200));
        }
        String[] statusLine = text.substring(0, text.indexOf("\r\n")).split(" ", 3);
        Map<String, String> headers = headers(text.substring(0, headEnd));
        String body = text.substring(headEnd + 4);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            body = unchunk(body);
        }
        return new Reply(Integer.parseInt(statusLine[1]), headers.get("content-type"), body, headers);
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int lineEnd = body.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(at, lineEnd).trim().split(";")[0], 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    static String abbreviate(String text, int max) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…(" + oneLine.length() + " chars)";
    }
}
