// Committed `.env`-style files: the files tools such as dotenv, docker compose and direnv load
// secrets from. Templates that document the variables without values are meant to be committed.

const TEMPLATE = /(?:^|[._-])(?:example|sample|template|dist|defaults?|tpl)(?:$|[._-])/i;
// `.env.js`, `.env.ts`: modules that read the environment, not files that hold it.
const CODE = /^(?:[cm]?js|jsx|tsx?|d\.ts|md)$/i;

/**
 * True for a path holding environment variables for a real environment: `.env`,
 * `.env.production`, `config/production.env`; false for `.env.example`, `.env.sample`,
 * `.env.template`, `example.env` and other templates.
 */
export function isEnvFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name === ".env") return true;
  const stem = name.startsWith(".env.")
    ? name.slice(".env.".length)
    : name.endsWith(".env") && name.length > ".env".length
      ? name.slice(0, -".env".length)
      : undefined;
  return stem !== undefined && !TEMPLATE.test(stem) && !CODE.test(stem);
}
