package io.payg.gateway.customer;

import io.payg.domain.DeviceType;
import io.payg.domain.Serial;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.sale.SaleTerms;
import io.payg.gateway.transaction.TransactionSearch;
import io.payg.gateway.transaction.TransactionStore;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/customers} (a customer with their device), {@code GET /api/v1/customers/{id}},
 * and an agent's registration of a customer ({@code POST /api/v1/agent/customers}) by the same rules.
 */
public final class CustomerRoutes {

  private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{7,15}");
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final CustomerStore store;
  private final TransactionStore transactions;
  private final Clock clock;

  public CustomerRoutes(CustomerStore store, TransactionStore transactions, Clock clock) {
    this.store = store;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * {@code ?q=} (name, phone or serial, case-insensitive, part of it) {@code &villageId&agentId&deviceType&hasDebt}.
   */
  private void search(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String q = ctx.queryParams().get("q");
    if (q != null && (q.isBlank() || q.length() > 100 || q.chars().anyMatch(c -> c < 0x20))) {
      throw ApiException.badRequest("'q' must be 1 to 100 printable characters");
    }
    String deviceType = ctx.queryParams().get("deviceType");
    if (deviceType != null) {
      try {
        DeviceType.valueOf(deviceType);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'deviceType' must be one of METER, SHS, EBIKE");
      }
    }
    String hasDebt = ctx.queryParams().get("hasDebt");
    if (hasDebt != null && !hasDebt.equals("true") && !hasDebt.equals("false")) {
      throw ApiException.badRequest("'hasDebt' must be true or false");
    }
    Responses.json(
        ctx,
        200,
        store.search(
            new CustomerSearch(
                caller.companyId(),
                q == null ? null : q.trim(),
                queryUuid(ctx, "villageId"),
                queryUuid(ctx, "agentId"),
                deviceType,
                hasDebt == null ? null : Boolean.valueOf(hasDebt)),
            Paging.before(ctx),
            Paging.limit(ctx)));
  }

  private static UUID queryUuid(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    try {
      return v == null ? null : UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("'" + name + "' must be a UUID");
    }
  }

  /** {@code PATCH} name, phone, villageId, agentId (null: no agent); at least one. */
  private void update(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "customer");
    JsonInput in = JsonInput.of(ctx);
    String phone = in.optionalString("phone", 20);
    if (phone != null) {
      phone = phone.replace(" ", "");
      if (!PHONE.matcher(phone).matches()) {
        throw ApiException.badRequest("'phone' must be a phone number such as +255712345678");
      }
    }
    boolean agentGiven =
        in.raw().containsKey("agentId"); // null: the customer no longer has an agent
    CustomerStore.CustomerChange change = new CustomerStore.CustomerChange(
        in.optionalString("name", 200),
        phone,
        in.optionalUuid("villageId"),
        agentGiven,
        in.optionalUuid("agentId"));
    if (change.name() == null
        && change.phone() == null
        && change.villageId() == null
        && !agentGiven) {
      throw ApiException.badRequest("nothing to change: send name, phone, villageId or agentId");
    }
    if (change.name() != null && change.name().isBlank()) {
      throw ApiException.badRequest("'name' must not be blank");
    }
    Responses.json(
        ctx,
        200,
        store
            .update(caller, id, change)
            .compose(v -> store.get(caller.companyId(), id, LocalDate.now(clock))));
  }

