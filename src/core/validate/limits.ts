import type { Gate, GateProblem } from "./types.js";

// Limits: what mail clients and transports impose. Gmail clips HTML over 102 KB, SES v2 refuses
// messages over 40 MB, RFC 5322 caps a header line at 998 characters, and SES takes at most 50
// recipients per message.

/** Each report's HTML, message, subject and recipient count stay within the configured limits. */
export const limitsGate: Gate = (input) => {
  const { limits } = input.settings;
  const problems: GateProblem[] = [];
  for (const report of input.reports) {
    const id = report.document.id;
    if (report.htmlBytes > limits.htmlBytes) {
      problems.push({
        gate: "limits",
        report: id,
        message: `the HTML is ${kb(report.htmlBytes)}, over the ${kb(limits.htmlBytes)} at which Gmail clips a message`,
        fix: "shorten the report: fewer table rows or findings per section (or raise validation.limits.htmlBytes if no reader uses Gmail)",
      });
    }
    if (report.messageBytes > limits.messageBytes) {
      problems.push({
        gate: "limits",
        report: id,
        message: `the message is ${kb(report.messageBytes)}, over the transport's ${kb(limits.messageBytes)}`,
        fix: "turn off the PDF attachment (render.pdf: off) or reduce charts",
      });
    }
    const subject = report.document.subject.length;
    if (subject > limits.subjectChars) {
      problems.push({
        gate: "limits",
        report: id,
        message: `the subject is ${subject} characters, over ${limits.subjectChars}`,
        fix: "this is a defect in the report assembler: subjects are built from figures and should be short",
      });
    }
    if (report.recipientsPerMessage > limits.recipients) {
      problems.push({
        gate: "limits",
        report: id,
        message: `a message would have ${report.recipientsPerMessage} recipients, over ${limits.recipients}`,
        fix: `list at most ${limits.recipients} recipients for the ${report.document.role} role`,
      });
    }
  }
  return problems;
};

function kb(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${(bytes / 1024).toFixed(1)} KB`;
}
