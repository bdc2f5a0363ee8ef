package io.payg.gateway.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses body fields and query parameters the contract does not know (as Stripe answers
 * "Received unknown parameter"): a misspelled field is a 400 naming it, never silently ignored.
 * The known names are read from {@code openapi.json} at start-up, so the document is the one list.
 * Telco routes are not checked: they take the providers' own formats.
 */
public final class ContractFields {

  private static final String TELCO_PREFIX = "/api/v1/telco/";

  /** Known names of one schema level; {@code null} children mean "not declared, not checked". */
  record Shape(Set<String> names, Map<String, Shape> children, Shape items) {
    static final Shape OPEN = new Shape(null, Map.of(), null);
  }

  record Operation(
      String method, String template, Pattern path, boolean open, Set<String> query, Shape body) {}

  private final List<Operation> operations;

  private ContractFields(List<Operation> operations) {
    this.operations = operations;
  }

  /** Reads every non-telco operation's query parameters and body properties from the document. */
  public static ContractFields from(JsonObject doc) {
    List<Operation> ops = new ArrayList<>();
    boolean openByDefault = doc.getJsonArray("security", new JsonArray()).isEmpty();
    doc.getJsonObject("paths").forEach(p -> {
      String template = p.getKey();
      if (template.startsWith(TELCO_PREFIX) || !template.startsWith("/api/")) {
        return;
      }
      JsonObject item = (JsonObject) p.getValue();
      Pattern path = Pattern.compile(template.replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\."));
      item.forEach(m -> {
        if (!(m.getValue() instanceof JsonObject op) || m.getKey().equals("parameters")) {
          return;
        }
        Set<String> query = new LinkedHashSet<>();
        List<Object> params =
            new ArrayList<>(item.getJsonArray("parameters", new JsonArray()).getList());
        params.addAll(op.getJsonArray("parameters", new JsonArray()).getList());
        for (Object raw : params) {
          JsonObject param = resolve(
              doc, raw instanceof Map<?, ?> map ? new JsonObject(cast(map)) : (JsonObject) raw);
          if ("query".equals(param.getString("in"))) {
            query.add(param.getString("name"));
          }
        }
        JsonArray security = op.getJsonArray("security");
        boolean open = security == null ? openByDefault : security.isEmpty();
        JsonObject schema = op.getJsonObject("requestBody") == null
            ? null
            : resolve(doc, op.getJsonObject("requestBody"))
                .getJsonObject("content", new JsonObject())
                .getJsonObject("application/json", new JsonObject())
                .getJsonObject("schema");
        Shape body = schema == null ? Shape.OPEN : shape(doc, schema, 0);
        ops.add(new Operation(m.getKey().toUpperCase(), template, path, open, query, body));
      });
    });
    // a literal segment wins over a template ("/transactions/export.csv" before
    // "/transactions/{id}")
    ops.sort(Comparator.comparingLong(
        (Operation o) -> o.template().chars().filter(c -> c == '{').count()));
    return new ContractFields(List.copyOf(ops));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static JsonObject resolve(JsonObject doc, JsonObject node) {
    for (int hops = 0; node.containsKey("$ref") && hops < 16; hops++) {
      JsonObject target = doc;
      for (String part : node.getString("$ref").substring(2).split("/")) {
        target = target.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
      }
      node = target;
    }
    return node;
  }

  private static Shape shape(JsonObject doc, JsonObject schema, int depth) {
    schema = resolve(doc, schema);
    if (depth > 12) {
      return Shape.OPEN;
    }
    if ("array".equals(schema.getString("type")) && schema.getJsonObject("items") != null) {
      return new Shape(null, Map.of(), shape(doc, schema.getJsonObject("items"), depth + 1));
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    for (String combiner : List.of("allOf", "oneOf", "anyOf")) {
      for (Object part : schema.getJsonArray(combiner, new JsonArray())) {
        JsonObject sub = resolve(doc, (JsonObject) part);
        if (sub.getJsonObject("properties") == null
            || sub.getValue("additionalProperties") != null) {
          return Shape.OPEN; // a part that declares no properties lets anything through
        }
        properties.putAll(sub.getJsonObject("properties").getMap());
      }
    }
    JsonObject declared = schema.getJsonObject("properties");
    if (declared != null) {
      properties.putAll(declared.getMap());
    }
    Object additional = schema.getValue("additionalProperties");
    if (properties.isEmpty() || Boolean.TRUE.equals(additional)) {
      // a map (e.g. plugin settings) or a schema without declared properties: names are not fixed
      return additional instanceof JsonObject values
          ? new Shape(null, Map.of("*", shape(doc, values, depth + 1)), null)
          : Shape.OPEN;
    }
    Map<String, Shape> children = new HashMap<>();
    properties.forEach((name, child) -> children.put(
        name,
        shape(
            doc,
            child instanceof Map<?, ?> map ? new JsonObject(cast(map)) : (JsonObject) child,
            depth + 1)));
    return new Shape(Set.copyOf(properties.keySet()), children, null);
  }

  /** Checks operations whose contract needs no bearer token (mounted before authentication). */
  public void checkOpen(RoutingContext ctx) {
    check(ctx, true);
  }

  /** Checks the authenticated operations (mounted after authentication, so a stranger learns nothing). */
  public void checkAuthenticated(RoutingContext ctx) {
    check(ctx, false);
  }

  private void check(RoutingContext ctx, boolean open) {
    // the path the router matched (dot segments removed), not the raw one a caller can disguise
    String path = ctx.normalizedPath();
    // the providers' callbacks are not in the operator contract: skip the scan of every operation
    Operation op =
        path.startsWith(TELCO_PREFIX) ? null : match(ctx.request().method().name(), path);
    if (op == null || op.open() != open) {
      ctx.next();
      return;
    }
    for (String name : ctx.queryParams().names()) {
      if (!op.query().contains(name)) {
        refuse(ctx, "query parameter", name);
        return;
      }
    }
    if (ctx.body() != null && ctx.body().available() && ctx.body().length() > 0 && isJson(ctx)) {
      Object body;
      try {
        body = ctx.body().buffer().toJsonValue();
      } catch (DecodeException e) {
        ctx.next(); // the route answers MALFORMED_JSON as before
        return;
      }
      String unknown = unknown(op.body(), body, "");
      if (unknown != null) {
        refuse(ctx, "field", unknown);
        return;
      }
    }
    ctx.next();
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type == null || type.toLowerCase().contains("json");
  }

  /** The dotted name of the first field the shape does not know, or null. */
  static String unknown(Shape shape, Object value, String prefix) {
    if (value instanceof JsonObject object) {
      for (String name : object.fieldNames()) {
        if (shape.names() != null && !shape.names().contains(name)) {
          return prefix + name;
        }
        Shape child = shape.names() != null
            ? shape.children().get(name)
            : shape.children().get("*");
        if (child != null) {
          String found = unknown(child, object.getValue(name), prefix + name + ".");
          if (found != null) {
            return found;
          }
        }
      }
    } else if (value instanceof JsonArray array && shape.items() != null) {
      for (int i = 0; i < array.size(); i++) {
        String found = unknown(
            shape.items(),
            array.getValue(i),
            prefix.isEmpty()
                ? "[" + i + "]."
                : prefix.substring(0, prefix.length() - 1) + "[" + i + "].");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private Operation match(String method, String path) {
    for (Operation op : operations) {
      if (op.method().equals(method) && op.path().matcher(path).matches()) {
        return op;
      }
    }
    return null;
  }

  private static void refuse(RoutingContext ctx, String what, String name) {
    Problems.send(ctx, 400, "UNKNOWN_PARAMETER", "Received unknown " + what + ": " + name);
  }
}
