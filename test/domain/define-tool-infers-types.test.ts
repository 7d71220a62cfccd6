import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type AnyTool, defineTool, type ToolContext } from "../../src/domain/tool.ts";
import { askUserTool } from "../../src/tools/agent/worker-tools.ts";

interface GreetingContext extends ToolContext {
  greeting: string;
}

// Checked by `tsc --noEmit`, which covers test/: the types below come from the schema and `execute` alone.
const greet = defineTool({
  name: "greet",
  description: "Greet someone.",
  input: z.object({ name: z.string(), times: z.number().int().optional() }),
  risk: (input) => ((input.times ?? 1) > 3 ? "risky" : "safe"),
  question: (input) => ({ prompt: `Greet ${input.name}?`, choices: null }),
  async execute(input, context: GreetingContext) {
    return `${context.greeting}, ${input.name}`.repeat(input.times ?? 1);
  },
});

describe("defineTool", () => {
  it("takes the input type from the schema and the context type from execute", async () => {
    expectTypeOf<Parameters<typeof greet.execute>[0]>().toEqualTypeOf<{
      name: string;
      times?: number | undefined;
    }>();
    expectTypeOf<Parameters<typeof greet.execute>[1]>().toEqualTypeOf<GreetingContext>();
    const context = {
      sessionId: "s",
      agentId: "a",
      signal: new AbortController().signal,
      workspace: undefined,
    };
    // @ts-expect-error the context lacks what execute declared
    await greet.execute({ name: "Ada" }, context).catch(() => undefined);
    expect(await greet.execute({ name: "Ada" }, { ...context, greeting: "Hello" })).toBe("Hello, Ada");
  });

  it("registers tools of every input type without a cast, question included", () => {
    const tools: AnyTool[] = [greet, askUserTool];
    expect(tools.map((tool) => tool.name)).toEqual(["greet", "ask_user"]);
    expect(askUserTool.question?.({ question: "Which database?", choices: ["pg", "pglite"] })).toEqual({
      prompt: "Which database?",
      choices: ["pg", "pglite"],
    });
  });
});
