package io.payg.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates operator and agent API requests (path, query, headers, JSON body) against
 * {@code openapi.json} with vertx-openapi's {@link RequestValidator}, before the handlers: the
 * document's lengths, patterns, enums, ranges and required fields are the checks, one source.
 * A refusal is our 400 problem naming the field ({@code 'amount' is invalid: ...}) with an RFC
 * 9457 {@code errors} member carrying its JSON pointer; a path parameter the contract refuses (an
 * id that is not a UUID) is a 404 like any unknown id, as the routes answered before. What the
 * validator cannot say as the clients know it is left to the route: a body that is missing, not
 * JSON or of another media type still answers 400 / {@code MALFORMED_JSON} / 415 there, and
 * unknown names are {@link ContractFields}' (JSON Schema has no "unknown field" message).
 * Telco routes take the providers' own formats and are not validated here; nor are the two
 * uploads that stream their CSV body (reconciliations, imports).
 */
public final class ContractValidation {

  private static final String TELCO_PREFIX = "/api/v1/telco/";
  private static final Pattern PARAMETER = Pattern.compile(
      "\\b(path|query|header|cookie) parameter (\\S+?)(?:\\.?$|\\s)", Pattern.CASE_INSENSITIVE);
  /** Keywords whose error only says that a part below them failed. */
  private static final Pattern WRAPPER =
      Pattern.compile("/(properties|items|\\$ref|allOf|oneOf|anyOf)$");

  private static final Pattern MISREAD =
      Pattern.compile("Instance type (number|integer|boolean|null) is invalid\\. Expected string");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  /** The roles an operation's description names: "… Roles: ADMIN, OPERATOR. …" */
  private static final Pattern ROLES = Pattern.compile("Roles: ([A-Z_]+(?:, [A-Z_]+)*)");

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final Set<String> open;
  private final Map<String, Set<String>> roles;
  /** Top-level body properties that may be null (optional ones: null is leaving them out), by operation id. */
  private final Map<String, Set<String>> nullable;

  private ContractValidation(
      OpenAPIContract contract,
      RequestValidator validator,
      Set<String> open,
      Map<String, Set<String>> roles,
      Map<String, Set<String>> nullable) {
    this.contract = contract;
    this.validator = validator;
    this.open = open;
    this.roles = roles;
    this.nullable = nullable;
  }

