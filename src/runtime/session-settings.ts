import type { ApprovalPolicy } from "../domain/decision-rule.ts";
import { formatModelRef } from "../domain/model.ts";
import { type SessionSettings, type SettingRole, sessionSettingsOf } from "../domain/session-settings.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * Who decides in a session: the deployment's approvers plus the ones its channel named, under
 * the channel's policy when it set one. Settings are fixed when the session starts.
 */
export function approvalsFor(
  kernel: RuntimeKernel,
  session: { metadata: Record<string, unknown> } | undefined,
): { approverIds: string[]; policy: ApprovalPolicy } {
  const { approverIds, policy } = kernel.config.approvals;
  const settings = session ? sessionSettingsOf(session.metadata) : {};
  return {
    approverIds: [...approverIds, ...(settings.approverIds ?? [])],
    policy: settings.approvalPolicy ?? policy,
  };
}

/** The `provider:model` an agent of `role` runs on in a session with these settings. */
export function modelFor(kernel: RuntimeKernel, settings: SessionSettings, role: SettingRole): string {
  return settings.models?.[role] ?? formatModelRef(kernel.config.models[role]);
}

/** The session's budget when it starts, and what each extension adds. */
export function initialBudget(
  kernel: RuntimeKernel,
  settings: SessionSettings,
): { budgetMicros: number | null; budgetTokens: number | null } {
  const limits = kernel.config.limits;
  const usd = settings.budgetUsd ?? limits.sessionBudgetUsd;
  return {
    budgetMicros: usd === undefined ? null : Math.round(usd * 1e6),
    budgetTokens: limits.sessionBudgetTokens ?? null,
  };
}
