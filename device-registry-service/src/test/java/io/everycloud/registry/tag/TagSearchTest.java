package io.everycloud.registry.tag;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Fleet;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class TagSearchTest {

    @Test
    void tagsAreMultiValuedAndCanBeReplacedAndRemovedValueByValue() {
        String identity = newIdentity("tags");
        provision(identity);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("a1", "a2", "a1"))
                .when().put("/api/devices/{id}/tags/apps", identity).then().statusCode(200)
                .body("apps", contains("a1", "a2"))
                .body("claim_code", contains(identity));
        given().header("Authorization", oem()).when().delete("/api/devices/{id}/tags/apps?value=a1", identity)
                .then().statusCode(200).body("apps", contains("a2"));
        given().header("Authorization", oem()).when().delete("/api/devices/{id}/tags/apps", identity)
                .then().statusCode(200).body("$", not(hasKey("apps")));
        given().header("Authorization", oem()).when().delete("/api/devices/{id}/tags/apps", identity)
                .then().statusCode(404);
        given().header("Authorization", oem()).when().get("/api/devices/{id}/tags", identity)
                .then().statusCode(200).body("claim_code", contains(identity));
    }

    @Test
    void reservedTagsKeepTheirFormat() {
        String identity = newIdentity("reserved");
        provision(identity);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("soon"))
                .when().put("/api/devices/{id}/tags/expires", identity).then().statusCode(400)
                .body("errors.field", hasItem("values[0]"));
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("1", "2"))
                .when().put("/api/devices/{id}/tags/expires", identity).then().statusCode(400);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("someone"))
                .when().put("/api/devices/{id}/tags/users", identity).then().statusCode(400);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("x"))
                .when().put("/api/devices/{id}/tags/{name}", identity, "bad name!").then().statusCode(400);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("1900000000"))
                .when().put("/api/devices/{id}/tags/expires", identity).then().statusCode(200)
                .body("expires", contains("1900000000"));
    }

    @Test
    void tagLimitsAreExplicit() {
        String identity = newIdentity("limits");
        provision(identity);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("v" + i);
        }
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(many)
                .when().put("/api/devices/{id}/tags/many", identity).then().statusCode(400)
                .body("errors.field", hasItem("values"));
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(many.subList(0, 100))
                .when().put("/api/devices/{id}/tags/many", identity).then().statusCode(200);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("x".repeat(257)))
                .when().put("/api/devices/{id}/tags/long", identity).then().statusCode(400)
                .body("errors.field", hasItem("values[0]"));
        StringBuilder query = new StringBuilder("/api/devices?limit=1");
        for (int i = 0; i < 11; i++) {
            query.append("&tag=t").append(i).append(":v");
        }
        given().header("Authorization", oem()).when().get(query.toString()).then().statusCode(400)
                .body("errors.field", hasItem("tag"));
    }

    @Test
    void anAppWritesOnlyItsOwnNamespacedTags() {
        String identity = newIdentity("apptag");
        provision(identity);
        Fleet.setTag(identity, "apps", List.of("ext_writer", "ext_other"));
        String app = Tokens.bearer(Tokens.app("ext_writer"));
        given().header("Authorization", app).contentType(ContentType.JSON).body(List.of("blue"))
                .when().put("/api/devices/{id}/tags/app:ext_writer:color", identity).then().statusCode(200)
                .body("'app:ext_writer:color'", contains("blue"));
        given().header("Authorization", app).contentType(ContentType.JSON).body(List.of("red"))
                .when().put("/api/devices/{id}/tags/app:ext_other:color", identity).then().statusCode(403);
        given().header("Authorization", app).contentType(ContentType.JSON).body(List.of("x"))
                .when().put("/api/devices/{id}/tags/region", identity).then().statusCode(403);
        given().header("Authorization", app).contentType(ContentType.JSON).body(List.of("ext_writer"))
                .when().put("/api/devices/{id}/tags/apps", identity).then().statusCode(403);
        given().header("Authorization", app).when().delete("/api/devices/{id}/tags/app:ext_writer:color", identity)
                .then().statusCode(200);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(List.of("green"))
                .when().put("/api/devices/{id}/tags/app:ext_other:color", identity).then().statusCode(200);
    }

    @Test
    void searchCombinesSeveralTagsIdentityPrefixAndStatus() {
        String prefix = newIdentity("srch");
        String owner = java.util.UUID.randomUUID().toString();
        String both = prefix + "-both";
        String onlyOwner = prefix + "-owner";
        String onlyRegion = prefix + "-region";
        provision(both, Map.of("users", List.of(owner), "region", List.of("eu", "us")));
        provision(onlyOwner, Map.of("users", List.of(owner)));
        provision(onlyRegion, Map.of("region", List.of("eu")));
        Fleet.activate(both);

        given().header("Authorization", oem())
                .when().get("/api/devices?tag=users:" + owner + "&tag=region:eu").then().statusCode(200)
                .body("items.identity", contains(both))
                .body("items[0].tags.region", contains("eu", "us"))
                .body("nextCursor", nullValue());
        given().header("Authorization", oem())
                .when().get("/api/devices?tag=users:" + owner).then().statusCode(200)
                .body("items.identity", contains(both, onlyOwner));
        given().header("Authorization", oem())
                .when().get("/api/devices?identity=" + prefix + "&tag=region:eu").then().statusCode(200)
                .body("items.identity", contains(both, onlyRegion));
        given().header("Authorization", oem())
                .when().get("/api/devices?identity=" + prefix + "&status=provisioned").then().statusCode(200)
                .body("items.identity", containsInAnyOrder(onlyOwner, onlyRegion));
        given().header("Authorization", oem())
                .when().get("/api/devices?identity=" + prefix + "&status=activated").then().statusCode(200)
                .body("items.identity", contains(both));
    }

    /**
     * With the test profile's selective-tag-size of 2, a search where one tag has at most 2 devices
     * from the cursor on checks only those (DeviceRepository.selectiveSearch); the others are planned
     * for their values. Both ways give the same pages.
     */
    @Test
    void severalTagsPageAlikeWhetherOneTagIsSelectiveOrNot() {
        String prefix = newIdentity("sel");
        java.util.UUID owner = java.util.UUID.randomUUID();
        String red = "red-" + prefix;
        String big = "big-" + prefix;
        for (int i = 0; i < 6; i++) {
            Map<String, List<String>> tags = new java.util.HashMap<>(Map.of("color", List.of(red)));
            if (i % 2 == 0) {
                tags.put("size", List.of(big));
            }
            if (i == 2 || i == 5) {
                tags.put("users", List.of(owner.toString()));
            }
            provision(prefix + "-" + i, tags);
        }
        Fleet.activate(prefix + "-5");

        // no tag is selective (6 and 3 devices): planned for the values
        assertThat(pages(oem(), "tag=color:" + red + "&tag=size:" + big, 2))
                .containsExactly(List.of(prefix + "-0", prefix + "-2"), List.of(prefix + "-4"));
        // the owner's 2 devices (2 and 5) are checked for the other tags: 5 is not big
        assertThat(pages(oem(), "tag=color:" + red + "&tag=size:" + big + "&tag=users:" + owner, 1))
                .containsExactly(List.of(prefix + "-2"));
        assertThat(pages(oem(), "tag=color:" + red + "&tag=users:" + owner, 1))
                .containsExactly(List.of(prefix + "-2"), List.of(prefix + "-5"));
        assertThat(pages(oem(), "tag=color:" + red + "&tag=users:" + owner + "&status=activated", 10))
                .containsExactly(List.of(prefix + "-5"));
        assertThat(pages(oem(), "tag=color:" + red + "&tag=users:" + owner + "&identity=" + prefix + "-2", 10))
                .containsExactly(List.of(prefix + "-2"));
        assertThat(pages(oem(), "tag=size:" + big + "&tag=users:" + owner + "&tag=color:blue", 10))
                .containsExactly(List.of());
        // a user's search is scoped to the user's devices: the scope is the selective tag
        assertThat(pages("Bearer " + Tokens.user(owner), "tag=color:" + red, 1))
                .containsExactly(List.of(prefix + "-2"), List.of(prefix + "-5"));
        assertThat(pages("Bearer " + Tokens.user(owner), "tag=size:" + big, 10))
                .containsExactly(List.of(prefix + "-2"));
        assertThat(pages("Bearer " + Tokens.user(java.util.UUID.randomUUID()), "tag=size:" + big, 10))
                .containsExactly(List.of());
    }

    /** Every page of a search, following nextCursor. */
    private static List<List<String>> pages(String authorization, String query, int limit) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().header("Authorization", authorization).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.when().get("/api/devices?" + query)
                    .then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("items.identity"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && pages.size() < 10);
        return pages;
    }

    @Test
    void appTagsWithColonsInTheirNameAreSearchable() {
        String identity = newIdentity("colon");
        provision(identity, Map.of("app:ext_q:site", List.of("lab:2")));
        given().header("Authorization", oem())
                .when().get("/api/devices?tag=app:ext_q:site:lab:2").then().statusCode(200)
                .body("items.identity", contains(identity));
    }

    @Test
    void searchPagesWithACursorUntilTheLastPage() {
        String prefix = newIdentity("page");
        for (int i = 0; i < 5; i++) {
            provision(prefix + "-" + i);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = given().header("Authorization", oem())
                    .queryParam("identity", prefix).queryParam("limit", "2")
                    .queryParam("cursor", cursor == null ? "" : cursor)
                    .when().get("/api/devices").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.identity"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactly(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void badSearchParametersAre400NamingThem() {
        given().header("Authorization", oem()).when().get("/api/devices?tag=novalue").then().statusCode(400)
                .body("errors.field", hasItem("tag"));
        given().header("Authorization", oem()).when().get("/api/devices?status=sleeping").then().statusCode(400)
                .body("errors.field", hasItem("status"));
        given().header("Authorization", oem()).when().get("/api/devices?limit=501").then().statusCode(400)
                .body("errors.field", hasItem("limit"));
        given().header("Authorization", oem()).when().get("/api/devices?limit=ten").then().statusCode(400);
        given().header("Authorization", oem()).when().get("/api/devices?cursor=%%%").then().statusCode(400);
        given().header("Authorization", oem()).when().get("/api/devices?identity=a%20b").then().statusCode(400)
                .body("errors.field", hasItem("identity"));
        given().when().get("/api/devices").then().statusCode(401).body("status", equalTo(401));
    }
}
