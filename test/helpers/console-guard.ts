import { afterEach, beforeEach, expect } from "vitest";

// A test that prints is noisy: fail it, as openai-agents-js does.
const methods = ["log", "info", "warn", "error", "debug"] as const;
let printed: string[] = [];
const originals = new Map<(typeof methods)[number], (...values: unknown[]) => void>();

beforeEach(() => {
  printed = [];
  for (const method of methods) {
    originals.set(method, console[method]);
    console[method] = (...values: unknown[]) => {
      printed.push(`console.${method}: ${values.map(String).join(" ")}`);
    };
  }
});

afterEach(() => {
  for (const method of methods) {
    const original = originals.get(method);
    if (original) console[method] = original;
  }
  expect(printed, "tests must not print to the console").toEqual([]);
});
