package io.everycloud.kit.testapp;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;

/** A resource shaped like a service's: validated input, a change plus its event in one transaction. */
@Path("/notes")
@Produces(MediaType.APPLICATION_JSON)
public class NoteResource {

    public record NewNote(@NotBlank @Size(max = 40) String text, @Min(1) int count) {
    }

    public record Note(long id, String text) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Outbox outbox;

    /** Stores the note and announces it as a resource write keyed by the note's text, {@code count} times. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Note create(@Valid NewNote note) throws SQLException {
        long id;
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO note (text) VALUES (?) RETURNING id")) {
            insert.setString(1, note.text());
            ResultSet rs = insert.executeQuery();
            rs.next();
            id = rs.getLong(1);
        }
        for (int i = 0; i < note.count(); i++) {
            outbox.publish(note.text(), new RegistryEvents.ResourceWritten(note.text(), "data_in", id + ":" + i,
                    RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now()));
        }
        return new Note(id, note.text());
    }

    @GET
    @Path("/{id}")
    public Note get(@PathParam("id") long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, text FROM note WHERE id = ?")) {
            select.setLong(1, id);
            ResultSet rs = select.executeQuery();
            if (!rs.next()) {
                throw ProblemException.notFound("no note " + id);
            }
            return new Note(rs.getLong(1), rs.getString(2));
        }
    }

    @GET
    public Page<Note> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) throws SQLException {
        PageRequest page = PageRequest.of(limit, cursor);
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT id, text FROM note WHERE id > ? ORDER BY id LIMIT ?")) {
            select.setLong(1, page.after() == null ? 0 : Long.parseLong(page.after()));
            select.setInt(2, page.fetchSize());
            ResultSet rs = select.executeQuery();
            List<Note> notes = new ArrayList<>();
            while (rs.next()) {
                notes.add(new Note(rs.getLong(1), rs.getString(2)));
            }
            return Page.of(notes, page, n -> Long.toString(n.id()));
        }
    }

    @GET
    @Path("/operators-only")
    @RolesAllowed(Roles.OEM)
    public String operatorsOnly() {
        return "secret";
    }
}
