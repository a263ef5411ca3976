import { DeleteItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { SessionStore } from "../../../core/dashboard/ports.js";
import {
  type DynamoTable,
  Expression,
  epochSeconds,
  getItem,
  isConditionFailure,
  keyPart,
  putIf,
  readString,
  TTL_ATTRIBUTE,
  toItem,
} from "./table.js";

// Sign-in tokens and sessions on DynamoDB, keyed by the hash of their secret. DynamoDB's TTL
// deletes expired items eventually (hours late, or never on an emulator), so every read checks
// the expiry itself. Redeeming a token is one conditional update that only succeeds while the
// token is unused and unexpired, so two clicks on the same link cannot both sign in.

/** Opens the session store on `table`. */
export function openDynamoSessionStore(table: DynamoTable): SessionStore {
  /** Stores a token or session; refuses to replace one that is still live. */
  const keep = async (
    pk: string,
    sk: string,
    email: string,
    now: string,
    expires: string,
  ): Promise<void> => {
    const item = toItem({
      pk,
      sk,
      email,
      createdAt: now,
      expires,
      [TTL_ATTRIBUTE]: epochSeconds(expires),
    });
    const expression = new Expression();
    const free = `attribute_not_exists(pk) OR ${expression.name("expires")} <= ${expression.value(now)}`;
    if (!(await putIf(table, item, free, expression))) {
      throw new Error(`a live ${sk.toLowerCase()} with that hash exists already`);
    }
  };

  return {
    issue: (tokenHash, email, now, expiresAt) =>
      keep(tokenPk(tokenHash), "TOKEN", email, now, expiresAt),

    async redeem(tokenHash, now) {
      const expression = new Expression();
      const usable = [
        "attribute_exists(pk)",
        `attribute_not_exists(${expression.name("usedAt")})`,
        `${expression.name("expires")} > ${expression.value(now)}`,
      ].join(" AND ");
      try {
        const answer = await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: toItem({ pk: tokenPk(tokenHash), sk: "TOKEN" }),
            UpdateExpression: expression.set({ usedAt: now }),
            ConditionExpression: usable,
            ReturnValues: "ALL_NEW",
            ...expression.parts(),
          }),
        );
        return readString(answer.Attributes ?? {}, "email");
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    startSession: (sessionHash, email, now, expiresAt) =>
      keep(sessionPk(sessionHash), "SESSION", email, now, expiresAt),

    async session(sessionHash, now) {
      const item = await getItem(table, sessionPk(sessionHash), "SESSION");
      if (item === undefined || readString(item, "expires") <= now) return undefined;
      return readString(item, "email");
    },

    async endSession(sessionHash) {
      await table.client.send(
        new DeleteItemCommand({
          TableName: table.name,
          Key: toItem({ pk: sessionPk(sessionHash), sk: "SESSION" }),
        }),
      );
    },

    close: () => {},
  };
}

function tokenPk(tokenHash: string): string {
  return `TOKEN#${keyPart(tokenHash)}`;
}

function sessionPk(sessionHash: string): string {
  return `SESSION#${keyPart(sessionHash)}`;
}
