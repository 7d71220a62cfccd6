/**
 * When each shutdown phase must be over, as epoch milliseconds, so the process exits within
 * its budget (THREADWORK_SHUTDOWN_SECONDS, below the platform's kill timeout). In order:
 * stop taking input; let running steps finish (`drainBy`); interrupt the rest and let go of
 * their agents (`abortedBy`); send the pending Slack updates (`flushBy`); close the database
 * and exit (`exitBy`). The reserves are shares of the budget, capped for long budgets.
 */
interface ShutdownPlan {
  receivingBy: number;
  drainBy: number;
  abortedBy: number;
  flushBy: number;
  exitBy: number;
}

export function shutdownPlan(startedAt: number, budgetMs: number): ShutdownPlan {
  const share = (fraction: number, capMs: number) => Math.min(capMs, budgetMs * fraction);
  const exitBy = startedAt + budgetMs;
  const flushBy = exitBy - share(0.08, 2000);
  const abortedBy = flushBy - share(0.2, 5000);
  const drainBy = abortedBy - share(0.04, 1000);
  const receivingBy = Math.min(drainBy, startedAt + share(0.08, 2000));
  return { receivingBy, drainBy, abortedBy, flushBy, exitBy };
}
