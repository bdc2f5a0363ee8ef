package io.payg.gateway.bulkimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.payg.gateway.http.ApiException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One row's cells as the import reads them: amounts per currency, and each refusal's code. */
class ImportColumnsTest {

  static final UUID VILLAGE = UUID.randomUUID();
  static final UUID TARIFF = UUID.randomUUID();
  static final UUID SHS = UUID.randomUUID();
  static final List<String> HEADER = List.of(
      "customer_ref",
      "name",
      "phone",
      "village",
      "serial",
      "device_type",
      "manufacturer",
      "tariff",
      "opening_credit",
      "appliance",
      "installments",
      "period",
      "sale_date",
      "paid_to_date",
      "openpaygo_secret_key",
      "openpaygo_starting_code");

  static ImportReferences references(String currency) {
    return new ImportReferences(
        currency,
        Map.of("village", List.of(VILLAGE)),
        Set.of(VILLAGE),
        Map.of("residential", TARIFF),
        Map.of("shs 50w", new ImportReferences.Appliance(SHS, "SHS", 120_000)),
        Set.of("calin", "openpaygo"));
  }

  static ImportColumns columns(String currency) {
    return ImportColumns.bind(HEADER, references(currency), LocalDate.of(2026, 12, 1));
  }

  static List<String> meter(String credit) {
    return List.of(
        "R1",
        "Amina",
        "+254 712 000 001",
        "Village",
        "SM-1",
        "meter",
        "Calin",
        "Residential",
        credit,
        "",
        "",
        "",
        "",
        "",
        "",
        "");
  }

  static List<String> shs(String paid, String key) {
    return List.of(
        "R2",
        "Juma",
        "+254712000002",
        "village",
        "OP-1",
        "SHS",
        "openpaygo",
        "",
        "",
        "SHS 50W",
        "12",
        "MONTHLY",
        "2025-06-01",
        paid,
        key,
        "516959010");
  }

  static String code(ImportRow row) {
    return row instanceof ImportRow.Bad bad ? bad.code() : "OK";
  }

  @Test
  void amountsAreMajorUnitsOfTheCompanysCurrency() {
    ImportRow.Good kes = (ImportRow.Good) columns("KES").read(2, meter("1500.50"));
    assertEquals(150_050, kes.device().openingCredit());
    assertEquals("+254712000001", kes.phone(), "spaces in a phone are ignored");
    assertEquals(
        5_000, ((ImportRow.Good) columns("XOF").read(2, meter("5000"))).device().openingCredit());
    assertEquals(
        "BAD_AMOUNT", code(columns("XOF").read(2, meter("5000.5"))), "XOF has no minor unit");
    for (String bad : List.of("1,500", "-5", "1e3", "12.505", "one", "+5", " . ")) {
      assertEquals("BAD_AMOUNT", code(columns("KES").read(2, meter(bad))), bad);
    }
    ImportRow.Good sale =
        (ImportRow.Good) columns("KES").read(3, shs("100.00", "00112233445566778899AABBCCDDEEFF"));
    assertEquals(10_000, sale.device().sale().paidToDate());
    assertEquals("00112233445566778899aabbccddeeff", sale.device().openPaygo().secretKeyHex());
    assertEquals(
        "PAID_EXCEEDS_PRICE",
        code(columns("KES").read(3, shs("1200.01", "00112233445566778899aabbccddeeff"))));
  }

  @Test
  void eachRefusalHasItsCode() {
    ImportColumns c = columns("KES");
    List<String> good = meter("");
    assertEquals("OK", code(c.read(2, good)));
    assertEquals("BAD_PHONE", code(c.read(2, with(good, 2, "12ab"))));
    assertEquals("BAD_SERIAL", code(c.read(2, with(good, 4, "SM 1"))));
    assertEquals("BAD_DEVICE_TYPE", code(c.read(2, with(good, 5, "FRIDGE"))));
    assertEquals("UNKNOWN_MANUFACTURER", code(c.read(2, with(good, 6, "sparkmeter"))));
    assertEquals("UNKNOWN_TARIFF", code(c.read(2, with(good, 7, "Commercial"))));
    assertEquals("UNKNOWN_VILLAGE", code(c.read(2, with(good, 3, "Atlantis"))));
    assertEquals("BAD_CUSTOMER_REF", code(c.read(2, with(good, 0, ""))));
    assertEquals("METER_HAS_NO_SALE", code(c.read(2, with(good, 9, "SHS 50W"))));
    assertEquals(
        "MISSING_SERIAL", code(c.read(2, with(good, 4, ""))), "device cells without a serial");
    assertEquals("BAD_OPENPAYGO_KEY", code(c.read(3, shs("0", "abc"))));
    assertEquals(
        "NOT_OPENPAYGO", code(c.read(2, with(good, 14, "00112233445566778899aabbccddeeff"))));
    assertEquals(
        "UNKNOWN_APPLIANCE",
        code(c.read(3, with(shs("0", "00112233445566778899aabbccddeeff"), 9, "TV"))));
    assertEquals(
        "BAD_PERIOD",
        code(c.read(3, with(shs("0", "00112233445566778899aabbccddeeff"), 11, "YEARLY"))));
    assertEquals(
        "BAD_DATE",
        code(c.read(3, with(shs("0", "00112233445566778899aabbccddeeff"), 12, "01/06/2025"))));
    assertEquals(
        "BAD_INSTALLMENTS",
        code(c.read(3, with(shs("0", "00112233445566778899aabbccddeeff"), 10, "0"))));
  }

  @Test
  void theRowHashIgnoresPaddingButNotMoney() {
    ImportColumns c = columns("KES");
    ImportRow.Good a = (ImportRow.Good) c.read(2, meter("5"));
    ImportRow.Good padded = (ImportRow.Good) c.read(9, meter(" 5 "));
    ImportRow.Good other = (ImportRow.Good) c.read(2, meter("6"));
    assertEquals(a.deviceHash(), padded.deviceHash());
    assertEquals(a.customerHash(), other.customerHash());
    assertNotEquals(a.deviceHash(), other.deviceHash());
  }

  @Test
  void aHeaderWithAnUnknownOrMissingColumnRefusesTheFile() {
    ApiException typo = assertThrows(
        ApiException.class,
        () -> ImportColumns.bind(
            List.of("customer_ref", "name", "phone", "village", "serail"),
            references("KES"),
            LocalDate.now()));
    assertEquals("IMPORT_HEADER_INVALID", typo.code());
    assertThrows(
        ApiException.class,
        () -> ImportColumns.bind(
            List.of("customer_ref", "name", "phone"), references("KES"), LocalDate.now()));
    assertThrows(
        ApiException.class,
        () -> ImportColumns.bind(
            List.of("customer_ref", "name", "phone", "village", "Name"),
            references("KES"),
            LocalDate.now()),
        "a column twice");
  }

  static List<String> with(List<String> cells, int i, String value) {
    String[] copy = cells.toArray(String[]::new);
    copy[i] = value;
    return List.of(copy);
  }
}
