import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { type Archive, checkArchiveKey } from "../../core/archive/ports.js";

// Create-only writes on a local folder: each object is written and fsync'd under a temporary
// name, then hard-linked to its key. link(2) fails with EEXIST instead of replacing, so two runs
// racing for one key cannot overwrite each other and a reader never sees half an object.

const TEMP_PREFIX = ".tmp-";

/** The local filesystem archive rooted at `root`; archived files are made read-only. */
export function createFsArchive(root: string): Archive {
  const resolved = path.resolve(root);
  const fileOf = (key: string) => path.join(resolved, ...checkArchiveKey(key).split("/"));
  return {
    driver: "fs",
    location: resolved,
    uri: fileOf,
    async putIfAbsent({ key, body }) {
      const file = fileOf(key);
      const dir = path.dirname(file);
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
      const handle = await open(temp, "wx", 0o644);
      try {
        try {
          await handle.writeFile(body);
          await handle.sync();
        } catch (error) {
          // A write through a handle names no file; a full disk should say which object.
          (error as NodeJS.ErrnoException).path ??= file;
          throw error;
        } finally {
          await handle.close();
        }
        await chmod(temp, 0o444);
        try {
          await link(temp, file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists";
          throw error;
        }
        await syncDirectory(dir);
        return "created";
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },
    async get(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      const walk = async (dir: string, relative: string): Promise<void> => {
        let entries: import("node:fs").Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
          throw error;
        }
        for (const entry of entries) {
          if (entry.name.startsWith(TEMP_PREFIX)) continue;
          const key = relative === "" ? entry.name : `${relative}/${entry.name}`;
          // Only descend where the prefix can still match.
          if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue;
          if (entry.isDirectory()) await walk(path.join(dir, entry.name), key);
          else if (entry.isFile() && key.startsWith(prefix)) keys.push(key);
        }
      };
      await walk(resolved, "");
      return keys.sort();
    },
  };
}

/** Makes a new directory entry durable: without it a power loss can forget the link. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
