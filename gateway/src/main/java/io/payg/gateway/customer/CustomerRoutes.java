package io.payg.gateway.customer;

import io.payg.domain.DeviceType;
import io.payg.domain.Serial;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.sale.SaleTerms;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.regex.Pattern;

/** {@code POST /api/v1/customers} (a customer with their device), {@code GET /api/v1/customers/{id}}. */
public final class CustomerRoutes {

  private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{7,15}");
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final CustomerStore store;
  private final Clock clock;

  public CustomerRoutes(CustomerStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/v1/customers").handler(this::create);
    router.get("/api/v1/customers/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.get(caller.companyId(), PathParams.uuid(ctx, "id", "customer"), LocalDate.now(clock)));
    });
  }

  /** {@code openPaygo: {secretKey, startingCode, tokenCount?}}: required for, and only for, OpenPAYGO devices. */
  private static CustomerStore.OpenPaygo openPaygo(JsonInput device, String manufacturer) {
    JsonInput o = device.optionalObject("openPaygo");
    if (!"openpaygo".equals(manufacturer)) {
      if (o != null) {
        throw ApiException.badRequest("'openPaygo' is for devices of manufacturer openpaygo");
      }
      return null;
    }
    if (o == null) {
      throw ApiException.badRequest("an OpenPAYGO device needs 'openPaygo': {secretKey, startingCode}");
    }
    String key = o.string("secretKey", 32).toLowerCase(java.util.Locale.ROOT);
    if (!key.matches("[0-9a-f]{32}")) {
      throw ApiException.badRequest("'openPaygo.secretKey' must be 32 hexadecimal characters (16 bytes)");
    }
    return new CustomerStore.OpenPaygo(key, o.integer("startingCode", 0, 999_999_999L),
        o.has("tokenCount") ? (int) o.integer("tokenCount", 0, 1_000_000) : 1);
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    JsonInput in = JsonInput.of(ctx);
    String phone = in.string("phone", 20).replace(" ", "");
    if (!PHONE.matcher(phone).matches()) {
      throw ApiException.badRequest("'phone' must be a phone number such as +255712345678");
    }
    JsonInput device = in.optionalObject("device");
    CustomerStore.NewDevice newDevice = null;
    if (device != null) {
      String serial = Serial.normalise(device.string("serial", 64));
      if (!SERIAL.matcher(serial).matches()) {
        throw ApiException.badRequest("'device.serial' may hold letters, digits, '.', '_' and '-' only");
      }
      DeviceType type = device.enumValue("type", DeviceType.class);
      if (type == DeviceType.METER) {
        if (device.has("sale")) {
          throw ApiException.badRequest("a meter has a tariff, not a sale");
        }
        newDevice = new CustomerStore.NewDevice(serial, type, device.string("manufacturer", 64), device.uuid("tariffId"), null,
            null);
      } else {
        // SHS and e-bikes are sold through an appliance sale: their payment scheme
        if (device.has("tariffId")) {
          throw ApiException.badRequest("'tariffId' is for meters; an " + type + " has a sale");
        }
        String manufacturer = device.string("manufacturer", 64);
        newDevice = new CustomerStore.NewDevice(serial, type, manufacturer, null,
            SaleTerms.read(device.object("sale"), LocalDate.now(clock)), openPaygo(device, manufacturer));
      }
    }
    CustomerStore.NewCustomer c = new CustomerStore.NewCustomer(in.string("name", 200), phone, in.uuid("villageId"),
        in.optionalUuid("agentId"), newDevice);
    Responses.json(ctx, 201, store.create(caller.companyId(), c, LocalDate.now(clock))
        .compose(id -> store.get(caller.companyId(), id, LocalDate.now(clock))));
  }
}
