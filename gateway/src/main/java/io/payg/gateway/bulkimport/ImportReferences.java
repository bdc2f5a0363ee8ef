package io.payg.gateway.bulkimport;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What import rows name by name, read once per upload from the company's own data: villages,
 * tariffs, appliances, enabled manufacturer plugins and the company's currency. Keys are lower
 * case. A village name may be used in two mini-grids, so a name maps to every village of it.
 */
record ImportReferences(
    String currency,
    Map<String, List<UUID>> villagesByName,
    Set<UUID> villageIds,
    Map<String, UUID> tariffsByName,
    Map<String, Appliance> appliancesByName,
    Set<String> manufacturers) {

  record Appliance(UUID id, String type, long price) {}
}
