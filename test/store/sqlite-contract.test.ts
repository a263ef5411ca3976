import path from "node:path";
import { openSessionStore } from "../../src/adapters/store/session-store.js";
import { openSqliteStateStores } from "../../src/adapters/store/sqlite-state-stores.js";
import { makeTempDir } from "../helpers/cli.js";
import { type ContractStores, describeStoreContract } from "./contract/index.js";

/** The state stores' contract against the SQLite drivers, on a fresh database file per test. */

describeStoreContract("SQLite", async () => {
  const { dir, cleanup } = await makeTempDir();
  const file = path.join(dir, "state", "state.sqlite");
  const opened: ContractStores[] = [];
  /** Every store on its own connection to the file, as another process would open them. */
  const open = (): ContractStores => {
    const bundle = openSqliteStateStores(file);
    const sessions = openSessionStore(file);
    const stores: ContractStores = {
      ...bundle,
      sessions,
      close: async () => {
        await bundle.close();
        sessions.close();
      },
    };
    opened.push(stores);
    return stores;
  };
  return {
    stores: open(),
    another: async () => open(),
    close: async () => {
      for (const stores of opened) await stores.close();
      await cleanup();
    },
  };
});
