package io.payg.gateway.bulkimport;

import io.payg.domain.DeviceType;
import io.payg.domain.Serial;
import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.gateway.http.ApiException;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The import file's layout: columns by header name (any order, any case; unknown names refused,
 * so a typo never drops a column silently), one row per customer account — a customer, and
 * optionally one device of theirs with its sale or opening credit. A customer with two devices
 * is two rows with the same {@code customer_ref}. Money is in major units of the company's
 * currency ("1500", "1500.50" for KES; no decimals for XOF), as the systems companies migrate
 * from export it. Turns one record's cells into an {@link ImportRow}: every check that needs
 * no database beyond the company's {@link ImportReferences}.
 */
final class ImportColumns {

  static final List<String> NAMES = List.of(
      "customer_ref",
      "name",
      "phone",
      "village",
      "serial",
      "device_type",
      "manufacturer",
      "tariff",
      "tariff_since",
      "openpaygo_secret_key",
      "openpaygo_starting_code",
      "openpaygo_token_count",
      "opening_credit",
      "appliance",
      "price",
      "down_payment",
      "installments",
      "period",
      "sale_date",
      "first_due_date",
      "paid_to_date");
  static final Set<String> REQUIRED = Set.of("customer_ref", "name", "phone", "village");
  /** The columns of a device and its sale: what a device's content hash covers. */
  private static final List<String> DEVICE_COLUMNS = NAMES.subList(4, NAMES.size());

  // the same rules as registration through the API (CustomerRoutes)
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{7,15}");
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern MONEY = Pattern.compile("[0-9]{1,13}(\\.[0-9]+)?");
  private static final long MAX_MONEY = 1_000_000_000_000L;

  private final Map<String, Integer> index;
  private final ImportReferences refs;
  private final int digits;
  private final LocalDate today;

  private ImportColumns(Map<String, Integer> index, ImportReferences refs, LocalDate today) {
    this.index = index;
    this.refs = refs;
    this.today = today;
    this.digits = Currency.getInstance(refs.currency()).getDefaultFractionDigits();
  }

