import type { AgentSnapshot } from "./agents.ts";

/**
 * A session's workers as people number them: 1, 2, 3… in the order they were spawned, the
 * order the crew board and the terminal's /agents list them. Numbers never shift: a worker
 * that finished keeps its number.
 */
export function numberedWorkers<Agent extends Pick<AgentSnapshot, "role">>(
  agents: readonly Agent[],
): { number: number; agent: Agent }[] {
  return agents
    .filter((agent) => agent.role === "worker")
    .map((agent, index) => ({ number: index + 1, agent }));
}

/** What a thread reply's first words say about whom it is for. */
export type SteerAddress =
  /** Addressed to that worker; `text` is the rest of the message. */
  | { kind: "agent"; number: number; text: string }
  /** Clearly addressed to a worker ("worker 7: …", "#7 …") that the session does not have. */
  | { kind: "unknown-agent"; number: number }
  | { kind: "none" };

interface AddressableWorker {
  number: number;
  title: string;
}

/** `#2 …`, `#2: …`: the hash marks an address, so a space is enough. */
const hashForm = /^#(\d{1,3})\s*[:,]?\s+(\S[\s\S]*)$/;
/** `worker 2: …`, `agent 2, …`, `worker #2 …`. */
const wordForm = /^(?:worker|agent)\s+#?(\d{1,3})\s*[:,]?\s+(\S[\s\S]*)$/i;
/**
 * `2: …`, `2, …`: a bare number needs its colon or comma and a space after it, so "10:30 works"
 * or "3 more things" are ordinary messages.
 */
const bareForm = /^(\d{1,3})[:,]\s+(\S[\s\S]*)$/;

/** The title as a pattern: its words in order, any run of spaces between them, any case. */
function titlePattern(title: string): RegExp | undefined {
  const words = title.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("\\s+")}[:,]\\s+(\\S[\\s\\S]*)$`, "i");
}

/** `<title>: …` or `<title>, …`, the title as the crew board shows it; the longest title wins. */
function byTitle(text: string, workers: readonly AddressableWorker[]): SteerAddress {
  const longestFirst = [...workers].sort((left, right) => right.title.length - left.title.length);
  for (const worker of longestFirst) {
    const match = titlePattern(worker.title)?.exec(text);
    if (match?.[1]) return { kind: "agent", number: worker.number, text: match[1].trim() };
  }
  return { kind: "none" };
}

/**
 * Whether a thread reply is addressed to one worker, and what it says. The grammar, after
 * leading spaces, is one of:
 * - `#N text`, `#N: text`, `#N, text`
 * - `worker N: text`, `agent N, text`, `worker N text`, `worker #N text` (any case)
 * - `N: text`, `N, text` (a colon or comma and a space are required)
 * - `Title: text`, `Title, text`, with the worker's title as the crew board shows it (any case,
 *   runs of spaces counted as one)
 * N is the worker's number from `numberedWorkers`. An explicit `#N` or `worker N` that names no
 * worker is `unknown-agent`; a bare number or a title that matches nobody is no address at all,
 * so the reply is an ordinary message. An address with nothing after it is no address either.
 */
export function parseSteerAddress(message: string, workers: readonly AddressableWorker[]): SteerAddress {
  const text = message.replace(/^\s+/, "").replace(/\s+$/, "");
  if (workers.length === 0 || text === "") return { kind: "none" };
  const known = (number: number) => workers.some((worker) => worker.number === number);
  for (const [form, explicit] of [
    [hashForm, true],
    [wordForm, true],
    [bareForm, false],
  ] as const) {
    const match = form.exec(text);
    if (!match?.[1] || !match[2]) continue;
    const number = Number(match[1]);
    if (known(number)) return { kind: "agent", number, text: match[2].trim() };
    return explicit ? { kind: "unknown-agent", number } : { kind: "none" };
  }
  return byTitle(text, workers);
}
