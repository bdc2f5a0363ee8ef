package io.payg.gateway.telco;

/** The bad requests every provider's endpoints must refuse in the provider's own format, storing nothing. */
public enum BadInput {
  MALFORMED_BODY,
  ENTITY_EXPANSION,
  EXTERNAL_ENTITY,
  OVERSIZE_BODY,
  WRONG_CONTENT_TYPE,
  MISSING_FIELDS,
  NEGATIVE_AMOUNT,
  ZERO_AMOUNT,
  FRACTIONAL_AMOUNT,
  NON_NUMERIC_AMOUNT,
  OVERFLOWING_AMOUNT,
  WRONG_CURRENCY,
  UNKNOWN_SERIAL,
  OTHER_COMPANYS_SERIAL,
  PROVIDER_NOT_ENABLED,
  BAD_AUTH;

  /** A body over the gateway's 64 KiB limit. */
  public static String oversize() {
    return "x".repeat(70 * 1024);
  }

  /** Billion laughs: a document whose entities expand to gigabytes. */
  public static final String BILLION_LAUGHS =
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
          + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
          + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
          + "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]><l>&g;</l>";

  /** XXE: an external entity naming a local file. */
  public static final String XXE =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
}
