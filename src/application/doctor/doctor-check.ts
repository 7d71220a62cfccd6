/** One line of the doctor's checklist. */
export interface DoctorCheck {
  /** What was checked, e.g. `Slack bot token scopes`. */
  subject: string;
  status: "ok" | "warning" | "problem";
  detail: string;
  /** What to do about a problem or a warning. */
  fix?: string;
}

export const ok = (subject: string, detail: string): DoctorCheck => ({ subject, status: "ok", detail });

export const problem = (subject: string, detail: string, fix: string): DoctorCheck => ({
  subject,
  status: "problem",
  detail,
  fix,
});

export const warning = (subject: string, detail: string, fix: string): DoctorCheck => ({
  subject,
  status: "warning",
  detail,
  fix,
});

const marks = { ok: "✓", warning: "!", problem: "✗" } as const;

/** The checklist as text: a mark per check, the fix indented below it, a count at the end. */
export function formatChecklist(checks: DoctorCheck[]): string {
  const lines = ["Threadwork doctor", ""];
  for (const check of checks) {
    lines.push(`${marks[check.status]} ${check.subject}: ${check.detail}`);
    if (check.fix && check.status !== "ok") lines.push(`    fix: ${check.fix}`);
  }
  const problems = checks.filter((check) => check.status === "problem").length;
  const warnings = checks.filter((check) => check.status === "warning").length;
  lines.push("");
  lines.push(
    problems === 0
      ? `All checks passed${warnings > 0 ? `, ${warnings} warning${warnings > 1 ? "s" : ""}` : ""}.`
      : `${problems} problem${problems > 1 ? "s" : ""}${warnings > 0 ? `, ${warnings} warning${warnings > 1 ? "s" : ""}` : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}
