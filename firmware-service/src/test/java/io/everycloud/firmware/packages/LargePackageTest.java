package io.everycloud.firmware.packages;

import static io.everycloud.firmware.FirmwareFixtures.metadata;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.everycloud.firmware.FirmwareFixtures.oem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.everycloud.firmware.FirmwareFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * A 64 MiB package goes in and out without the service holding it in memory. The service runs
 * in this JVM, so the heap measured here is the service's (and the client's, which streams too).
 */
@QuarkusTest
class LargePackageTest {

    private static final int SIZE = 64 * 1024 * 1024;

    @Test
    void aLargePackageIsStreamedInAndOutWhileTheHeapStaysFlat() throws Exception {
        FirmwareFixtures.setSwitch("enabled");
        Path file = Files.createTempFile("firmware-large", ".bin");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
            byte[] block = new byte[1024 * 1024];
            Random random = new Random(64);
            for (int i = 0; i < SIZE / block.length; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
        Path metadataFile = Files.createTempFile("package_", ".json");
        String version = newVersion();
        Files.writeString(metadataFile, metadata(version, "FILE", "\"large.bin\""));

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = settledHeap(memory);
        AtomicLong peak = new AtomicLong();
        Thread sampler = sample(memory, peak);
        String id;
        try {
            id = given().header("Authorization", oem())
                    .multiPart("file", file.toFile(), "application/octet-stream")
                    .multiPart("metadata", "package_large.json", Files.readAllBytes(metadataFile), "application/json")
                    .post("/api/firmware/packages").then().statusCode(201)
                    .extract().path("id");
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        long afterUpload = settledHeap(memory);

        var pkg = given().header("Authorization", oem()).get("/api/firmware/packages/" + id).then().statusCode(200).extract();
        assertThat(pkg.<String>path("sha256")).isEqualTo(expected);
        assertThat(((Number) pkg.path("size")).longValue()).isEqualTo(SIZE);

        // Download the whole binary through the device API and hash it as it arrives.
        String identity = FirmwareFixtures.device("large", java.util.Map.of());
        String token = FirmwareFixtures.activate(identity);
        HttpResponse<InputStream> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/provision/download?id=" + id))
                .header("X-Exosite-CIK", token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        MessageDigest downloaded = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream in = download.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                downloaded.update(buffer, 0, n);
                received += n;
            }
        }
        long afterDownload = settledHeap(memory);
        assertThat(received).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(downloaded.digest())).isEqualTo(expected);

        System.out.printf("LargePackageTest: 64 MiB package; heap after GC before upload %d MiB, after upload %d MiB, "
                + "after download %d MiB; highest heap sampled during upload %d MiB%n",
                mib(before), mib(afterUpload), mib(afterDownload), mib(peak.get()));
        // Retained heap grows by far less than the package: nothing keeps it in memory.
        assertThat(afterUpload - before).isLessThan(SIZE / 4);
        assertThat(afterDownload - before).isLessThan(SIZE / 4);
        Files.deleteIfExists(file);
        Files.deleteIfExists(metadataFile);
        given().header("Authorization", oem()).delete("/api/firmware/packages/" + id).then().statusCode(204);
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static Thread sample(MemoryMXBean memory, AtomicLong peak) {
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

}