  /** Binds the header line; an unknown, repeated or missing column refuses the whole file (422). */
  static ImportColumns bind(List<String> header, ImportReferences refs, LocalDate today) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).strip().toLowerCase(Locale.ROOT);
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1); // the byte-order mark spreadsheets write
      }
      if (!NAMES.contains(name)) {
        throw ApiException.unprocessable(
            "IMPORT_HEADER_INVALID",
            "Unknown column '" + header.get(i).strip() + "' in the header line; the columns are "
                + String.join(", ", NAMES));
      }
      if (index.put(name, i) != null) {
        throw ApiException.unprocessable(
            "IMPORT_HEADER_INVALID", "Column '" + name + "' appears twice in the header line");
      }
    }
    for (String required : NAMES) {
      if (REQUIRED.contains(required) && !index.containsKey(required)) {
        throw ApiException.unprocessable(
            "IMPORT_HEADER_INVALID",
            "The header line has no column '" + required
                + "'; required: customer_ref, name, phone, village");
      }
    }
    return new ImportColumns(index, refs, today);
  }

  /** A refusal of one row, thrown while reading it. */
  private static final class Refused extends RuntimeException {
    final String code;

    Refused(String code, String detail) {
      super(detail, null, false, false);
      this.code = code;
    }
  }

  /** One data record's cells (first physical line {@code line}) as a row to apply or a refused one. */
  ImportRow read(long line, List<String> cells) {
    String ref = cell(cells, "customer_ref");
    String serial = Serial.normalise(cell(cells, "serial"));
    try {
      if (cells.size() > index.size()
          && cells.subList(index.size(), cells.size()).stream().anyMatch(c -> !c.isBlank())) {
        throw new Refused(
            "TOO_MANY_CELLS", "The row has " + cells.size() + " cells, the header " + index.size());
      }
      if (ref == null || ref.length() > 100 || ref.chars().anyMatch(c -> c < 0x20)) {
        throw new Refused(
            "BAD_CUSTOMER_REF", "'customer_ref' must be 1 to 100 printable characters");
      }
      String name = cell(cells, "name");
      if (name == null || name.length() > 200) {
        throw new Refused("BAD_NAME", "'name' must be 1 to 200 characters");
      }
      String phone = cell(cells, "phone");
      phone = phone == null ? null : phone.replace(" ", "");
      if (phone == null || !PHONE.matcher(phone).matches()) {
        throw new Refused(
            "BAD_PHONE", "'phone' must be a phone number such as +255712345678 (7 to 15 digits)");
      }
      UUID village = village(cell(cells, "village"));
      ImportRow.Device device = serial == null ? noDevice(cells) : device(serial, cells);
      String customerHash = sha256(ref + "\u0000" + name + "\u0000" + phone + "\u0000" + village);
      StringBuilder deviceText = new StringBuilder(ref);
      for (String column : DEVICE_COLUMNS) {
        String v = cell(cells, column);
        deviceText.append('\u0000').append(v == null ? "" : v);
      }
      return new ImportRow.Good(
          line,
          ref,
          name,
          phone,
          village,
          device,
          customerHash,
          device == null ? null : sha256(deviceText.toString().toLowerCase(Locale.ROOT)));
    } catch (Refused r) {
      return new ImportRow.Bad(line, ref, serial, r.code, r.getMessage());
    }
  }

  private UUID village(String v) {
    if (v == null) {
      throw new Refused(
          "UNKNOWN_VILLAGE", "'village' is required: the name (or id) of one of your villages");
    }
    try {
      UUID id = UUID.fromString(v);
      if (refs.villageIds().contains(id)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      List<UUID> named = refs.villagesByName().get(v.toLowerCase(Locale.ROOT));
      if (named != null && named.size() == 1) {
        return named.get(0);
      }
      if (named != null) {
        throw new Refused(
            "AMBIGUOUS_VILLAGE",
            "Village '" + v + "' is the name of " + named.size()
                + " of your villages (in different mini-grids): give its id");
      }
    }
    throw new Refused("UNKNOWN_VILLAGE", "No village '" + v + "' in your company");
  }

  /** A customer-only row has no device cells at all. */
  private ImportRow.Device noDevice(List<String> cells) {
    for (String column : DEVICE_COLUMNS) {
      if (cell(cells, column) != null) {
        throw new Refused(
            "MISSING_SERIAL",
            "'" + column + "' is given but 'serial' is empty: device fields need a device");
      }
    }
    return null;
  }

  private ImportRow.Device device(String serial, List<String> cells) {
    if (!SERIAL.matcher(serial).matches()) {
      throw new Refused(
          "BAD_SERIAL", "'serial' may hold 1 to 64 letters, digits, '.', '_' and '-' only");
    }
    DeviceType type;
    try {
      type =
          DeviceType.valueOf(String.valueOf(cell(cells, "device_type")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Refused("BAD_DEVICE_TYPE", "'device_type' must be METER, SHS or EBIKE");
    }
    String manufacturer = cell(cells, "manufacturer");
    manufacturer = manufacturer == null ? null : manufacturer.toLowerCase(Locale.ROOT);
    if (manufacturer == null || !refs.manufacturers().contains(manufacturer)) {
      throw new Refused(
          "UNKNOWN_MANUFACTURER",
          "'manufacturer' must be one of your enabled manufacturer plugins "
              + new TreeSet<>(refs.manufacturers()));
    }
    ImportRow.OpenPaygo openPaygo = openPaygo(cells, manufacturer);
    if (type == DeviceType.METER) {
      for (String column : List.of(
          "appliance",
          "price",
          "down_payment",
          "installments",
          "period",
          "sale_date",
          "first_due_date",
          "paid_to_date")) {
        if (cell(cells, column) != null) {
          throw new Refused(
              "METER_HAS_NO_SALE",
              "A meter has a tariff, not a sale: '" + column + "' must be empty");
        }
      }
      String tariff = cell(cells, "tariff");
      UUID tariffId =
          tariff == null ? null : refs.tariffsByName().get(tariff.toLowerCase(Locale.ROOT));
      if (tariffId == null) {
        throw new Refused(
            "UNKNOWN_TARIFF",
            tariff == null
                ? "A meter needs 'tariff': the name of one of your tariffs"
                : "No tariff '" + tariff + "' in your company");
      }
      LocalDate since = date(cells, "tariff_since");
      return new ImportRow.Device(
          serial,
          type,
          manufacturer,
          tariffId,
          since == null ? today : since,
          money(cells, "opening_credit", 0),
          openPaygo,
          null);
    }
    for (String column : List.of("tariff", "tariff_since", "opening_credit")) {
      if (cell(cells, column) != null) {
        throw new Refused(
            "DEVICE_HAS_NO_TARIFF",
            "An " + type + " is paid through its sale: '" + column + "' is for meters");
      }
    }
    return new ImportRow.Device(
        serial, type, manufacturer, null, null, 0, openPaygo, sale(cells, type));
  }

  private ImportRow.OpenPaygo openPaygo(List<String> cells, String manufacturer) {
    String key = cell(cells, "openpaygo_secret_key");
    String start = cell(cells, "openpaygo_starting_code");
    String count = cell(cells, "openpaygo_token_count");
    if (!OpenPaygoPlugin.NAME.equals(manufacturer)) {
      if (key != null || start != null || count != null) {
        throw new Refused(
            "NOT_OPENPAYGO", "The openpaygo_ columns are for devices of manufacturer openpaygo");
      }
      return null;
    }
    if (key == null || !KEY.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
      throw new Refused(
          "BAD_OPENPAYGO_KEY",
          "'openpaygo_secret_key' must be 32 hexadecimal characters (16 bytes)");
    }
    long code =
        integer(start, "openpaygo_starting_code", 0, 999_999_999L, "BAD_OPENPAYGO_STARTING_CODE");
    int tokens = count == null
        ? 1
        : (int) integer(count, "openpaygo_token_count", 0, 1_000_000, "BAD_OPENPAYGO_TOKEN_COUNT");
    return new ImportRow.OpenPaygo(key.toLowerCase(Locale.ROOT), code, tokens);
  }

  private ImportRow.Sale sale(List<String> cells, DeviceType type) {
    String name = cell(cells, "appliance");
    if (name == null) {
      throw new Refused(
          "MISSING_SALE", "An " + type + " is registered with its sale: 'appliance' is required");
    }
    ImportReferences.Appliance appliance =
        refs.appliancesByName().get(name.toLowerCase(Locale.ROOT));
    if (appliance == null) {
      throw new Refused("UNKNOWN_APPLIANCE", "No appliance '" + name + "' in your company");
    }
    if (!appliance.type().equals(type.name())) {
      throw new Refused(
          "DEVICE_TYPE_MISMATCH",
          "Appliance '" + name + "' is a " + appliance.type() + ", the device a " + type);
    }
    long price = cell(cells, "price") == null ? appliance.price() : money(cells, "price", 1);
    long downPayment = money(cells, "down_payment", 0);
    int count =
        (int) integer(cell(cells, "installments"), "installments", 1, 1000, "BAD_INSTALLMENTS");
    Period period;
    try {
      period = Period.valueOf(String.valueOf(cell(cells, "period")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Refused("BAD_PERIOD", "'period' must be WEEKLY or MONTHLY");
    }
    LocalDate saleDate = date(cells, "sale_date");
    if (saleDate == null) {
      throw new Refused(
          "BAD_DATE", "'sale_date' is required: the day of the sale, such as 2025-03-31");
    }
    ApplianceSale terms;
    try {
      terms = new ApplianceSale(
          price,
          downPayment,
          PaymentPlan.count(count),
          period,
          saleDate,
          date(cells, "first_due_date"));
    } catch (IllegalArgumentException e) {
      throw new Refused("INVALID_SALE_TERMS", e.getMessage());
    }
    long paid = money(cells, "paid_to_date", 0);
    if (paid > price) {
      throw new Refused("PAID_EXCEEDS_PRICE", "'paid_to_date' is more than the sale's price");
    }
    return new ImportRow.Sale(appliance.id(), terms, paid);
  }

  /** Major units of the company's currency to minor units, exactly; blank = 0. */
  private long money(List<String> cells, String column, long min) {
    String v = cell(cells, column);
    if (v == null) {
      if (min > 0) {
        throw new Refused("BAD_AMOUNT", "'" + column + "' is required");
      }
      return 0;
    }
    if (!MONEY.matcher(v).matches()) {
      throw new Refused(
          "BAD_AMOUNT",
          "'" + column + "' must be an amount in " + refs.currency() + " such as "
              + (digits == 0 ? "5000" : "1500." + "0".repeat(digits))
              + " (no sign, no thousands separator)");
    }
    BigDecimal amount = new BigDecimal(v);
    if (amount.stripTrailingZeros().scale() > digits) {
      throw new Refused(
          "BAD_AMOUNT",
          "'" + column + "' has more than " + digits + " decimals for " + refs.currency());
    }
    long minor = amount.movePointRight(digits).longValueExact();
    if (minor < min || minor > MAX_MONEY) {
      throw new Refused("BAD_AMOUNT", "'" + column + "' is out of range");
    }
    return minor;
  }

  private static long integer(String v, String column, long min, long max, String code) {
    try {
      long n = Long.parseLong(String.valueOf(v));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new Refused(code, "'" + column + "' must be a whole number from " + min + " to " + max);
  }

  private LocalDate date(List<String> cells, String column) {
    String v = cell(cells, column);
    try {
      return v == null ? null : LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new Refused("BAD_DATE", "'" + column + "' must be a date such as 2025-03-31");
    }
  }

  /** The trimmed cell, or null when the column is absent or the cell blank. */
  private String cell(List<String> cells, String column) {
    Integer i = index.get(column);
    if (i == null || i >= cells.size()) {
      return null;
    }
    String v = cells.get(i).strip();
    return v.isEmpty() ? null : v;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
