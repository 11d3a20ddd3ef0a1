package io.everycloud.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the processes of a run in {@code <data>/run/<name>.pid} so that the next start can
 * stop what a killed launcher (SIGKILL, a closed terminal) left running on the suite's ports and
 * data: the services, the Kafka broker, and the PostgreSQL server of the data folder.
 */
final class LeftoverProcesses {

    private final Path folder;

    LeftoverProcesses(Path folder) {
        this.folder = folder;
    }

    /** Records a process by pid and start time (a recycled pid is never mistaken for it). */
    void record(String name, ProcessHandle process) {
        if (folder == null) {
            return;
        }
        String started = process.info().startInstant().map(Instant::toString).orElse("");
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(name + ".pid"), process.pid() + " " + started + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("warning: cannot record the process of " + name + ": " + e.getMessage());
        }
    }

    /** After a clean stop nothing is left to remember. */
    void forget() {
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pid")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // the next start checks them anyway
        }
    }

    /** Stops every recorded process still running, then a PostgreSQL still running on {@code postgresData}. */
    void stopAll(Path postgresData) {
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pid")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replace(".pid", "");
                    recorded(file).ifPresent(process -> stop(name, process));
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                System.err.println("warning: cannot read " + folder + ": " + e.getMessage());
            }
        }
        Path postmaster = postgresData.resolve("postmaster.pid");
        if (Files.exists(postmaster)) {
            try {
                long pid = Long.parseLong(Files.readAllLines(postmaster).get(0).trim());
                ProcessHandle.of(pid)
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                        .ifPresent(p -> stop("postgres", p));
            } catch (IOException | RuntimeException e) {
                // a stale or unreadable pid file: PostgreSQL itself deals with it at start
            }
        }
    }

    private static Optional<ProcessHandle> recorded(Path file) {
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            long pid = Long.parseLong(parts[0]);
            String started = parts.length > 1 ? parts[1] : "";
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(Instant::toString).orElse("").equals(started));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void stop(String name, ProcessHandle process) {
        System.out.println("  leftover    stopping " + name + " (pid " + process.pid() + ") from a run that did not stop cleanly");
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
