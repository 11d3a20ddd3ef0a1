package io.everycloud.claim.qr;

import static io.everycloud.claim.Fixtures.asOem;
import static io.everycloud.claim.Fixtures.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.Fixtures;
import io.everycloud.claim.code.ClaimCode;
import io.everycloud.testkit.QrScanner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

@QuarkusTest
class QrCodeTest {

    private static final String PORTAL = "http://localhost:8080/#/?claim=";

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest
    @ValueSource(strings = { "AB+C&D%/E=F?G#H", "Grüße ß 日本 ✓", "7KQ2-M9XD-H4TB-ZC8N" })
    void deviceQrCodesDecodeBackToTheClaimUrlInEveryFormat(String code) {
        String identity = Fixtures.identity("qr");
        Fixtures.provision(identity, Fixtures.tags(code, null));

        for (String type : List.of("png", "svg")) {
            byte[] standard = asOem().get("/api/qr/devices/" + identity + "." + type).then().statusCode(200)
                    .contentType(type.equals("png") ? "image/png" : "image/svg+xml")
                    .header("Cache-Control", "no-store").extract().asByteArray();
            String url = decode(type, standard);
            assertThat(url).startsWith(PORTAL).endsWith("&product=dev-product");
            assertThat(url).isEqualTo(PORTAL + ClaimUrls.encode(code) + "&product=dev-product");
            assertThat(url).isASCII();
            String claim = url.substring(PORTAL.length(), url.indexOf("&product="));
            assertThat(URLDecoder.decode(claim, StandardCharsets.UTF_8)).isEqualTo(code);

            byte[] exosense = asOem().queryParam("format", "exosense").get("/api/qr/devices/" + identity + "." + type)
                    .then().statusCode(200).extract().asByteArray();
            assertThat(decode(type, exosense)).isEqualTo("dev-product." + code);
        }
    }

    @Test
    void theGenericQrCodeOpensThePortalForACodeTypedByHand() {
        byte[] png = asOem().queryParam("size", "200").get("/api/qr/generic.png").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertThat(QrScanner.png(png)).isEqualTo(PORTAL);
        byte[] svg = asOem().get("/api/qr/generic.svg").then().statusCode(200).contentType("image/svg+xml").extract().asByteArray();
        assertThat(QrScanner.svg(svg)).isEqualTo(PORTAL);
    }

    @Test
    void theDefaultCodeIsTheIdentityAndIsReportedWeak() {
        String identity = Fixtures.identity("weak");
        Fixtures.provision(identity, Fixtures.tags(null, null));
        byte[] png = asOem().get("/api/qr/devices/" + identity + ".png").then().statusCode(200)
                .header("X-Claim-Code-Weak", "true").extract().asByteArray();
        assertThat(QrScanner.png(png)).isEqualTo(PORTAL + identity + "&product=dev-product");

        String strong = Fixtures.identity("strong");
        Fixtures.provision(strong, Fixtures.tags(Fixtures.code(), null));
        asOem().get("/api/qr/devices/" + strong + ".png").then().statusCode(200).header("X-Claim-Code-Weak", "false");
    }

    @Test
    void qrRequestsAreCheckedAndForTheOemOnly() {
        String identity = Fixtures.identity("qr-auth");
        Fixtures.provision(identity, Fixtures.tags(null, null));
        asUser(UUID.randomUUID()).get("/api/qr/devices/" + identity + ".png").then().statusCode(403);
        asUser(UUID.randomUUID()).get("/api/qr/generic.png").then().statusCode(403);
        asOem().get("/api/qr/devices/no-such-device.png").then().statusCode(404).contentType("application/problem+json");
        asOem().get("/api/qr/devices/" + identity + ".gif").then().statusCode(404);
        asOem().queryParam("format", "murano").get("/api/qr/devices/" + identity + ".png").then().statusCode(400)
                .body("errors[0].field", equalTo("format"));
        asOem().queryParam("size", "10").get("/api/qr/devices/" + identity + ".png").then().statusCode(400)
                .body("errors[0].field", equalTo("size"));
        asOem().queryParam("size", "big").get("/api/qr/generic.svg").then().statusCode(400);
    }

    @Test
    void aBatchIsAZipOfOnePngPerDeviceAndAnIndex() throws IOException {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Fixtures.identity("batch:a"), "A,\"quoted\" code");
        codes.put(Fixtures.identity("batch-b"), "=SUM(A1)");
        codes.put(Fixtures.identity("batch-c"), null);
        codes.forEach((identity, code) -> Fixtures.provision(identity, Fixtures.tags(code, null)));
        List<String> identities = new ArrayList<>(codes.keySet());

        Response response = asOem().contentType("application/json").body(Map.of("identities", identities))
                .post("/api/qr/batch");
        response.then().statusCode(200).contentType("application/zip");
        Map<String, byte[]> files = unzip(response.asInputStream());