  /** Another meter, SHS or e-bike for an existing customer: the rules of registration. */
  private void addDevice(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "customer");
    CustomerStore.NewDevice device = readDevice(JsonInput.of(ctx));
    Responses.json(
        ctx,
        201,
        store
            .addDevice(caller, id, device, LocalDate.now(clock))
            .compose(v -> store.get(caller.companyId(), id, LocalDate.now(clock))));
  }

  public void mount(Router router) {
    router.post("/api/v1/customers").handler(this::create);
    router.post("/api/v1/agent/customers").handler(this::registerForAgent);
    router.get("/api/v1/customers").handler(this::search);
    router.patch("/api/v1/customers/:id").handler(this::update);
    router.post("/api/v1/customers/:id/devices").handler(this::addDevice);
    router.get("/api/v1/customers/:id/transactions").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      UUID id = PathParams.uuid(ctx, "id", "customer");
      Responses.json(
          ctx,
          200,
          store
              .get(caller.companyId(), id, LocalDate.now(clock))
              .compose(exists -> transactions.search(
                  TransactionSearch.of(caller.companyId()).byCustomer(id),
                  Paging.before(ctx),
                  Paging.limit(ctx))));
    });
    router.get("/api/v1/customers/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx,
          200,
          store.get(
              caller.companyId(), PathParams.uuid(ctx, "id", "customer"), LocalDate.now(clock)));
    });
  }

  /** {@code openPaygo: {secretKey, startingCode, tokenCount?}}: required for, and only for, OpenPAYGO devices. */
  private static CustomerStore.OpenPaygo openPaygo(JsonInput device, String manufacturer) {
    JsonInput o = device.optionalObject("openPaygo");
    if (!OpenPaygoPlugin.NAME.equals(manufacturer)) {
      if (o != null) {
        throw ApiException.badRequest("'openPaygo' is for devices of manufacturer openpaygo");
      }
      return null;
    }
    if (o == null) {
      throw ApiException.badRequest(
          "an OpenPAYGO device needs 'openPaygo': {secretKey, startingCode}");
    }
    String key = o.string("secretKey", 32).toLowerCase(Locale.ROOT);
    if (!key.matches("[0-9a-f]{32}")) {
      throw ApiException.badRequest(
          "'openPaygo.secretKey' must be 32 hexadecimal characters (16 bytes)");
    }
    return new CustomerStore.OpenPaygo(
        key,
        o.integer("startingCode", 0, 999_999_999L),
        o.has("tokenCount") ? (int) o.integer("tokenCount", 0, 1_000_000) : 1);
  }

  /** A device as registration takes it: a meter with its tariff, an SHS / e-bike with its sale. */
  private CustomerStore.NewDevice readDevice(JsonInput device) {
    String serial = Serial.normalise(device.string("serial", 64));
    if (!SERIAL.matcher(serial).matches()) {
      throw ApiException.badRequest(
          "'device.serial' may hold letters, digits, '.', '_' and '-' only");
    }
    DeviceType type = device.enumValue("type", DeviceType.class);
    if (type == DeviceType.METER) {
      if (device.has("sale")) {
        throw ApiException.badRequest("a meter has a tariff, not a sale");
      }
      return new CustomerStore.NewDevice(
          serial, type, device.string("manufacturer", 64), device.uuid("tariffId"), null, null);
    }
    // SHS and e-bikes are sold through an appliance sale: their payment scheme
    if (device.has("tariffId")) {
      throw ApiException.badRequest("'tariffId' is for meters; an " + type + " has a sale");
    }
    String manufacturer = device.string("manufacturer", 64);
    return new CustomerStore.NewDevice(
        serial,
        type,
        manufacturer,
        null,
        SaleTerms.read(device.object("sale"), LocalDate.now(clock)),
        openPaygo(device, manufacturer));
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    JsonInput in = JsonInput.of(ctx);
    String phone = readPhone(in);
    JsonInput device = in.optionalObject("device");
    CustomerStore.NewDevice newDevice = device == null ? null : readDevice(device);
    CustomerStore.NewCustomer c = new CustomerStore.NewCustomer(
        in.string("name", 200), phone, in.uuid("villageId"), in.optionalUuid("agentId"), newDevice);
    Responses.json(
        ctx,
        201,
        store
            .create(caller, c, LocalDate.now(clock))
            .compose(id -> store.get(caller.companyId(), id, LocalDate.now(clock))));
  }

  private static String readPhone(JsonInput in) {
    String phone = in.string("phone", 20).replace(" ", "");
    if (!PHONE.matcher(phone).matches()) {
      throw ApiException.badRequest("'phone' must be a phone number such as +255712345678");
    }
    return phone;
  }

  /**
   * {@code POST /api/v1/agent/customers} + {@code Idempotency-Key} (MicroPowerManager's customer
   * registration app): an agent registers a customer with one device, by the operator's rules;
   * the customer is the agent's. The same key with the same body answers the same customer; with
   * another body it is a 409 and nothing is stored.
   */
  private void registerForAgent(RoutingContext ctx) {
    Caller agent = Caller.require(ctx, Role.AGENT);
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    String phone = readPhone(in);
    CustomerStore.NewCustomer c = new CustomerStore.NewCustomer(
        in.string("name", 200),
        phone,
        in.uuid("villageId"),
        agent.userId(),
        readDevice(in.object("device")));
    JsonObject request = in.raw().copy();
    LocalDate today = LocalDate.now(clock);
    Responses.json(
        ctx,
        201,
        earlierRegistration(agent, key, request)
            .compose(earlier -> earlier != null
                ? Future.succeededFuture(earlier)
                : store
                    .createForAgent(agent, key, request, c, today)
                    // a concurrent twin with the same key won: answer its customer
                    .recover(t -> CustomerStore.isRegistrationKeyTaken(t)
                        ? earlierRegistration(agent, key, request)
                        : Future.failedFuture(t)))
            .compose(id -> store.get(agent.companyId(), id, today)));
  }

  /** The customer this agent registered under {@code key}, or null; the key with another body is a 409. */
  private Future<UUID> earlierRegistration(Caller agent, String key, JsonObject request) {
    return store.agentRegistration(agent.companyId(), agent.userId(), key).map(earlier -> {
      if (earlier == null) {
        return null;
      }
      if (!earlier.request().equals(request)) {
        throw ApiException.conflict(
            "IDEMPOTENCY_KEY_REUSED",
            "Idempotency-Key " + key + " was already used for another registration");
      }
      return earlier.customerId();
    });
  }
}
