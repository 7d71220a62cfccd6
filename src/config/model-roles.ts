import type { ProviderName } from "../domain/model.ts";

export const modelRoles = ["supervisor", "worker", "strong"] as const;
export type ModelRole = (typeof modelRoles)[number];

/** The variable that names each role's model. */
export const modelVariables = {
  supervisor: "THREADWORK_SUPERVISOR_MODEL",
  worker: "THREADWORK_WORKER_MODEL",
  strong: "THREADWORK_STRONG_MODEL",
} as const satisfies Record<ModelRole, string>;

/** Model defaults per provider, used when only that provider's key is set. */
export const defaultModels: Record<ProviderName, { supervisor: string; worker: string }> = {
  anthropic: { supervisor: "claude-sonnet-5-5", worker: "claude-haiku-5-5" },
  openai: { supervisor: "gpt-6-sol", worker: "gpt-6-sol-mini" },
};
