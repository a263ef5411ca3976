import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { claimable } from "../../../core/schedule/claims.js";
import type {
  ScheduledRun,
  ScheduledRunState,
  ScheduleStore,
} from "../../../core/schedule/ports.js";
import {
  contendedError,
  type DynamoTable,
  Expression,
  getItem,
  type Item,
  isConditionFailure,
  keyPart,
  MAX_RACES,
  putIf,
  queryPrefix,
  readNumber,
  readOptionalString,
  readString,
  tenantPk,
  toItem,
} from "./table.js";

// The scheduler's claims on DynamoDB, one item per (tenant, period). A claim reads the item,
// applies the shared `claimable` rule, and writes on condition that the state, owner, lease and
// attempt count are still the ones it read: of two Lambdas claiming the same period one write
// lands, the other re-reads and finds it held. Renewing and settling are conditional on the
// caller still being the running owner.

const RUN = "SCHEDULED#";

/** Opens the schedule store on `table`. */
export function openDynamoScheduleStore(table: DynamoTable): ScheduleStore {
  const read = async (tenant: string, period: string): Promise<ScheduledRun | undefined> => {
    const item = await getItem(table, tenantPk(tenant), runSk(period));
    return item === undefined ? undefined : toRun(item);
  };

  /** Updates the run if `owner` still runs it; false when the claim is no longer theirs. */
  const asOwner = async (
    tenant: string,
    period: string,
    owner: string,
    fields: Record<string, string | null>,
  ): Promise<boolean> => {
    const expression = new Expression();
    const update = expression.set(fields);
    const holds = `${expression.name("owner")} = ${expression.value(owner)} AND ${expression.name("state")} = ${expression.value("running")}`;
    try {
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: toItem({ pk: tenantPk(tenant), sk: runSk(period) }),
          UpdateExpression: update,
          ConditionExpression: holds,
          ...expression.parts(),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  return {
    async since(tenant, now) {
      const expression = new Expression();
      const since = expression.name("since");
      const answer = await table.client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: toItem({ pk: tenantPk(tenant), sk: "SINCE" }),
          UpdateExpression: `SET ${since} = if_not_exists(${since}, ${expression.value(now)})`,
          ReturnValues: "ALL_NEW",
          ...expression.parts(),
        }),
      );
      return readString(answer.Attributes ?? {}, "since");
    },

    async claim(request, ownerGone) {
      for (let race = 0; race < MAX_RACES; race++) {
        const before = await read(request.tenant, request.period);
        if (before !== undefined && !claimable(before, request.now, ownerGone)) return undefined;
        const after: ScheduledRun = {
          tenant: request.tenant,
          period: request.period,
          // A takeover keeps the slot that first made the period due.
          slot: before?.slot ?? request.slot,
          state: "running",
          owner: request.owner,
          leaseUntil: request.leaseUntil,
          attempts: (before?.attempts ?? 0) + 1,
          nextAttemptAt: null,
          detail: "claimed",
          updatedAt: request.now,
        };
        const expression = new Expression();
        const unchanged =
          before === undefined
            ? "attribute_not_exists(pk)"
            : [
                `${expression.name("state")} = ${expression.value(before.state)}`,
                `${expression.name("owner")} = ${expression.value(before.owner)}`,
                `${expression.name("leaseUntil")} = ${expression.value(before.leaseUntil)}`,
                `${expression.name("attempts")} = ${expression.value(before.attempts)}`,
              ].join(" AND ");
        if (await putIf(table, runItem(after), unchanged, expression)) return after;
      }
      throw contendedError(`the scheduled run ${request.tenant}/${request.period}`);
    },

    renew: (tenant, period, owner, leaseUntil) => asOwner(tenant, period, owner, { leaseUntil }),

    async settle(tenant, period, owner, outcome, now) {
      if (outcome.state === "waiting" && outcome.nextAttemptAt === undefined)
        throw new Error("a waiting run needs the time of its next attempt");
      return asOwner(tenant, period, owner, {
        state: outcome.state,
        detail: outcome.detail,
        nextAttemptAt: outcome.nextAttemptAt ?? null,
        updatedAt: now,
      });
    },

    find: (tenant, period) => read(tenant, period),

    list: async (tenant) =>
      (await queryPrefix(table, tenantPk(tenant), RUN, { newestFirst: true })).map(toRun),

    close: () => {},
  };
}

function runSk(period: string): string {
  return `${RUN}${keyPart(period)}`;
}

function runItem(run: ScheduledRun): Item {
  return toItem({ pk: tenantPk(run.tenant), sk: runSk(run.period), ...run });
}

function toRun(item: Item): ScheduledRun {
  return {
    tenant: readString(item, "tenant"),
    period: readString(item, "period"),
    slot: readString(item, "slot"),
    state: readString(item, "state") as ScheduledRunState,
    owner: readString(item, "owner"),
    leaseUntil: readString(item, "leaseUntil"),
    attempts: readNumber(item, "attempts"),
    nextAttemptAt: readOptionalString(item, "nextAttemptAt") ?? null,
    detail: readString(item, "detail"),
    updatedAt: readString(item, "updatedAt"),
  };
}
