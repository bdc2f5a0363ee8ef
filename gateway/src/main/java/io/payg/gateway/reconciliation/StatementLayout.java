package io.payg.gateway.reconciliation;

import io.payg.telco.support.DecimalAmount;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The column layout of one statement format. Columns are found by their header names, not their
 * positions (providers add columns and reorder them), so the header line binds the layout; lines
 * before it (an export's title block) are skipped.
 */
abstract class StatementLayout {

  /** Provider ids: the characters the telco adapters accept, up to 64. */
  static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");

  static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private Map<String, Integer> columns;

  /** The header names (normalised, see {@link #name}) that must be present, first name of each alias group. */
  abstract List<List<String>> required();

  /** Reads one data line; {@link #column} gives its cells by name. */
  abstract StatementRow row(long line, List<String> cells);

  /** A human description of the expected header, for the error when none is found. */
  abstract String expectedHeader();

  /** True (and the layout bound) when {@code cells} is this layout's header line. */
  final boolean header(List<String> cells) {
    Map<String, Integer> found = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      found.putIfAbsent(name(cells.get(i)), i);
    }
    for (List<String> aliases : required()) {
      if (aliases.stream().noneMatch(found::containsKey)) {
        return false;
      }
    }
    columns = found;
    return true;
  }

  final boolean bound() {
    return columns != null;
  }

  /** The trimmed cell under the first of {@code aliases} present in the header; "" when absent or short. */
  final String column(List<String> cells, String... aliases) {
    for (String alias : aliases) {
      Integer i = columns.get(alias);
      if (i != null) {
        return i < cells.size() ? cells.get(i).trim() : "";
      }
    }
    return "";
  }

  /** "Receipt No." → "receiptno", "provider_txn_id" / "providerTxnId" → "providertxnid". */
  static String name(String header) {
    StringBuilder b = new StringBuilder(header.length());
    for (char c : header.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A decimal amount in the currency's minor units; "1,020.00" (thousands separators) accepted. */
  static long decimalAmount(String field, String text, String currency) {
    int digits = DecimalAmount.fractionDigits(currency);
    if (digits < 0) {
      throw new IllegalArgumentException("the currency " + currency + " has no known minor unit");
    }
    try {
      return DecimalAmount.minorUnits(field, text.replace(",", ""), digits);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() + " (got '" + clip(text) + "')");
    }
  }

  static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
