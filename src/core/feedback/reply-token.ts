import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { DeliveryKey } from "../deliver/ports.js";

// Replies to a report come back to `reports+r.<delivery>.<mac>@domain`: the delivery part names
// the (tenant, period, report, recipient) the message was sent for, as a hash the ledger can
// look up, and the MAC proves exec-intel wrote it, so nobody can forge a reply to someone else's
// report by guessing an address. Both fit the 64-character limit of an address's local part.

/** 16 hex characters naming one delivery: the same hash its Message-ID carries. */
export function deliveryHash(key: DeliveryKey): string {
  return createHash("sha256")
    .update(`${key.tenant}\n${key.period}\n${key.report}\n${key.recipient}`)
    .digest("hex")
    .slice(0, 16);
}

function macOf(hash: string, secret: string): string {
  return createHmac("sha256", secret).update(`reply\u0000${hash}`).digest("hex").slice(0, 24);
}

/** The Reply-To address for one delivery: `local+r.<hash>.<mac>@domain` of the configured address. */
export function replyAddress(base: string, key: DeliveryKey, secret: string): string {
  const at = base.lastIndexOf("@");
  const local = base.slice(0, at).split("+")[0] ?? "";
  const hash = deliveryHash(key);
  return `${local}+r.${hash}.${macOf(hash, secret)}${base.slice(at)}`;
}

/** The delivery hash an address's token names, when its MAC is right; undefined otherwise. */
export function verifiedReplyHash(address: string, secret: string): string | undefined {
  const match = /\+r\.([0-9a-f]{16})\.([0-9a-f]{24})@/i.exec(address);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const hash = match[1].toLowerCase();
  const expected = Buffer.from(macOf(hash, secret));
  const given = Buffer.from(match[2].toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected) ? hash : undefined;
}
