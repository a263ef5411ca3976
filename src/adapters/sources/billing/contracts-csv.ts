import type { Problem } from "../../../core/errors.js";
import type { ClientContract, ContractModel } from "../../../core/model/billing.js";
import type { RowResult } from "../csv-table.js";
import {
  type BillingFile,
  choiceCell,
  clientCell,
  dateCell,
  failed,
  moneyCell,
  readBillingTable,
  rowProvenance,
  withOptional,
} from "./cells.js";

const COLUMNS = ["client", "model", "rate", "amount", "start", "end"] as const;
const MODELS: readonly ContractModel[] = ["retainer", "hourly", "fixed", "none"];

/** What each model must state, and what the hint says when it does not. */
const TERMS: Record<ContractModel, { rate: boolean; amount: boolean; hint: string }> = {
  hourly: { rate: true, amount: false, hint: "an hourly contract needs a rate per hour" },
  retainer: { rate: false, amount: true, hint: "a retainer needs its monthly amount" },
  fixed: { rate: false, amount: true, hint: "a fixed-fee contract needs its whole fee as amount" },
  none: { rate: false, amount: false, hint: "" },
};

/** Parses `contracts.csv` (`client,model,rate,amount,start,end`) (pure). */
export function parseContractsCsv(
  csv: string,
  at: BillingFile,
): { contracts: ClientContract[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(
    csv,
    at,
    COLUMNS,
    (row): RowResult<ClientContract> => {
      const client = clientCell(row);
      if (failed(client)) return client;
      const model = choiceCell(row, "model", MODELS);
      if (failed(model)) return model;
      const rate = moneyCell(row, "rate", { optional: true, positive: true });
      if (failed(rate)) return rate;
      const amount = moneyCell(row, "amount", { optional: true, positive: true });
      if (failed(amount)) return amount;
      const terms = TERMS[model.value];
      if (terms.rate && rate.value === undefined)
        return { error: `${model.value} contract has no rate`, hint: terms.hint, column: "rate" };
      if (terms.amount && amount.value === undefined)
        return {
          error: `${model.value} contract has no amount`,
          hint: terms.hint,
          column: "amount",
        };
      if (model.value === "none" && (rate.value !== undefined || amount.value !== undefined))
        return {
          error: "a contract with model none states a rate or an amount",
          hint: "choose the model the rate or amount belongs to (hourly, retainer or fixed), or clear them",
          column: "model",
        };
      const start = dateCell(row, "start");
      if (failed(start)) return start;
      const end = dateCell(row, "end", true);
      if (failed(end)) return end;
      const first = start.value as string;
      if (end.value !== undefined && end.value < first)
        return {
          error: `end ${end.value} is before start ${first}`,
          hint: "swap the dates or correct the end date",
          column: "end",
        };
      const contract: ClientContract = {
        client: client.value,
        model: model.value,
        start: first,
        provenance: rowProvenance(at, row, first),
      };
      return {
        record: withOptional(contract, {
          rateCents: rate.value,
          amountCents: amount.value,
          end: end.value,
        }),
      };
    },
  );
  return { contracts: records, problems };
}