  /** Reads the contract once at start: the operator and agent operations, as requests see them. */
  public static Future<ContractValidation> load(Vertx vertx, JsonObject doc) {
    Set<String> open = new HashSet<>();
    JsonObject view = requestView(doc, open);
    Map<String, Set<String>> roles = new HashMap<>();
    Map<String, Set<String>> nullable = new HashMap<>();
    view.getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
          if (m.getValue() instanceof JsonObject op && !m.getKey().equals("parameters")) {
            Matcher r = ROLES.matcher(op.getString("description", ""));
            if (r.find()) {
              roles.put(op.getString("operationId"), Set.of(r.group(1).split(",\\s*")));
            }
            JsonObject schema = jsonSchema(op);
            Set<String> canBeNull = new HashSet<>(
                schema.getJsonObject("properties", new JsonObject()).fieldNames());
            schema.getJsonArray("required", new JsonArray()).forEach(canBeNull::remove);
            if (!canBeNull.isEmpty()) {
              nullable.put(op.getString("operationId"), Set.copyOf(canBeNull));
            }
          }
        }));
    return OpenAPIContract.from(vertx, view)
        .map(contract -> new ContractValidation(
            contract,
            RequestValidator.create(vertx, contract),
            Set.copyOf(open),
            Map.copyOf(roles),
            Map.copyOf(nullable)));
  }

  private static JsonObject jsonSchema(JsonObject op) {
    return op.getJsonObject("requestBody", new JsonObject())
        .getJsonObject("content", new JsonObject())
        .getJsonObject("application/json", new JsonObject())
        .getJsonObject("schema", new JsonObject());
  }

  /**
   * The document as vertx-openapi can read it for requests: the operator and agent paths only,
   * responses left out (the validator checks requests; it knows neither problem+json nor CSV
   * answers), streamed bodies left out, no relative server URL (it wants absolute ones).
   */
  static JsonObject requestView(JsonObject doc, Set<String> open) {
    JsonObject view = doc.copy();
    view.remove("servers");
    boolean openByDefault = view.getJsonArray("security", new JsonArray()).isEmpty();
    JsonObject paths = new JsonObject();
    view.getJsonObject("paths").forEach(p -> {
      if (!p.getKey().startsWith("/api/") || p.getKey().startsWith(TELCO_PREFIX)) {
        return;
      }
      JsonObject item = (JsonObject) p.getValue();
      JsonObject kept = new JsonObject();
      item.forEach(m -> {
        if (!(m.getValue() instanceof JsonObject op) || m.getKey().equals("parameters")) {
          kept.put(m.getKey(), m.getValue());
          return;
        }
        JsonObject body = op.getJsonObject("requestBody");
        if (body != null
            && !body.getJsonObject("content", new JsonObject()).containsKey("application/json")) {
          return; // streamed uploads: their routes read and check the CSV as it arrives
        }
        op.put(
            "responses",
            new JsonObject()
                .put("default", new JsonObject().put("description", "see openapi.json")));
        JsonArray security = op.getJsonArray("security");
        if (security == null ? openByDefault : security.isEmpty()) {
          open.add(op.getString("operationId"));
        }
        kept.put(m.getKey(), op);
      });
      paths.put(p.getKey(), kept);
    });
    view.put("paths", paths);
    view.getJsonObject("components").remove("responses");
    return view;
  }

  /** Validates operations whose contract needs no bearer token (mounted before authentication). */
  public void checkOpen(RoutingContext ctx) {
    check(ctx, true);
  }

  /** Validates the authenticated operations (after authentication: a stranger learns nothing). */
  public void checkAuthenticated(RoutingContext ctx) {
    check(ctx, false);
  }

  private void check(RoutingContext ctx, boolean wantOpen) {
    // the path the router matched (dot segments removed), not the raw one a caller can disguise
    String path = ctx.normalizedPath();
    Operation op = path.startsWith("/api/") && !path.startsWith(TELCO_PREFIX)
        ? contract.findOperation(path, ctx.request().method())
        : null;
    if (op == null || open.contains(op.getOperationId()) != wantOpen || !mayCall(ctx, op)) {
      ctx.next();
      return;
    }
    Buffer body = op.getRequestBody() == null ? null : withoutNulls(readableJson(ctx), op);
    if (op.getRequestBody() != null && body == null) {
      ctx.next(); // missing, not JSON, another media type: the route answers as it always has
      return;
    }
    Future<ValidatableRequest> extracted;
    try {
      extracted = RequestUtils.extract(ctx.request(), op, () -> Future.succeededFuture(body));
    } catch (ValidatorException e) {
      // vertx-openapi 5.0.8 URL-decodes query values a second time (RequestUtils.decodeUrl): a
      // value holding a literal '%' (q=%25) cannot be read by it; the route checks that one
      ctx.next();
      return;
    }
    extracted
        .compose(request -> validate(request, op))
        .onSuccess(v -> ctx.next())
        .onFailure(err -> refuse(ctx, err));
  }

  /** The validator's own call, apart from routing and extraction (measured in docs/performance.md). */
  Future<ValidatedRequest> validate(ValidatableRequest request, Operation op) {
    return validator.validate(request, op.getOperationId());
  }

  Operation operation(String path, HttpMethod method) {
    return contract.findOperation(path, method);
  }

  /**
   * Whether the caller's role is one the operation names ("Roles: …" in its description): a
   * caller who may not use it gets the route's 403, as before, not a 400 about a request it may
   * not make at all.
   */
  private boolean mayCall(RoutingContext ctx, Operation op) {
    Set<String> allowed = roles.get(op.getOperationId());
    String role = ctx.user() == null ? null : ctx.user().principal().getString("role");
    return allowed == null || role == null || allowed.contains(role);
  }

  /**
   * The body without its optional members sent as null: the contract says null is the same as
   * leaving an optional member out (or, where it says so, clears it), and vertx-json-schema 5.0.8
   * applies neither that nor OpenAPI 3.0's {@code nullable}; the rest is the validator's.
   */
  private Buffer withoutNulls(Buffer body, Operation op) {
    Set<String> names = nullable.get(op.getOperationId());
    if (body == null || names == null || !(body.toJsonValue() instanceof JsonObject object)) {
      return body;
    }
    JsonObject copy = null;
    for (String name : names) {
      if (object.containsKey(name) && object.getValue(name) == null) {
        copy = copy == null ? object.copy() : copy;
        copy.remove(name);
      }
    }
    return copy == null ? body : copy.toBuffer();
  }

  private static Buffer readableJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null
        || !type.toLowerCase().startsWith("application/json")
        || ctx.body() == null
        || ctx.body().length() == 0) {
      return null;
    }
    Buffer buffer = ctx.body().buffer();
    try {
      buffer.toJsonValue();
    } catch (DecodeException e) {
      return null;
    }
    return buffer;
  }

  private static void refuse(RoutingContext ctx, Throwable err) {
    if (!(err instanceof ValidatorException e)) {
      ctx.fail(err);
      return;
    }
    if (e instanceof SchemaValidationException s && e.getMessage().contains("request body")) {
      Refusal r = bodyRefusal(s.getOutputUnit());
      Problems.send(
          ctx,
          400,
          "VALIDATION_FAILED",
          r.detail(),
          new JsonObject()
              .put(
                  "errors",
                  new JsonArray(List.of(
                      new JsonObject().put("detail", r.detail()).put("pointer", r.pointer())))));
      return;
    }
    Matcher m = PARAMETER.matcher(e.getMessage());
    if (!m.find() || MISREAD.matcher(e.getMessage()).find()) {
      // vertx-openapi 5.0.8 reads a form-style query value such as q=254712 as a number and then
      // refuses it against "type: string": not the client's error, so the route checks that one
      ctx.next(); // nothing a client could act on by name: the route decides as before
      return;
    }
    String in = m.group(1).toLowerCase();
    String name = m.group(2);
    if (in.equals("path")) {
      Problems.send(ctx, 404, "NOT_FOUND", "No such resource");
    } else if (in.equals("header") && name.equalsIgnoreCase("Idempotency-Key")) {
      Problems.send(ctx, 400, "VALIDATION_FAILED", IdempotencyKey.REQUIRED);
    } else {
      String detail = "'" + name + "' " + in + " parameter is invalid"
          + (e.getMessage().contains("Reason: ")
              ? ": " + e.getMessage().substring(e.getMessage().indexOf("Reason: ") + 8)
              : "");
      Problems.send(ctx, 400, "VALIDATION_FAILED", detail);
    }
  }

  /** What a refused body says: the field by name and its JSON pointer. */
  record Refusal(String detail, String pointer) {}

  static Refusal bodyRefusal(OutputUnit unit) {
    List<OutputUnit> errors =
        unit.getErrors() == null || unit.getErrors().isEmpty() ? List.of(unit) : unit.getErrors();
    OutputUnit leaf = errors.stream()
        .filter(u -> u.getKeywordLocation() != null
            && !WRAPPER.matcher(u.getKeywordLocation()).find())
        .findFirst()
        .orElse(errors.get(0));
    String location = leaf.getInstanceLocation() == null ? "#" : leaf.getInstanceLocation();
    String pointer = location.startsWith("#") ? location.substring(1) : location;
    String error = leaf.getError() == null ? "invalid" : leaf.getError();
    if (leaf.getKeywordLocation() != null && leaf.getKeywordLocation().endsWith("/required")) {
      Matcher q = QUOTED.matcher(error);
      if (q.find()) {
        pointer = pointer + "/" + q.group(1);
        return new Refusal("'" + fieldName(pointer) + "' is required", pointer);
      }
    }
    if (pointer.isEmpty()) {
      return new Refusal("The body is invalid: " + error, "");
    }
    return new Refusal("'" + fieldName(pointer) + "' is invalid: " + error, pointer);
  }

  /** {@code /accessRate/periodDays} as {@code accessRate.periodDays}, {@code /items/0/sn} as {@code items[0].sn}. */
  static String fieldName(String pointer) {
    StringBuilder name = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      String token = part.replace("~1", "/").replace("~0", "~");
      if (token.matches("\\d+")) {
        name.append('[').append(token).append(']');
      } else {
        name.append(name.length() == 0 ? "" : ".").append(token);
      }
    }
    return name.toString();
  }
}
