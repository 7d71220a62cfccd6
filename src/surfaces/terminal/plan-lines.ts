import { visibleText } from "../../domain/approval-action.ts";
import { parseFanOutPlan, planEstimateText } from "../../domain/fan-out-plan.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";

function usd(micros: number | null): string {
  return micros === null ? "unpriced" : `~$${(micros / 1e6).toFixed(2)}`;
}

/** A proposed plan at the prompt: each worker on its line, the estimate, and the three commands. */
export function planLines(request: RequestSnapshot, number: number): string {
  const plan = parseFanOutPlan(request.action);
  const commands = `  → /plan ${number} start, /plan ${number} change <text> or /plan ${number} cancel`;
  if (!plan) return `» #${number} ${request.prompt}\n${commands}`;
  const workers = plan.workers.map(
    (worker, index) =>
      `    ${index + 1}. ${visibleText(worker.title).text} — ${worker.repo ?? "no repository"}, ${worker.model}, ${usd(worker.estimateMicros)}`,
  );
  return [
    `» #${number} Plan: ${plan.workers.length} workers, ${planEstimateText(plan)} (asked because: ${plan.reason})`,
    ...workers,
    `    The cost is ${plan.assumption}.`,
    commands,
  ].join("\n");
}
