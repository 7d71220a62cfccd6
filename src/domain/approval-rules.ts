import { canonicalJson } from "./approval-action.ts";

/**
 * An "Always allow" rule is one exact action: a tool and its canonical input. It has no
 * pattern grammar: `ls *` allows `ls *` and nothing else, so shell operators appended to
 * an allowed command (`ls *; rm -rf .`) are a different action and ask again.
 */
interface ApprovalRule {
  toolName: string;
  pattern: string;
}

/** The rule text for an action: its canonical input. */
export function rulePatternOf(input: unknown): string {
  return canonicalJson(input);
}

export function ruleMatches(rule: ApprovalRule, toolName: string, input: unknown): boolean {
  return rule.toolName === toolName && rule.pattern === rulePatternOf(input);
}

export function isAllowedByRules(rules: readonly ApprovalRule[], toolName: string, input: unknown): boolean {
  return rules.some((rule) => ruleMatches(rule, toolName, input));
}
