import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { Annotation, AnnotationStore } from "../../../core/dashboard/ports.js";
import {
  type DynamoTable,
  Expression,
  type Item,
  padded,
  putNew,
  queryPrefix,
  readNumber,
  readOptionalString,
  readString,
  tenantPk,
  toItem,
} from "./table.js";

// Annotations on DynamoDB: one item each in the tenant's partition, sorted by id. Ids come from
// one atomic counter for the whole table, so they are unique and increasing as in SQLite; a crash
// after taking an id only leaves a gap.

const NOTE = "NOTE#";

/** Opens the annotation store on `table`. */
export function openDynamoAnnotationStore(table: DynamoTable): AnnotationStore {
  const nextId = async (): Promise<number> => {
    const expression = new Expression();
    const answer = await table.client.send(
      new UpdateItemCommand({
        TableName: table.name,
        Key: toItem({ pk: "COUNTERS", sk: "ANNOTATION" }),
        UpdateExpression: `ADD ${expression.name("last")} ${expression.value(1)}`,
        ReturnValues: "UPDATED_NEW",
        ...expression.parts(),
      }),
    );
    return readNumber(answer.Attributes ?? {}, "last");
  };

  return {
    async add(annotation) {
      const { section, ...rest } = annotation;
      const stored: Annotation = {
        id: await nextId(),
        ...rest,
        ...(section === undefined ? {} : { section }),
      };
      const item = toItem({
        pk: tenantPk(stored.tenant),
        sk: `${NOTE}${padded(stored.id)}`,
        ...stored,
      });
      if (!(await putNew(table, item))) throw new Error(`annotation ${stored.id} exists already`);
      return stored;
    },

    async list(tenant, filter = {}) {
      const items = await queryPrefix(table, tenantPk(tenant), NOTE);
      return items
        .map(toAnnotation)
        .filter(
          (a) =>
            (filter.period === undefined || a.period === filter.period) &&
            (filter.role === undefined || a.role === filter.role),
        );
    },

    close: () => {},
  };
}

function toAnnotation(item: Item): Annotation {
  const section = readOptionalString(item, "section");
  return {
    id: readNumber(item, "id"),
    tenant: readString(item, "tenant"),
    period: readString(item, "period"),
    role: readString(item, "role"),
    ...(section === undefined ? {} : { section }),
    author: readString(item, "author"),
    via: readString(item, "via") as Annotation["via"],
    text: readString(item, "text"),
    at: readString(item, "at"),
  };
}
