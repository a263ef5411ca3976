// What to do when messages were not sent, from the errors the transport reported: the summary
// lists every delivery; this says in one line per cause what is wrong and how to fix it.

/** One undelivered message's error as the delivery summary has it: "CODE: message". */
export interface UndeliveredError {
  error: string | null;
}

/** One cause of undelivered messages, with how many it held back and what to do. */
export interface DeliveryAdvice {
  message: string;
  hint: string;
}

const AGAIN = "then run the same command again: only the messages not yet sent go out";

const CAUSES: readonly { codes: RegExp; message: string; hint: string }[] = [
  {
    codes:
      /^(ECONNREFUSED|ECONNECTION|ETIMEDOUT|ESOCKET|ECONNRESET|ENOTFOUND|EDNS|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/,
    message: "the mail service could not be reached",
    hint: `check the address it was sent to (transport.smtp.host and port; for SES, transport.ses.region), the network and that the service is up, ${AGAIN}`,
  },
  {
    codes: /^(?:smtp-)?(EAUTH|ENOAUTH|535|534|530)$/,
    message: "the mail server refused the login",
    hint: `check the user and password named by transport.smtp.userEnv and passwordEnv (in the environment or .env), ${AGAIN}`,
  },
  {
    codes:
      /^(ETLS|EREQUIRETLS|CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/,
    message: "the TLS connection to the mail server failed",
    hint: `check transport.smtp.port and requireTLS, and the server's certificate, ${AGAIN}`,
  },
  {
    codes: /^(?:smtp-)?(ExpiredToken|ExpiredTokenException|RequestExpired)$/,
    message: "the AWS credentials have expired",
    hint: `refresh them (aws sso login, or new keys in the environment), ${AGAIN}`,
  },
  {
    codes:
      /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|AccessDenied|AccessDeniedException|CredentialsProviderError)$/,
    message: "AWS refused the credentials",
    hint: `check which AWS identity is used (aws sts get-caller-identity) and that it may send with SES (ses:SendEmail), ${AGAIN}`,
  },
  {
    codes: /^(?:smtp-)?(MessageRejected|MailFromDomainNotVerifiedException|NotFoundException)$/,
    message: "SES refused the message",
    hint: `verify transport.from's address or domain in SES, and while the account is in the sandbox verify each recipient too (docs/transports.md), ${AGAIN}`,
  },
  {
    codes:
      /^(AccountSendingPausedException|SendingPausedException|DailyQuotaExhausted|LimitExceededException|Throttling)$/,
    message: "the sending account is paused or out of quota",
    hint: `check the account in the SES console (quota, sending status), ${AGAIN}`,
  },
  {
    codes: /^(?:smtp-)?(ENOSPC|EDQUOT|EFBIG|EROFS)$/,
    message: "the outbox folder could not be written (full or read-only disk)",
    hint: `free some space or point stateDir at a writable disk, ${AGAIN}`,
  },
  {
    codes: /^(?:smtp-)?(EACCES|EPERM)$/,
    message: "the outbox folder may not be written",
    hint: `let the user running exec-intel write to the state folder, ${AGAIN}`,
  },
];

/**
 * The causes behind undelivered messages, most frequent first, each once; an unknown error is
 * passed on as it is, with the generic advice to run again.
 */
export function adviseOnDelivery(
  undelivered: readonly UndeliveredError[],
  stopped?: { code: string; message: string },
): DeliveryAdvice[] {
  const counts = new Map<string, { advice: DeliveryAdvice; messages: number }>();
  const add = (code: string, detail: string) => {
    const cause = CAUSES.find((c) => c.codes.test(code));
    const key = cause?.message ?? detail;
    // The first message's own error goes with the cause: it names the host, the address or
    // the account the cause is about.
    const entry = counts.get(key) ?? {
      advice:
        cause !== undefined
          ? { message: `${cause.message}: ${detail}`, hint: cause.hint }
          : { message: detail, hint: `see the errors above, ${AGAIN}` },
      messages: 0,
    };
    entry.messages += 1;
    counts.set(key, entry);
  };
  for (const { error } of undelivered) {
    if (error === null) continue;
    const colon = error.indexOf(":");
    add(colon > 0 ? error.slice(0, colon) : error, error);
  }
  if (stopped !== undefined && !counts.size)
    add(stopped.code, `${stopped.code}: ${stopped.message}`);
  return [...counts.values()]
    .sort((a, b) => b.messages - a.messages)
    .map(({ advice, messages }) => ({
      message: `${advice.message} (${messages} message${messages === 1 ? "" : "s"})`,
      hint: advice.hint,
    }));
}
