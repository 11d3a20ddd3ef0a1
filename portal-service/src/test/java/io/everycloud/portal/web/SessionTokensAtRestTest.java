package io.everycloud.portal.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.everycloud.portal.session.TokenCipher;
import io.quarkus.test.junit.QuarkusTest;

/** The user's tokens kept with a session are encrypted in the database, and the session still works. */
@QuarkusTest
class SessionTokensAtRestTest {

    @Inject
    DataSource dataSource;

    @Inject
    TokenCipher cipher;

    @Test
    void theSessionTableNeverHoldsATokenInPlainText() throws SQLException {
        PortalPagesTest.Browser alice = PortalPagesTest.signIn(StandInServices.ALICE);
        List<String> issued = given().baseUri(PortalPagesTest.standIn()).when().get("/_standin/log").then().extract().path("accessTokens");
        assertThat(issued).isNotEmpty();

        List<String[]> rows = tokenColumns();
        assertThat(rows).as("signed-in sessions in the table").isNotEmpty();
        for (String[] row : rows) {
            for (String column : row) {
                if (column == null) {
                    continue;
                }
                // no key configured in the tests: the key is derived from the database password
                assertThat(cipher.currentKeyId()).isEqualTo("db");
                assertThat(column).startsWith("v1.db.").doesNotContain("eyJ");
                for (String token : issued) {
                    assertThat(column).doesNotContain(token);
                }
            }
        }
        // the encrypted token still serves the user's pages
        given().cookie("ec_session", alice.cookie()).when().get("/devices/" + StandInServices.ALICE_DEVICE)
                .then().statusCode(200).body(containsString(StandInServices.ALICE_DEVICE));
    }

    @Test
    void signingOutRevokesThePlainRefreshTokenNotItsCiphertext() {
        PortalPagesTest.Browser alice = PortalPagesTest.signIn(StandInServices.ALICE);
        given().redirects().follow(false).cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf())
                .when().post("/logout").then().statusCode(303);
        List<String> revoked = given().baseUri(PortalPagesTest.standIn()).when().get("/_standin/log").then().extract().path("revoked");
        assertThat(revoked).isNotEmpty();
        assertThat(revoked.get(revoked.size() - 1)).as("what user-service was asked to revoke").doesNotStartWith("v1.");
    }

    @Test
    void aSessionWhoseTokensWereChangedInTheDatabaseIsSignedOut() throws SQLException {
        PortalPagesTest.Browser bob = PortalPagesTest.signIn(StandInServices.BOB);
        given().redirects().follow(false).cookie("ec_session", bob.cookie()).when().get("/devices").then().statusCode(200);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE portal_session SET access_token = access_token || 'AA' WHERE email = ? AND user_id IS NOT NULL")) {
            update.setString(1, StandInServices.BOB);
            assertThat(update.executeUpdate()).isPositive();
        }
        given().redirects().follow(false).cookie("ec_session", bob.cookie()).when().get("/devices").then().statusCode(303)
                .header("Location", containsString("/login"));
    }

    private List<String[]> tokenColumns() throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT access_token, refresh_token FROM portal_session WHERE user_id IS NOT NULL");
                ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(new String[] {result.getString(1), result.getString(2)});
            }
        }
        return rows;
    }
}
