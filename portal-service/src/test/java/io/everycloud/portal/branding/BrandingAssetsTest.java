package io.everycloud.portal.branding;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.events.PortalEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class BrandingAssetsTest {

    static final String[] FILES = {"branding.json", "brandlogo.png", "device.png", "favicon.ico"};

    @AfterEach
    void restoreDefaults() {
        for (String file : FILES) {
            given().auth().oauth2(Tokens.oem()).when().delete("/vendor/" + file).then().statusCode(200);
        }
    }

    @Test
    void theSeedsDefaultBrandingIsServedPubliclyWithCachingHeaders() {
        given().when().get("/vendor/branding.json").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("ETag", startsWith("\""))
                .header("Cache-Control", containsString("max-age"))
                .body("title", equalTo("Product portal"))
                .body("companyName", equalTo("Exosite"))
                .body("theme.primary", equalTo("#2C9DB6"))
                .body("themeType", equalTo("dark"))
                .body("landingPage.deviceName", equalTo("B-L475E-IOT01A (model)"))
                .body("landingPage.deviceSpecs", hasItem("Bluetooth® V4.1 module (SPBTLE-RF)"));
        given().when().get("/vendor/brandlogo.png").then().statusCode(200).contentType("image/png");
        given().when().get("/vendor/device.png").then().statusCode(200).contentType("image/png");
        given().when().get("/vendor/favicon.ico").then().statusCode(200).contentType("image/x-icon");
    }

    @Test
    void aClientHoldingTheCurrentEtagGets304AndANewEtagAfterAChange() {
        String etag = given().when().get("/vendor/brandlogo.png").then().statusCode(200).extract().header("ETag");
        given().header("If-None-Match", etag).when().get("/vendor/brandlogo.png").then().statusCode(304)
                .header("ETag", equalTo(etag));
        given().header("If-None-Match", "W/" + etag + ", \"other\"").when().get("/vendor/brandlogo.png").then().statusCode(304);
        given().header("If-None-Match", "\"stale\"").when().get("/vendor/brandlogo.png").then().statusCode(200);

        given().auth().oauth2(Tokens.oem()).contentType("image/png").body(png(64, 32)).when().put("/vendor/brandlogo.png")
                .then().statusCode(200);
        given().header("If-None-Match", etag).when().get("/vendor/brandlogo.png").then().statusCode(200)
                .header("ETag", org.hamcrest.Matchers.not(equalTo(etag)));
    }

    @Test
    void aVersionedUrlIsCachedForAYear() {
        String etag = given().when().get("/vendor/device.png").then().extract().header("ETag").replace("\"", "");
        given().when().get("/vendor/device.png?v=" + etag).then().statusCode(200)
                .header("Cache-Control", containsString("immutable"));
    }

    @Test
    void anOemUploadReplacesBrandingAndIsAnnouncedWithVersionedUrls() {
        String marker = "Acme " + UUID.randomUUID();
        String json = brandingJson().replace("\"Product portal\"", "\"" + marker + "\"")
                .replace("#2C9DB6", "#123456");
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(json).when().put("/vendor/branding.json")
                .then().statusCode(200).body("custom", equalTo(true));
        given().when().get("/vendor/branding.json").then().statusCode(200)
                .body("title", equalTo(marker)).body("theme.primary", equalTo("#123456"));

        Envelope event = EventProbe.awaitOne(Topics.PORTAL_SETTINGS, e -> e.is(PortalEvents.BrandingChanged.class)
                && marker.equals(e.dataAs(PortalEvents.BrandingChanged.class).branding().path("title").asText()),
                Duration.ofSeconds(20));
        PortalEvents.BrandingChanged changed = event.dataAs(PortalEvents.BrandingChanged.class);
        String logoEtag = given().when().get("/vendor/brandlogo.png").then().extract().header("ETag").replace("\"", "");
        assertThat(changed.logoUrl()).isEqualTo("http://localhost:8080/vendor/brandlogo.png?v=" + logoEtag);
        assertThat(changed.devicePictureUrl()).startsWith("http://localhost:8080/vendor/device.png?v=");
        assertThat(changed.faviconUrl()).startsWith("http://localhost:8080/vendor/favicon.ico?v=");
        assertThat(event.subject()).isEqualTo("dev-product");
    }

    @Test
    void deletingAnUploadRestoresTheDefaultAndIsAnnounced() {
        byte[] custom = png(50, 50);
        String defaultEtag = given().when().get("/vendor/device.png").then().extract().header("ETag");
        given().auth().oauth2(Tokens.oem()).body(custom).when().put("/vendor/device.png").then().statusCode(200);
        byte[] served = given().when().get("/vendor/device.png").then().statusCode(200).extract().asByteArray();
        assertThat(served).isEqualTo(custom);

        String url = given().auth().oauth2(Tokens.oem()).when().delete("/vendor/device.png").then().statusCode(200)
                .body("custom", equalTo(false)).extract().path("url");
        given().when().get("/vendor/device.png").then().statusCode(200).header("ETag", equalTo(defaultEtag));
        EventProbe.awaitOne(Topics.PORTAL_SETTINGS, e -> e.is(PortalEvents.BrandingChanged.class)
                && url.equals(e.dataAs(PortalEvents.BrandingChanged.class).devicePictureUrl()), Duration.ofSeconds(20));
    }

    @Test
    void onlyOemOperatorsMayChangeBranding() {
        given().contentType("application/json").body(brandingJson()).when().put("/vendor/branding.json")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).contentType("application/json").body(brandingJson())
                .when().put("/vendor/branding.json").then().statusCode(403);
        given().auth().oauth2(Tokens.app("ext_123")).when().delete("/vendor/brandlogo.png").then().statusCode(403);
    }

    @Test
    void unknownBrandingFilesAre404() {
        given().when().get("/vendor/other.png").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.oem()).body(png(10, 10)).when().put("/vendor/other.png").then().statusCode(404);
    }

    @Test
    void theSchemaIsPublishedForOperators() {
        given().when().get("/vendor/branding.schema.json").then().statusCode(200)
                .body("properties.theme.required", hasItem("primary"));
    }

    // ---- every refusal of branding.json names the field ----

    @Test
    void brandingThatIsNotJsonIsRefusedNamingTheFile() {
        refuseJson("{\"title\": ", "branding.json", "not valid JSON");
        refuseJson("", "branding.json", "empty");
        refuseJson("[1,2]", "branding.json", "");
        refuseJson("{\"title\":\"a\",\"title\":\"b\"}", "branding.json", "Duplicate field");
    }

    @Test
    void brandingWithoutARequiredFieldIsRefusedNamingIt() {
        refuseJson(brandingJson().replace("\"title\": \"Product portal\",", ""), "title", "is required");
        refuseJson(brandingJson().replace("\"primary\": \"#2C9DB6\",", ""), "theme.primary", "is required");
    }

    @Test
    void aColourThatIsNotRrggbbIsRefusedNamingIt() {
        refuseJson(brandingJson().replace("\"#2C9DB6\"", "\"blue\""), "theme.primary", "#RRGGBB");
        refuseJson(brandingJson().replace("\"#FF5252\"", "\"#FF52\""), "theme.error", "#RRGGBB");
        refuseJson(brandingJson().replace("\"#4CAF50\"", "12"), "theme.success", "");
    }

    @Test
    void aThemeTypeOtherThanDarkOrLightIsRefused() {
        refuseJson(brandingJson().replace("\"themeType\": \"dark\"", "\"themeType\": \"blue\""), "themeType", "\"dark\" or \"light\"");
    }

    @Test
    void unknownFieldsAreRefusedSoTyposDoNotGoUnnoticed() {
        refuseJson(brandingJson().replace("\"primary\"", "\"primay\""), "theme.primay", "not a branding field");
        refuseJson(brandingJson().replace("\"companyName\"", "\"company\""), "company", "not a branding field");
    }

    @Test
    void linksMustBeUrlsOrEmpty() {
        refuseJson(brandingJson().replace("\"terms\": \"\"", "\"terms\": \"javascript:alert(1)\""), "links.terms", "URL");
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(brandingJson().replace("\"terms\": \"\"", "\"terms\": \"https://example.com/terms\""))
                .when().put("/vendor/branding.json").then().statusCode(200);
    }

    @Test
    void landingPageFieldsAreTypedAndBounded() {
        refuseJson(brandingJson().replace("\"deviceSpecs\": [", "\"deviceSpecs\": [3,"), "landingPage.deviceSpecs[0]", "");
        refuseJson(brandingJson().replace("\"This is your main slogan here\"", "\"" + "x".repeat(201) + "\""),
                "landingPage.mainSlogan", "200");
        refuseJson(brandingJson().replace("\"Product portal\"", "\"" + "t".repeat(101) + "\""), "title", "100");
    }

    @Test
    void aBrandingJsonOverTheLimitIs413() {
        String big = brandingJson().replace("\"Product consumer portal page description\"", "\"" + "d".repeat(70_000) + "\"");
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(big).when().put("/vendor/branding.json")
                .then().statusCode(413).contentType("application/problem+json");
    }

    // ---- images are checked by content ----

    @Test
    void anImageThatIsNotAPngIsRefusedNamingTheFile() {
        refuseImage("brandlogo.png", "GIF89a not a png".getBytes(), "not a PNG");
        refuseImage("device.png", new byte[0], "empty");
    }

    @Test
    void aDamagedPngIsRefused() {
        byte[] good = png(40, 40);
        refuseImage("brandlogo.png", Arrays.copyOf(good, 40), "decodable");
        byte[] noHeader = good.clone();
        noHeader[12] = 'X';
        refuseImage("brandlogo.png", noHeader, "IHDR");
    }

    @Test
    void aPngDeclaringHugeDimensionsIsRefusedBeforeDecoding() {
        byte[] bomb = png(40, 40);
        ByteBuffer.wrap(bomb, 16, 8).putInt(100_000).putInt(100_000);
        refuseImage("device.png", bomb, "limit is 4096");
    }

    @Test
    void anImageOverTheLimitIs413() {
        byte[] big = Arrays.copyOf(png(10, 10), 1_048_577);
        given().auth().oauth2(Tokens.oem()).contentType("image/png").body(big).when().put("/vendor/device.png")
                .then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void theFaviconTakesAnIcoOrAPngAndIsServedWithItsType() {
        byte[] ico = ico(png(32, 32));
        given().auth().oauth2(Tokens.oem()).body(ico).when().put("/vendor/favicon.ico").then().statusCode(200)
                .body("contentType", equalTo("image/x-icon"));
        given().auth().oauth2(Tokens.oem()).body(png(32, 32)).when().put("/vendor/favicon.ico").then().statusCode(200);
        given().when().get("/vendor/favicon.ico").then().statusCode(200).contentType("image/png");
    }

    @Test
    void aDamagedIcoIsRefused() {
        byte[] ico = ico(png(16, 16));
        ByteBuffer.wrap(ico).order(ByteOrder.LITTLE_ENDIAN).putInt(6 + 12, 5000);   // image offset past the end
        refuseImage("favicon.ico", ico, "outside the file");
        refuseImage("favicon.ico", "plain text".getBytes(), "neither an ICO nor a PNG");
    }

    @Test
    void aRefusedUploadLeavesTheBrandingAsItWas() {
        String before = given().when().get("/vendor/branding.json").then().extract().header("ETag");
        refuseJson(brandingJson().replace("\"#2C9DB6\"", "\"red\""), "theme.primary", "");
        given().when().get("/vendor/branding.json").then().header("ETag", equalTo(before));
    }

    private static void refuseJson(String body, String field, String message) {
        Response response = given().auth().oauth2(Tokens.oem()).contentType("application/json").body(body)
                .when().put("/vendor/branding.json");
        response.then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field))
                .body("errors.find { it.field == '" + field + "' }.message", containsString(message));
    }

    private static void refuseImage(String file, byte[] body, String message) {
        given().auth().oauth2(Tokens.oem()).contentType("application/octet-stream").body(body)
                .when().put("/vendor/" + file)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(file))
                .body("errors[0].message", containsString(message));
    }

    static String brandingJson() {
        try (InputStream in = BrandingAssetsTest.class.getClassLoader().getResourceAsStream("branding/defaults/branding.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0xFF2C9DB6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static byte[] ico(byte[] png) {
        ByteBuffer ico = ByteBuffer.allocate(22 + png.length).order(ByteOrder.LITTLE_ENDIAN);
        ico.putShort((short) 0).putShort((short) 1).putShort((short) 1);
        ico.put((byte) 16).put((byte) 16).put((byte) 0).put((byte) 0).putShort((short) 1).putShort((short) 32)
                .putInt(png.length).putInt(22);
        ico.put(png);
        return ico.array();
    }
}
