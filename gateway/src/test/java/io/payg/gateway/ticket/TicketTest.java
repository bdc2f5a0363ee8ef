package io.payg.gateway.ticket;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operators handle support tickets; agents open tickets about their own customers and see their own. */
class TicketTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static String agentId;
  static String agentToken;
  static String ownCustomer;
  static String otherCustomer;
  static String operatorId;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TicketTest.class);
    company = gw.company("Ticket Energy");
    GatewayFixture.Agent agent = gw.agent(company, 0);
    agentId = agent.id();
    agentToken = agent.token();
    operatorId = ok(gw.post(
            "/api/v1/users",
            company.adminToken(),
            new JsonObject()
                .put("email", "op-" + UUID.randomUUID() + "@example.com")
                .put("password", "operator password 1")
                .put("role", "OPERATOR")))
        .getString("id");
    ownCustomer = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "Own")
                .put("phone", "+254711111111")
                .put("villageId", company.villageId())
                .put("agentId", agentId)))
        .getString("id");
    otherCustomer = gw.meterCustomer(
            company, "TK-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return await(gw.http
        .requestAbs(HttpMethod.PATCH, gw.base + path)
        .bearerTokenAuthentication(token)
        .sendJsonObject(body));
  }

  static JsonObject ticket(String title, String customerId) {
    return new JsonObject()
        .put("title", title)
        .put("description", "The meter shows no credit")
        .put("category", "METER")
        .put("customerId", customerId);
  }

  @Test
  void operatorsOpenListUpdateAndCommentOnTickets() {
    String admin = company.adminToken();
    HttpResponse<Buffer> created =
        gw.post("/api/v1/tickets", admin, ticket("No token", otherCustomer));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject t = created.bodyAsJsonObject();
    assertEquals("OPEN", t.getString("status"));
    assertEquals(otherCustomer, t.getString("customerId"));
    String id = t.getString("id");
    String general = ok(gw.post(
            "/api/v1/tickets",
            admin,
            new JsonObject()
                .put("title", "Grid down")
                .put("description", "Village B has no power")))
        .getString("id");

    // filters and paging
    assertEquals(
        1,
        ok(gw.get("/api/v1/tickets?customerId=" + otherCustomer, admin))
            .getJsonArray("items")
            .size());
    JsonObject page1 = ok(gw.get("/api/v1/tickets?limit=1", admin));
    assertEquals(
        general, page1.getJsonArray("items").getJsonObject(0).getString("id"), "newest first");
    JsonObject page2 = ok(gw.get(
        "/api/v1/tickets?limit=1&before=" + page1.getString("nextBefore").replace("+", "%2B"),
        admin));
    assertEquals(id, page2.getJsonArray("items").getJsonObject(0).getString("id"));

    // assign and progress
    JsonObject updated = ok(patch(
        "/api/v1/tickets/" + id,
        admin,
        new JsonObject().put("status", "IN_PROGRESS").put("assigneeUserId", operatorId)));
    assertEquals("IN_PROGRESS", updated.getString("status"));
    assertEquals(operatorId, updated.getString("assigneeUserId"));
    assertEquals(
        1,
        ok(gw.get("/api/v1/tickets?status=IN_PROGRESS", admin))
            .getJsonArray("items")
            .size());
    assertEquals(
        0,
        ok(gw.get("/api/v1/tickets?status=CLOSED", admin)).getJsonArray("items").size());

    HttpResponse<Buffer> comment = gw.post(
        "/api/v1/tickets/" + id + "/comments",
        admin,
        new JsonObject().put("body", "Sent a technician"));
    assertEquals(201, comment.statusCode(), comment.bodyAsString());
    JsonObject full = ok(gw.get("/api/v1/tickets/" + id, admin));
    assertEquals(
        "Sent a technician", full.getJsonArray("comments").getJsonObject(0).getString("body"));

    JsonObject unassigned = ok(patch(
        "/api/v1/tickets/" + id,
        admin,
        new JsonObject().put("status", "RESOLVED").putNull("assigneeUserId")));
    assertEquals("RESOLVED", unassigned.getString("status"));
    assertNull(unassigned.getString("assigneeUserId"));

    // bad input: clear problems, nothing changed
    assertEquals(
        "VALIDATION_FAILED",
        patch("/api/v1/tickets/" + id, admin, new JsonObject().put("status", "DONE"))
            .bodyAsJsonObject()
            .getString("code"));
    HttpResponse<Buffer> agentAssignee =
        patch("/api/v1/tickets/" + id, admin, new JsonObject().put("assigneeUserId", agentId));
    assertEquals(422, agentAssignee.statusCode());
    assertEquals("ASSIGNEE_NOT_FOUND", agentAssignee.bodyAsJsonObject().getString("code"));
    assertEquals(
        400,
        gw.post("/api/v1/tickets", admin, new JsonObject().put("title", "x")).statusCode());
    assertEquals(400, gw.get("/api/v1/tickets?status=NOPE", admin).statusCode());
    assertEquals(400, gw.get("/api/v1/tickets?customerId=nope", admin).statusCode());
    assertEquals(
        422,
        gw.post("/api/v1/tickets", admin, ticket("x", UUID.randomUUID().toString()))
            .statusCode());
    assertEquals(404, gw.get("/api/v1/tickets/" + UUID.randomUUID(), admin).statusCode());
    assertEquals(
        404,
        gw.post(
                "/api/v1/tickets/" + UUID.randomUUID() + "/comments",
                admin,
                new JsonObject().put("body", "x"))
            .statusCode());
    assertEquals("RESOLVED", ok(gw.get("/api/v1/tickets/" + id, admin)).getString("status"));
    assertEquals(2, gw.db.count("SELECT count(*) FROM tickets"));
  }

  @Test
  void agentsOpenTicketsForTheirOwnCustomersOnlyAndSeeTheirOwn() {
    HttpResponse<Buffer> own =
        gw.post("/api/v1/agent/tickets", agentToken, ticket("Meter broken", ownCustomer));
    assertEquals(201, own.statusCode(), own.bodyAsString());
    assertEquals(agentId, own.bodyAsJsonObject().getString("createdBy"));

    long before = gw.db.count("SELECT count(*) FROM tickets");
    HttpResponse<Buffer> other =
        gw.post("/api/v1/agent/tickets", agentToken, ticket("Not mine", otherCustomer));
    assertEquals(422, other.statusCode());
    assertEquals("CUSTOMER_NOT_FOUND", other.bodyAsJsonObject().getString("code"));
    assertEquals(
        400,
        gw.post(
                "/api/v1/agent/tickets",
                agentToken,
                new JsonObject().put("title", "t").put("description", "no customer"))
            .statusCode(),
        "an agent's ticket is about one of their customers");
    assertEquals(before, gw.db.count("SELECT count(*) FROM tickets"));

    ok(gw.post("/api/v1/tickets", company.adminToken(), ticket("An operator's", ownCustomer)));
    JsonArray mine = ok(gw.get("/api/v1/agent/tickets", agentToken)).getJsonArray("items");
    assertTrue(
        mine.stream().allMatch(o -> agentId.equals(((JsonObject) o).getString("createdBy"))),
        mine.encode());
    assertEquals(1, mine.size());

    assertEquals(403, gw.get("/api/v1/tickets", agentToken).statusCode());
    assertEquals(
        403, gw.post("/api/v1/tickets", agentToken, ticket("x", ownCustomer)).statusCode());
    assertEquals(
        403,
        gw.post("/api/v1/agent/tickets", company.adminToken(), ticket("x", ownCustomer))
            .statusCode());
  }
}
