package io.everycloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @Test
    void aRunningServiceKeepsItsFilesWhenItsModuleIsRebuilt(@TempDir Path dir) throws Exception {
        Path built = builtApp(dir.resolve("target/quarkus-app"));

        Path app = ServiceProcess.snapshot(built, dir.resolve("data/apps/claim"));
        // a rebuild empties target/quarkus-app and writes new files
        LocalSuite.deleteRecursively(built);
        Files.createDirectories(built.resolve("lib/main"));
        Files.writeString(built.resolve("quarkus-run.jar"), "v2");

        assertThat(Files.readString(app.resolve("quarkus-run.jar"))).isEqualTo("v1");
        assertThat(Files.readString(app.resolve("lib/main/dep.jar"))).isEqualTo("dep v1");
        // the next start takes the new build
        assertThat(Files.readString(ServiceProcess.snapshot(built, dir.resolve("data/apps/claim")).resolve("quarkus-run.jar")))
                .isEqualTo("v2");
        assertThat(dir.resolve("data/apps/claim/lib/main/dep.jar")).doesNotExist();
    }

    @Test
    void theBuildsClassDataArchiveIsUsedWithTheJarsItWasWrittenFor(@TempDir Path dir) throws Exception {
        Path built = dir.resolve("target/quarkus-app");
        Files.createDirectories(built);
        Files.writeString(built.resolve("quarkus-run.jar"), "v1");
        Files.setLastModifiedTime(built.resolve("quarkus-run.jar"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThat(ServiceProcess.classDataSharing(ServiceProcess.snapshot(built, dir.resolve("data/apps/claim")))).isEmpty();

        Files.writeString(built.resolve("app-cds.jsa"), "archive");
        Path app = ServiceProcess.snapshot(built, dir.resolve("data/apps/claim"));
        assertThat(ServiceProcess.classDataSharing(app)).containsExactly("-XX:SharedArchiveFile=app-cds.jsa");
        // the archive checks each jar's size and modification time: the snapshot keeps them
        assertThat(Files.getLastModifiedTime(app.resolve("quarkus-run.jar"))).isEqualTo(Files.getLastModifiedTime(built.resolve("quarkus-run.jar")));
    }

    @Test
    void theTrainedArchiveIsOnePerBuildAndSharedBySnapshotsOfIt(@TempDir Path dir) throws Exception {
        Path built = builtApp(dir.resolve("claim-service/target/quarkus-app"));
        Files.writeString(built.resolve("app-cds.jsa"), "the build's archive");

        Path cds = dir.resolve("claim-service/target/cds");

        Path archive = ServiceProcess.trainedArchive(ServiceProcess.snapshot(built, dir.resolve("data/apps/claim")), cds, "claim-service");
        assertThat(archive.getParent()).isEqualTo(cds.toAbsolutePath());
        assertThat(archive.getFileName().toString()).startsWith("claim-service-").endsWith(".jsa");
        // a snapshot of the same build in another data folder (another e2e suite), or the build's
        // own archive rewritten: the same trained archive
        Files.writeString(built.resolve("app-cds.jsa"), "rewritten");
        assertThat(ServiceProcess.trainedArchive(ServiceProcess.snapshot(built, dir.resolve("other/apps/claim")), cds, "claim-service"))
                .isEqualTo(archive);

        // a rebuild (one jar of another size) trains again
        Files.writeString(built.resolve("lib/main/dep.jar"), "dep v2 (longer)");
        Path rebuilt = ServiceProcess.trainedArchive(ServiceProcess.snapshot(built, dir.resolve("data/apps/claim")), cds, "claim-service");
        assertThat(rebuilt).isNotEqualTo(archive);
        // so does a jar that only changed its time (the JVM checks both)
        Files.setLastModifiedTime(built.resolve("quarkus-run.jar"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThat(ServiceProcess.trainedArchive(ServiceProcess.snapshot(built, dir.resolve("data/apps/claim")), cds, "claim-service"))
                .isNotEqualTo(rebuilt);
    }

    @Test
    void aTrainingRunsArchiveIsKeptOnlyWhenTheRunStoppedByItself(@TempDir Path cds) throws Exception {
        Path trained = cds.resolve("claim-service-00000002.jsa");
        Path olderBuild = Files.writeString(cds.resolve("claim-service-00000001.jsa"), "older build");
        Path otherRunsTraining = Files.writeString(cds.resolve("claim-service-00000002.jsa.77-1.tmp"), "in progress");

        // killed: what it wrote is dropped, nothing else is touched
        Path killedRun = Files.writeString(cds.resolve("claim-service-00000002.jsa.42-1.tmp"), "half written");
        ServiceProcess.keepArchive(killedRun, trained, true);
        assertThat(killedRun).doesNotExist();
        assertThat(trained).doesNotExist();
        assertThat(olderBuild).exists();

        // an empty archive (the JVM wrote nothing) is dropped as well
        Path empty = Files.writeString(cds.resolve("claim-service-00000002.jsa.42-2.tmp"), "");
        ServiceProcess.keepArchive(empty, trained, false);
        assertThat(empty).doesNotExist();
        assertThat(trained).doesNotExist();

        // stopped by itself: its archive becomes the trained one; older builds' go, other runs' trainings stay
        Path stopped = Files.writeString(cds.resolve("claim-service-00000002.jsa.42-3.tmp"), "every class");
        ServiceProcess.keepArchive(stopped, trained, false);
        assertThat(trained).hasContent("every class");
        assertThat(stopped).doesNotExist();
        assertThat(olderBuild).doesNotExist();
        assertThat(otherRunsTraining).exists();
    }

    @Test
    void theTailOfALogShowsItsLastLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("claim.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);

        assertThat(ServiceProcess.tail(log, 3)).isEqualTo("line 98\nline 99\nline 100");
        assertThat(ServiceProcess.tail(dir.resolve("missing.log"), 3)).contains("no log");
    }

    @Test
    void aMigrationChangedUnderKeptDataSuggestsFresh() {
        assertThat(LocalSuite.hint("FlywayValidateException: Validate failed\nMigration checksum mismatch for migration version 1"))
                .contains("--fresh");
        assertThat(LocalSuite.hint("Started in 3.2 s")).isEmpty();
    }

    /** A module's packaged application as the build leaves it: the runner jar and one dependency. */
    private static Path builtApp(Path built) throws Exception {
        Files.createDirectories(built.resolve("lib/main"));
        Files.writeString(built.resolve("quarkus-run.jar"), "v1");
        Files.writeString(built.resolve("lib/main/dep.jar"), "dep v1");
        return built;
    }

    @Test
    void aJvmWithAnAgentOrAFlightRecordingFromItsStartMapsNoArchive() {
        // OpenJDK 17 crashes when a class file load hook meets an archived class of a multi-release jar
        assertThat(ServiceProcess.classFileHooked(Map.of("JAVA_TOOL_OPTIONS", "-javaagent:/opt/otel/opentelemetry-javaagent.jar")))
                .isTrue();
        assertThat(ServiceProcess.classFileHooked(Map.of("JDK_JAVA_OPTIONS", "-Xmx1g -XX:StartFlightRecording=filename=x.jfr")))
                .isTrue();
        assertThat(ServiceProcess.classFileHooked(Map.of("JAVA_TOOL_OPTIONS", "-agentpath:/opt/profiler/libasyncProfiler.so")))
                .isTrue();
        assertThat(ServiceProcess.classFileHooked(Map.of("JAVA_TOOL_OPTIONS", "-Dfile.encoding=UTF-8", "PATH", "/usr/bin")))
                .isFalse();
        assertThat(ServiceProcess.classFileHooked(Map.of())).isFalse();
    }
}
