package io.everycloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class GoldenEventsTest {

    static Stream<EventCatalog.Entry> everyType() {
        return EventCatalog.entries().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyType")
    void everyEventTypeReadsItsGoldenSampleAndWritesItBackUnchanged(EventCatalog.Entry entry) throws IOException {
        String golden = golden(entry.type());

        Envelope envelope = Envelope.fromJson(golden);
        Record payload = envelope.payload();

        assertThat(payload).isInstanceOf(entry.recordClass());
        assertThat(envelope.topic()).isEqualTo(entry.topic());
        assertThat(envelope.is(entry.recordClass())).isTrue();
        ObjectMapper plain = new ObjectMapper();
        JsonNode rewritten = plain.readTree(EventJson.write(payload));
        assertThat(rewritten).isEqualTo(plain.readTree(golden).get("data"));
    }

    @Test
    void unknownFieldsAreIgnoredSoProducersCanAddFields() {
        String json = """
                {"id":"00000000-0000-0000-0000-000000000001","type":"device.deleted.v1",
                 "time":"2026-11-25T10:15:30Z","subject":"d1","traceparent":"x",
                 "data":{"identity":"d1","deletedAt":"2026-11-25T10:15:30Z","reason":"added later"}}""";

        Envelope envelope = Envelope.fromJson(json);

        assertThat(envelope.dataAs(RegistryEvents.DeviceDeleted.class).identity()).isEqualTo("d1");
    }

    @Test
    void anEnvelopeWrittenByOfReadsBackToTheSameEvent() {
        var event = new RegistryEvents.ResourceWritten("d1", "data_in", "{\"t\":1}", "device", java.time.Instant.now());

        Envelope read = Envelope.fromJson(Envelope.of("d1", event).toJson());

        assertThat(read.type()).isEqualTo("resource.written.v1");
        assertThat(read.topic()).isEqualTo(Topics.REGISTRY_RESOURCE);
        assertThat(read.payload()).isEqualTo(event);
    }

    @Test
    void requiredFieldsAreCheckedAtConstruction() {
        assertThatThrownBy(() -> new RegistryEvents.DeviceActivated("d1", null, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("tokenHash");
        assertThatThrownBy(() -> Envelope.fromJson("{\"id\":\"00000000-0000-0000-0000-000000000001\"}"))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void unknownTypesAreMalformed() {
        assertThatThrownBy(() -> EventCatalog.classOf("device.exploded.v9")).isInstanceOf(MalformedEventException.class);
    }

    private static String golden(String type) throws IOException {
        try (InputStream in = GoldenEventsTest.class.getResourceAsStream("/golden/" + type + ".json")) {
            assertThat(in).as("golden sample golden/%s.json", type).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
