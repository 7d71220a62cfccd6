import type { ToolRisk } from "../domain/tool.ts";

/** What a step leaves for the runner: take another step now, or stop until something happens. */
export type StepOutcome = "continue" | "stop";

export interface ToolOutcome {
  output: string;
  isError: boolean;
  status: "finished" | "failed" | "interrupted" | "denied" | "rejected" | "cancelled";
}

/** A call that does not run now: replayed from its audit row, or refused. */
export interface SettledToolCall {
  risk: ToolRisk;
  outcome: ToolOutcome;
}
