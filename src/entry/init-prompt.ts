import {
  checkStarter,
  STARTER_DEFAULTS,
  STARTER_ROLES,
  type StarterAnswers,
} from "../core/init/starter.js";

/** Asks one question and answers what the person typed (empty: take the default). */
export type Ask = (question: string) => Promise<string>;

/**
 * Asks for what the flags did not say: tenant, entities, reports and each report's recipients.
 * An answer the plan refuses is explained and asked again, so a typo never ends the session.
 */
export async function askStarterAnswers(
  ask: Ask,
  given: StarterAnswers,
  say: (text: string) => void,
  timezone: string,
): Promise<StarterAnswers> {
  const answers: StarterAnswers = { ...given };
  const question = async <K extends keyof StarterAnswers>(
    key: K,
    text: string,
    fallback: string,
    parse: (typed: string) => StarterAnswers[K],
  ): Promise<void> => {
    if (given[key] !== undefined) return;
    for (;;) {
      const typed = (await ask(`${text} [${fallback}]: `)).trim();
      answers[key] = parse(typed === "" ? fallback : typed);
      const problems = refusals({ ...answers }, key, timezone);
      if (problems.length === 0) return;
      say(`${problems.join("\n")}\n`);
    }
  };
  await question("tenant", "Name of your group of businesses", STARTER_DEFAULTS.tenant, (t) => t);
  await question(
    "entities",
    "Businesses, properties or clients to report on (comma-separated)",
    STARTER_DEFAULTS.entities.join(", "),
    list,
  );
  await question(
    "roles",
    `Reports to send (comma-separated, from ${STARTER_ROLES.join(", ")})`,
    STARTER_DEFAULTS.roles.join(", "),
    list,
  );
  if (given.recipients === undefined) {
    const recipients: Record<string, readonly string[]> = {};
    for (const role of answers.roles ?? []) {
      for (;;) {
        const typed = (
          await ask(
            `Who receives the ${role} report? (emails, comma-separated) [${STARTER_DEFAULTS.recipient}]: `,
          )
        ).trim();
        recipients[role] = list(typed === "" ? STARTER_DEFAULTS.recipient : typed);
        const problems = refusals({ ...answers, recipients }, "recipients", timezone);
        if (problems.length === 0) break;
        say(`${problems.join("\n")}\n`);
      }
    }
    answers.recipients = recipients;
  }
  return answers;
}

/** The plan's objections to the answers so far, limited to the answer just given. */
function refusals(
  answers: StarterAnswers,
  field: keyof StarterAnswers,
  timezone: string,
): string[] {
  return checkStarter(answers, "prompt", timezone)
    .problems.filter((p) => p.field === field)
    .map(
      ({ problem }) =>
        `  ${problem.message}${problem.hint !== undefined ? ` (${problem.hint})` : ""}`,
    );
}

function list(typed: string): string[] {
  return typed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
