package io.payg.gateway.reconciliation;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;

/** The statement formats an upload may name ({@code ?format=}), each with its parser and usual provider. */
enum StatementFormat {
  MPESA_ORG("mpesa-org", "safaricom"),
  WAVE("wave", "wave"),
  GENERIC("generic", null);

  final String code;
  /** The provider whose statement this format is, when the upload names none. */
  final String defaultProvider;

  StatementFormat(String code, String defaultProvider) {
    this.code = code;
    this.defaultProvider = defaultProvider;
  }

  static Optional<StatementFormat> of(String code) {
    return Arrays.stream(values()).filter(f -> f.code.equals(code)).findFirst();
  }

  /** A fresh (stateful: it binds the header) parser. */
  StatementLayout layout(ZoneId zone, String currency) {
    return switch (this) {
      case MPESA_ORG -> new MpesaOrgStatement(zone, currency);
      case WAVE -> new WaveStatement();
      case GENERIC -> new GenericStatement();
    };
  }
}
