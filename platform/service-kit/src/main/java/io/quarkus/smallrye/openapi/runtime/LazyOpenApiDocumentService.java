package io.quarkus.smallrye.openapi.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;

/**
 * The OpenAPI document ({@code /q/openapi}) is prepared when it is first asked for, not while the
 * service starts.
 * <p>
 * Quarkus 3.33 prepares each document in a start step of its own, on the main thread: it reads the
 * document the build generated, runs the runtime filters and writes its JSON and YAML forms (the
 * YAML writer's classes are loaded for it). That took 84–308 ms of every service's start on this
 * project's 2-core machine ({@code -Dquarkus.debug.print-startup-times}; docs/benchmarks.md), for a
 * document no probe, device or user needs to become ready. The extension has no setting for this, so
 * this bean replaces its document service (an {@link Alternative} of the same type, which the
 * extension's recorder and handler look up): it keeps what the start step hands over and does the
 * same preparation, by the extension's own code, on the first request for that document, on that
 * request's thread. That request takes the preparation's time once (~0.3 s; ~20 ms after); the
 * document served is the same.
 * <p>
 * Quarkus 3.33 made this preparation eager (quarkusio/quarkus#54826, a ~200-ms start regression); a
 * later Quarkus prepares the document on its first request again when no filter must run at the
 * start (quarkusio/quarkus#55538). This class does the same for 3.33, and can go with that upgrade.
 * <p>
 * It lives in the extension's package because the method the start step calls is package-private,
 * so it works where both are loaded by one class loader: the packaged service (the JDK's class path,
 * which the local suite and the images run). It is therefore a bean of the {@code prod} build only;
 * {@code @QuarkusTest} loads the extension and the application in two class loaders, where the
 * extension's own service is used. The end-to-end API sweep reads every packaged service's
 * {@code /q/openapi} ({@code deploy/e2e} ApiSweepIT). A Quarkus upgrade that changes the method
 * fails this class's compilation, not a running service.
 */
@IfBuildProfile("prod")
@Alternative
@Priority(1)
@Singleton
@Unremovable // looked up by the extension's recorder and handler, never injected
public class LazyOpenApiDocumentService extends OpenApiDocumentService {

    private record Pending(AutoSecurityFilter autoSecurityFilter, Map<OpenApiFilter.RunStage, List<String>> filters,
            ClassLoader classLoader) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    @Override
    void prepareDocument(AutoSecurityFilter autoSecurityFilter, Map<OpenApiFilter.RunStage, List<String>> filters,
            String documentName) {
        pending.put(documentName, new Pending(autoSecurityFilter, filters, Thread.currentThread().getContextClassLoader()));
    }

    @Override
    public byte[] getDocument(String documentName, Format format) {
        if (pending.containsKey(documentName)) {
            prepare(documentName);
        }
        return super.getDocument(documentName, format);
    }

    private synchronized void prepare(String documentName) {
        Pending document = pending.get(documentName);
        if (document == null) {
            return; // another request prepared it meanwhile
        }
        // the extension resolves the document's resources and filters through the context class loader,
        // as on the main thread that handed them over
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(document.classLoader());
        try {
            super.prepareDocument(document.autoSecurityFilter(), document.filters(), documentName);
            pending.remove(documentName);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
