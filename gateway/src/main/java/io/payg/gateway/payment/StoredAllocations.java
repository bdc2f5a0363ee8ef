package io.payg.gateway.payment;

import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A transaction's allocations as the stores read them: a json_agg of {kind, amount, reference}, in position order. */
public final class StoredAllocations {

  private StoredAllocations() {}

  /** The allocations of a {@code json_agg} column; none when the column is null. */
  public static List<Allocation> read(Object column) {
    List<Allocation> allocations = new ArrayList<>();
    if (column instanceof JsonArray arr) {
      for (int i = 0; i < arr.size(); i++) {
        JsonObject a = arr.getJsonObject(i);
        allocations.add(new Allocation(
            AllocationKind.valueOf(a.getString("kind")),
            a.getLong("amount"),
            a.getString("reference")));
      }
    }
    return allocations;
  }
}
