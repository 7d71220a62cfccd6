/** An "Always allow" rule: a tool and a pattern, exact or ending in `*` for a prefix. */
export interface ApprovalRule {
  toolName: string;
  pattern: string;
}

export function ruleMatches(rule: ApprovalRule, toolName: string, pattern: string): boolean {
  if (rule.toolName !== toolName) return false;
  if (rule.pattern === pattern) return true;
  if (rule.pattern.endsWith("*")) return pattern.startsWith(rule.pattern.slice(0, -1));
  return false;
}

export function isAllowedByRules(rules: readonly ApprovalRule[], toolName: string, pattern: string): boolean {
  return rules.some((rule) => ruleMatches(rule, toolName, pattern));
}
