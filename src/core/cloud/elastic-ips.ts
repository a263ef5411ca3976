import { z } from "zod";
import type { CloudAddress } from "../model/index.js";
import { addressKey, type EntityOf, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const addressesSchema = z.object({
  Addresses: z.array(
    z.object({
      PublicIp: z.string().min(1),
      AllocationId: z.string().optional(),
      // Either is set while the address serves an instance or a network interface.
      AssociationId: z.string().optional(),
      InstanceId: z.string().optional(),
      NetworkInterfaceId: z.string().optional(),
    }),
  ),
});

/** Elastic IPs from `aws ec2 describe-addresses`; one with no association is unattached. */
export function parseAddresses(document: JsonDocument, entityOf: EntityOf): Parsed<CloudAddress[]> {
  const { value, problems } = readShape(document, addressesSchema, SNAPSHOT.addresses.command);
  const addresses = (value?.Addresses ?? []).map(
    (address): CloudAddress => ({
      publicIp: address.PublicIp,
      // Tags name allocations; an address without one still takes the account's entity.
      ...withEntity(entityOf(addressKey(address.AllocationId ?? address.PublicIp))),
      ...(address.AllocationId !== undefined ? { allocationId: address.AllocationId } : {}),
      attached: [address.AssociationId, address.InstanceId, address.NetworkInterfaceId].some(
        (id) => (id ?? "") !== "",
      ),
    }),
  );
  return { value: addresses, problems };
}
