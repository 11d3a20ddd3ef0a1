package io.everycloud.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP server (GreenMail) that keeps what it receives, plus an HTTP view of it:
 * {@code GET /messages} (JSON, oldest first), {@code DELETE /messages}, {@code GET /} (a page).
 * It can be stopped and started again on the same port to play an SMTP outage.
 */
public final class MailSink implements AutoCloseable {

    /** One received email, as the HTTP API shows it. */
    public record ReceivedMail(String id, String from, List<String> to, String subject, String text, String html,
            Instant receivedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final int smtpPort;
    private final int httpPort;
    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private GreenMail smtp;
    private HttpServer http;
    /** Messages already collected; GreenMail lists messages per mailbox, not in arrival order, so an index is not enough. */
    private final java.util.Set<MimeMessage> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public MailSink(int smtpPort, int httpPort) {
        this.smtpPort = smtpPort == 0 ? Ports.free() : smtpPort;
        this.httpPort = httpPort;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public int httpPort() {
        return http == null ? httpPort : http.getAddress().getPort();
    }

    public synchronized MailSink start() {
        startSmtp();
        if (httpPort >= 0 && http == null) {
            startHttp();
        }
        return this;
    }

    /** Starts SMTP again after {@link #stopSmtp()}; what was received stays. */
    public synchronized void startSmtp() {
        if (smtp == null) {
            smtp = new GreenMail(new ServerSetup(smtpPort, InetAddress.getLoopbackAddress().getHostAddress(), ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            seen.clear();
        }
    }

    /** Stops accepting mail (connections are refused) until {@link #startSmtp()}. */
    public synchronized void stopSmtp() {
        collect();
        if (smtp != null) {
            smtp.stop();
            smtp = null;
        }
    }

    public synchronized List<ReceivedMail> messages() {
        collect();
        return List.copyOf(received);
    }

    public List<ReceivedMail> messagesTo(String recipient) {
        return messages().stream().filter(m -> m.to().stream().anyMatch(recipient::equalsIgnoreCase)).toList();
    }

    /** Waits until a message matching the filter arrived and returns it. */
    public ReceivedMail await(Predicate<ReceivedMail> filter, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ReceivedMail mail : messages()) {
                if (filter.test(mail)) {
                    return mail;
                }
            }
            Ports.sleep(50);
        }
        throw new AssertionError("no email arrived within " + timeout.toSeconds() + " s matching the filter; received: "
                + messages().stream().map(m -> m.to() + " " + m.subject()).toList());
    }

    public synchronized void clear() {
        collect();
        received.clear();
    }

    @Override
    public synchronized void close() {
        stopSmtp();
        if (http != null) {
            http.stop(0);
            http = null;
        }
    }

    private void collect() {
        if (smtp == null) {
            return;
        }
        MimeMessage[] all = smtp.getReceivedMessages();
        for (MimeMessage message : all) {
            if (seen.add(message)) {
                received.add(read(message, received.size() + 1));
            }
        }
    }

    private static ReceivedMail read(MimeMessage message, int number) {
        try {
            String[] bodies = new String[2];
            collectBodies(message, bodies);
            List<String> to = new ArrayList<>();
            Address[] recipients = message.getRecipients(Message.RecipientType.TO);
            if (recipients != null) {
                Arrays.stream(recipients).map(MailSink::address).forEach(to::add);
            }
            Address[] from = message.getFrom();
            Instant sent = message.getSentDate() == null ? Instant.now() : message.getSentDate().toInstant();
            return new ReceivedMail(Integer.toString(number), from == null || from.length == 0 ? null : address(from[0]),
                    to, message.getSubject(), bodies[0], bodies[1], sent);
        } catch (Exception e) {
            return new ReceivedMail(Integer.toString(number), null, List.of(), "(unreadable: " + e.getMessage() + ")",
                    null, null, Instant.now());
        }
    }

    private static String address(Address address) {
        return address instanceof jakarta.mail.internet.InternetAddress internet ? internet.getAddress() : address.toString();
    }

    private static void collectBodies(Part part, String[] bodies) throws Exception {
        if (part.isMimeType("text/plain") && bodies[0] == null && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            bodies[0] = String.valueOf(part.getContent());
        } else if (part.isMimeType("text/html") && bodies[1] == null) {
            bodies[1] = String.valueOf(part.getContent());
        } else if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collectBodies(body, bodies);
            }
        }
    }

    private void startHttp() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 50);
        } catch (IOException e) {
            throw new IllegalStateException("mail sink HTTP port " + httpPort + " is taken", e);
        }
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mail-sink-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/messages") && method.equals("GET")) {
                send(exchange, 200, "application/json", JSON.writeValueAsBytes(messages()));
            } else if (path.equals("/messages") && method.equals("DELETE")) {
                clear();
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/") && method.equals("GET")) {
                send(exchange, 200, "text/html; charset=utf-8", page().getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, "application/problem+json",
                        "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private String page() {
        StringBuilder html = new StringBuilder("<!doctype html><html lang=en><head><meta charset=utf-8>"
                + "<title>Mail sink</title><style>body{font-family:sans-serif;margin:2rem}article{border:1px solid #ccc;"
                + "margin:1rem 0;padding:1rem}pre{white-space:pre-wrap}</style></head><body><h1>Mail sink</h1>");
        List<ReceivedMail> all = messages();
        html.append("<p>").append(all.size()).append(" message(s). JSON at <a href=/messages>/messages</a>.</p>");
        for (int i = all.size() - 1; i >= 0; i--) {
            ReceivedMail m = all.get(i);
            html.append("<article><h2>").append(escape(m.subject())).append("</h2><p>From ").append(escape(m.from()))
                    .append(" to ").append(escape(String.join(", ", m.to()))).append(" at ").append(m.receivedAt())
                    .append("</p><pre>").append(escape(m.text() != null ? m.text() : m.html())).append("</pre></article>");
        }
        return html.append("</body></html>").toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
