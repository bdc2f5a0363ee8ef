package io.payg.gateway.bulkimport;

import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.ScheduledInstallment;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * What one batch of rows does, decided in Java from what the database already holds (the
 * {@link Known} keys, read in the batch's transaction) and what earlier rows of the same file did
 * ({@link SeenInFile}). Each row is all or nothing: its customer, device, sale and installments are
 * created together or not at all. Nothing here touches the database; {@link ImportStore#apply}
 * writes {@link #writes()}.
 */
final class ImportBatch {

  enum Outcome {
    CREATED,
    WOULD_CREATE,
    UNCHANGED,
    CONFLICT,
    ERROR
  }

  /** A row's outcome as the report shows it. */
  record RowOutcome(
      long line, Outcome outcome, String code, String detail, String customerRef, String serial) {}

  /** An earlier import's key: the entity it created and the hash of the row's fields then. */
  record Key(UUID entityId, String contentHash) {}

  /**
   * What the database holds for this batch's keys: import keys by ref / lower serial, and
   * serials registered otherwise.
   */
  record Known(Map<String, Key> customers, Map<String, Key> devices, Set<String> serialsInUse) {}

  /** What earlier rows of this upload did, across batches (about 100 bytes per row). */
  static final class SeenInFile {
    final Map<String, Key> customers = new HashMap<>();
    final Map<String, Long> serials = new HashMap<>();
  }

  /** The rows to insert, column by column (the store binds each list as one array). */
  static final class Writes {
    final List<UUID> customerIds = new ArrayList<>();
    final List<UUID> customerVillages = new ArrayList<>();
    final List<String> customerNames = new ArrayList<>();
    final List<String> customerPhones = new ArrayList<>();
    final List<String> customerRefs = new ArrayList<>();
    final List<String> customerHashes = new ArrayList<>();

    final List<UUID> deviceIds = new ArrayList<>();
    final List<UUID> deviceCustomers = new ArrayList<>();
    final List<String> deviceSerials = new ArrayList<>();
    final List<String> deviceTypes = new ArrayList<>();
    final List<String> deviceManufacturers = new ArrayList<>();
    final List<UUID> deviceTariffs = new ArrayList<>();
    final List<LocalDate> deviceTariffSince = new ArrayList<>();
    final List<Long> deviceCredit = new ArrayList<>();
    final List<String> deviceKeys = new ArrayList<>();
    final List<Long> deviceStartingCodes = new ArrayList<>();
    final List<Integer> deviceTokenCounts = new ArrayList<>();
    final List<String> deviceHashes = new ArrayList<>();

    final List<UUID> saleIds = new ArrayList<>();
    final List<UUID> saleCustomers = new ArrayList<>();
    final List<UUID> saleAppliances = new ArrayList<>();
    final List<UUID> saleDevices = new ArrayList<>();
    final List<Long> salePrices = new ArrayList<>();
    final List<Long> saleDownPayments = new ArrayList<>();
    final List<Long> salePlanValues = new ArrayList<>();
    final List<String> salePeriods = new ArrayList<>();
    final List<Long> saleInstallmentAmounts = new ArrayList<>();
    final List<LocalDate> saleDates = new ArrayList<>();

    final List<UUID> installmentIds = new ArrayList<>();
    final List<UUID> installmentSales = new ArrayList<>();
    final List<UUID> installmentCustomers = new ArrayList<>();
    final List<Integer> installmentNumbers = new ArrayList<>();
    final List<LocalDate> installmentDues = new ArrayList<>();
    final List<Long> installmentAmounts = new ArrayList<>();
    final List<Long> installmentPaid = new ArrayList<>();

    /** Customers imported before who get a new sale now: what their next payment must clear changes. */
    final Set<UUID> debtChanged = new HashSet<>();
  }

  private final List<RowOutcome> outcomes = new ArrayList<>();
  private final Writes writes = new Writes();

  List<RowOutcome> outcomes() {
    return outcomes;
  }

  Writes writes() {
    return writes;
  }

  /** The keys a batch must look up: customer refs and lower-case serials not seen in the file yet. */
  static Set<String> refsToLookUp(List<ImportRow> rows, SeenInFile seen) {
    Set<String> refs = new HashSet<>();
    rows.forEach(r -> {
      if (r instanceof ImportRow.Good g && !seen.customers.containsKey(g.customerRef())) {
        refs.add(g.customerRef());
      }
    });
    return refs;
  }

  static Set<String> serialsToLookUp(List<ImportRow> rows) {
    Set<String> serials = new HashSet<>();
    rows.forEach(r -> {
      if (r instanceof ImportRow.Good g && g.device() != null) {
        serials.add(g.device().serial().toLowerCase(Locale.ROOT));
      }
    });
    return serials;
  }

  /**
   * Decides every row in file order. {@code seal} seals an OpenPAYGO key for a device id (SecretBox,
   * the device's own place), called only for devices that will be created.
   */
  static ImportBatch decide(
      List<ImportRow> rows,
      Known known,
      SeenInFile seen,
      boolean dryRun,
      BiFunction<String, UUID, String> seal) {
    ImportBatch batch = new ImportBatch();
    for (ImportRow row : rows) {
      batch.outcomes.add(batch.decideRow(row, known, seen, dryRun, seal));
    }
    return batch;
  }

  private RowOutcome decideRow(
      ImportRow row,
      Known known,
      SeenInFile seen,
      boolean dryRun,
      BiFunction<String, UUID, String> seal) {
    String serialKey = row.serial() == null ? null : row.serial().toLowerCase(Locale.ROOT);
    if (serialKey != null) {
      Long first = seen.serials.putIfAbsent(serialKey, row.line());
      if (first != null) {
        return error(
            row,
            "DUPLICATE_SERIAL_IN_FILE",
            "Serial " + row.serial() + " is also on line " + first
                + " of this file: one device per serial");
      }
    }
    if (row instanceof ImportRow.Bad bad) {
      return error(row, bad.code(), bad.detail());
    }
    ImportRow.Good g = (ImportRow.Good) row;
    // the customer: seen earlier in this file, imported before, or new
    Key inFile = seen.customers.get(g.customerRef());
    Key before = inFile != null ? null : known.customers().get(g.customerRef());
    boolean newCustomer = false;
    UUID customerId;
    if (inFile != null) {
      if (!inFile.contentHash().equals(g.customerHash())) {
        return error(
            row,
            "CUSTOMER_DIFFERS_IN_FILE",
            "Customer " + g.customerRef()
                + " has another name, phone or village on an earlier line of this file");
      }
      customerId = inFile.entityId();
    } else if (before != null) {
      if (!before.contentHash().equals(g.customerHash())) {
        return outcome(
            row,
            Outcome.CONFLICT,
            "CUSTOMER_CHANGED",
            "Customer " + g.customerRef()
                + " was imported before with another name, phone or village; an import does not overwrite it "
                + "(change it with PATCH /api/v1/customers/{id})");
      }
      customerId = before.entityId();
    } else {
      customerId = UUID.randomUUID();
      newCustomer = true;
    }
    boolean newDevice = false;
    if (g.device() != null) {
      Key device = known.devices().get(serialKey);
      if (device != null) {
        if (!device.contentHash().equals(g.deviceHash())) {
          return outcome(
              row,
              Outcome.CONFLICT,
              "DEVICE_CHANGED",
              "Device " + g.serial()
                  + " was imported before with other values (customer, sale, amounts or keys); an import never "
                  + "overwrites "
                  + "them: correct it through the API");
        }
      } else if (known.serialsInUse().contains(serialKey)) {
        return error(
            row,
            "SERIAL_TAKEN",
            "A device with serial " + g.serial()
                + " is already registered in your company (not by an import)");
      } else {
        newDevice = true;
      }
    }
    Key customerKey = new Key(customerId, g.customerHash());
    seen.customers.put(g.customerRef(), customerKey);
    if (!newCustomer && !newDevice) {
      return outcome(row, Outcome.UNCHANGED, null, null);
    }
    if (!dryRun) {
      if (newCustomer) {
        addCustomer(g, customerId);
      }
      if (newDevice) {
        addDevice(g, customerId, newCustomer, seal);
      }
    }
    return outcome(row, dryRun ? Outcome.WOULD_CREATE : Outcome.CREATED, null, null);
  }

  private void addCustomer(ImportRow.Good g, UUID customerId) {
    writes.customerIds.add(customerId);
    writes.customerVillages.add(g.villageId());
    writes.customerNames.add(g.name());
    writes.customerPhones.add(g.phone());
    writes.customerRefs.add(g.customerRef());
    writes.customerHashes.add(g.customerHash());
  }

  private void addDevice(
      ImportRow.Good g,
      UUID customerId,
      boolean newCustomer,
      BiFunction<String, UUID, String> seal) {
    ImportRow.Device d = g.device();
    UUID deviceId = UUID.randomUUID();
    writes.deviceIds.add(deviceId);
    writes.deviceCustomers.add(customerId);
    writes.deviceSerials.add(d.serial());
    writes.deviceTypes.add(d.type().name());
    writes.deviceManufacturers.add(d.manufacturer());
    writes.deviceTariffs.add(d.tariffId());
    writes.deviceTariffSince.add(d.tariffSince());
    writes.deviceCredit.add(d.openingCredit());
    writes.deviceKeys.add(
        d.openPaygo() == null ? null : seal.apply(d.openPaygo().secretKeyHex(), deviceId));
    writes.deviceStartingCodes.add(d.openPaygo() == null ? null : d.openPaygo().startingCode());
    writes.deviceTokenCounts.add(d.openPaygo() == null ? null : d.openPaygo().tokenCount());
    writes.deviceHashes.add(g.deviceHash());
    if (d.sale() == null) {
      return;
    }
    UUID saleId = UUID.randomUUID();
    ApplianceSale terms = d.sale().terms();
    writes.saleIds.add(saleId);
    writes.saleCustomers.add(customerId);
    writes.saleAppliances.add(d.sale().applianceId());
    writes.saleDevices.add(deviceId);
    writes.salePrices.add(terms.price());
    writes.saleDownPayments.add(terms.downPayment());
    writes.salePlanValues.add((long) ((PaymentPlan.InstallmentCount) terms.plan()).count());
    writes.salePeriods.add(terms.period().name());
    writes.saleInstallmentAmounts.add(terms.regularInstallmentAmount());
    writes.saleDates.add(terms.saleDate());
    // what was paid before the migration pays the schedule in order, oldest first, as payments do
    long left = d.sale().paidToDate();
    for (ScheduledInstallment i : terms.schedule().entries()) {
      long paid = Math.min(left, i.amount());
      left -= paid;
      writes.installmentIds.add(UUID.randomUUID());
      writes.installmentSales.add(saleId);
      writes.installmentCustomers.add(customerId);
      writes.installmentNumbers.add(i.number());
      writes.installmentDues.add(i.dueDate());
      writes.installmentAmounts.add(i.amount());
      writes.installmentPaid.add(paid);
    }
    if (!newCustomer) {
      writes.debtChanged.add(customerId);
    }
  }

  private static RowOutcome error(ImportRow row, String code, String detail) {
    return outcome(row, Outcome.ERROR, code, detail);
  }

  private static RowOutcome outcome(ImportRow row, Outcome outcome, String code, String detail) {
    return new RowOutcome(row.line(), outcome, code, detail, row.customerRef(), row.serial());
  }
}
