package io.everycloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** docs/events.md is what operators and app developers read: it must name every type and topic. */
class EventDocsTest {

    @Test
    void theEventCatalogueInTheDocsNamesEveryTypeAndTopic() throws IOException {
        String docs = Files.readString(Path.of("../../docs/events.md"));

        for (EventCatalog.Entry entry : EventCatalog.entries()) {
            assertThat(docs).as("docs/events.md mentions %s", entry.type()).contains("`" + entry.type() + "`");
        }
        for (String topic : Topics.ALL) {
            assertThat(docs).as("docs/events.md mentions topic %s", topic).contains("`" + topic + "`");
        }
    }
}