        assertThat(files).containsKeys("index.csv", identities.get(0).replace(":", "%3A") + ".png",
                identities.get(1) + ".png", identities.get(2) + ".png");
        assertThat(files).hasSize(4);
        List<String> index = new String(files.get("index.csv"), StandardCharsets.UTF_8).lines().toList();
        assertThat(index.get(0)).isEqualTo("identity,code,url,weak,file");
        assertThat(index.get(1)).isEqualTo(identities.get(0) + ",\"A,\"\"quoted\"\" code\"," + PORTAL
                + "A%2C%22quoted%22%20code&product=dev-product,false," + identities.get(0).replace(":", "%3A") + ".png");
        // a code a spreadsheet would run as a formula is defused in the index, exact in the QR code
        assertThat(index.get(2)).startsWith(identities.get(1) + ",'=SUM(A1),");
        assertThat(index.get(3)).startsWith(identities.get(2) + "," + identities.get(2) + ",").contains(",true,");
        for (int i = 0; i < identities.size(); i++) {
            String identity = identities.get(i);
            String code = codes.get(identity) == null ? identity : codes.get(identity);
            assertThat(QrScanner.png(files.get(identity.replace(":", "%3A") + ".png")))
                    .isEqualTo(PORTAL + ClaimUrls.encode(code) + "&product=dev-product");
        }
    }

    @Test
    void aBatchCanBeAskedForWithACsvInTheExosenseFormat() throws IOException {
        String first = Fixtures.identity("csv-a");
        String second = Fixtures.identity("csv-b");
        Fixtures.provision(first, Fixtures.tags("CODE-ONE", null));
        Fixtures.provision(second, Fixtures.tags("CODE-TWO", null));

        Response response = asOem().contentType("text/csv").queryParam("format", "exosense")
                .body("identity,claim_code,expires\r\n" + first + ",x,\r\n\r\n\"" + second + "\",y,\r\n").post("/api/qr/batch");
        response.then().statusCode(200).contentType("application/zip");
        Map<String, byte[]> files = unzip(response.asInputStream());

        assertThat(QrScanner.png(files.get(first + ".png"))).isEqualTo("dev-product.CODE-ONE");
        assertThat(QrScanner.png(files.get(second + ".png"))).isEqualTo("dev-product.CODE-TWO");
    }

    @Test
    void aBatchWithUnknownOrInvalidIdentitiesIsRefusedNamingThem() {
        String known = Fixtures.identity("known");
        Fixtures.provision(known, Fixtures.tags(null, null));
        asOem().contentType("application/json").body(Map.of("identities", List.of(known, "unknown-device-x")))
                .post("/api/qr/batch").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("identities[1]"));
        asOem().contentType("application/json").body(Map.of("identities", List.of(known, "bad identity!")))
                .post("/api/qr/batch").then().statusCode(400).body("errors.field", hasItem("identities[1]"));
        asOem().contentType("application/json").body(Map.of("identities", List.of()))
                .post("/api/qr/batch").then().statusCode(400).body("errors[0].field", equalTo("identities"));
        asOem().contentType("text/csv").body("identity\nnot-there-" + UUID.randomUUID().toString().substring(0, 6) + "\n")
                .post("/api/qr/batch").then().statusCode(400).body("errors[0].field", equalTo("line 2"));
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add("d" + i);
        }
        asOem().contentType("application/json").body(Map.of("identities", tooMany))
                .post("/api/qr/batch").then().statusCode(400).body("errors[0].field", equalTo("identities"));
        asUser(UUID.randomUUID()).contentType("application/json").body(Map.of("identities", List.of(known)))
                .post("/api/qr/batch").then().statusCode(403);
    }

    @Test
    void tenThousandDevicesComeInOneStreamedZip() throws Exception {
        String prefix = "bulk-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            identities.add(prefix + i);
        }
        insertDevices(identities);

        Response response = asOem().contentType("application/json").body(Map.of("identities", identities))
                .queryParam("size", "100").post("/api/qr/batch");
        response.then().statusCode(200).contentType("application/zip");
        // streamed: the length is not known up front
        assertThat(response.getHeader("Content-Length")).isNull();

        int pngs = 0;
        List<String> index = null;
        try (ZipInputStream zip = new ZipInputStream(response.asInputStream(), StandardCharsets.UTF_8)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                byte[] content = zip.readAllBytes();
                if (entry.getName().equals("index.csv")) {
                    index = new String(content, StandardCharsets.UTF_8).lines().toList();
                } else {
                    pngs++;
                    if (entry.getName().equals(prefix + "0.png") || entry.getName().equals(prefix + "9999.png")) {
                        String identity = entry.getName().substring(0, entry.getName().length() - 4);
                        assertThat(QrScanner.png(content)).isEqualTo(PORTAL + "CODE-" + identity + "&product=dev-product");
                    }
                }
            }
        }
        assertThat(pngs).isEqualTo(10_000);
        assertThat(index).hasSize(10_001);
        assertThat(index.get(10_000)).startsWith(prefix + "9999,CODE-" + prefix + "9999,");
    }

    private void insertDevices(List<String> identities) throws Exception {
        // 10,000 events through the broker would only slow the test down; the projection rows are what the batch reads
        try (Connection c = dataSource.getConnection();
                PreparedStatement device = c.prepareStatement("INSERT INTO device (identity, claim_codes) VALUES (?, ?)");
                PreparedStatement code = c.prepareStatement("INSERT INTO claim_code (code_hash, identity, code) VALUES (?, ?, ?)")) {
            for (String identity : identities) {
                device.setString(1, identity);
                device.setArray(2, c.createArrayOf("text", new String[] { "CODE-" + identity }));
                device.addBatch();
                code.setBytes(1, ClaimCode.hash("CODE-" + identity));
                code.setString(2, identity);
                code.setString(3, "CODE-" + identity);
                code.addBatch();
            }
            device.executeBatch();
            code.executeBatch();
        }
    }

    private static String decode(String type, byte[] image) {
        return type.equals("png") ? QrScanner.png(image) : QrScanner.svg(image);
    }

    private static Map<String, byte[]> unzip(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                zip.transferTo(content);
                files.put(entry.getName(), content.toByteArray());
            }
        }
        return files;
    }
}
