package io.payg.gateway.bulkimport;

import io.payg.domain.DeviceType;
import io.payg.domain.sale.ApplianceSale;
import java.time.LocalDate;
import java.util.UUID;

/** One data row of an import file as read: either a row to apply or a row refused with its reason. */
sealed interface ImportRow {

  long line();

  String customerRef();

  /** The row's serial as typed (trimmed), or null. */
  String serial();

  /** A row every cell of which is valid and whose references exist in the company. */
  record Good(
      long line,
      String customerRef,
      String name,
      String phone,
      UUID villageId,
      Device device,
      String customerHash,
      String deviceHash)
      implements ImportRow {

    @Override
    public String serial() {
      return device == null ? null : device.serial();
    }
  }

  /** Refused as read: {@code code} for programs, {@code detail} for the operator. */
  record Bad(long line, String customerRef, String serial, String code, String detail)
      implements ImportRow {}

  /** A device; a meter has a tariff and may carry opening credit, an SHS / e-bike has its sale. */
  record Device(
      String serial,
      DeviceType type,
      String manufacturer,
      UUID tariffId,
      LocalDate tariffSince,
      long openingCredit,
      OpenPaygo openPaygo,
      Sale sale) {}

  /** OpenPAYGO secrets: the 16-byte key (hex), the starting code and the token count to go on from. */
  record OpenPaygo(String secretKeyHex, long startingCode, int tokenCount) {

    @Override
    public String toString() {
      return "OpenPaygo[****]"; // the key is a secret
    }
  }

  /** The device's appliance sale, with what the customer paid on it before the migration. */
  record Sale(UUID applianceId, ApplianceSale terms, long paidToDate) {}
}
