import { describe, expect, it } from "vitest";
import {
  type ElicitationField,
  elicitationFields,
  readFieldAnswer,
} from "../../src/domain/elicitation-fields.ts";
import { fieldQuestion } from "../../src/domain/elicitation-questions.ts";

interface ToolResult {
  content: Array<{ type: string; text: string }>;
}
type Handler = (
  args: unknown,
  extra: { sendRequest: (request: unknown) => Promise<unknown> },
) => Promise<ToolResult>;

/** The published package's own tool module (it ships no types). */
const toolModule = "@modelcontextprotocol/server-everything/dist/tools/trigger-elicitation-request.js";

/** The published server's own tool, registered on a stand-in that records its handler. */
async function triggerElicitationRequest(): Promise<Handler> {
  const { registerTriggerElicitationRequestTool } = (await import(toolModule)) as {
    registerTriggerElicitationRequestTool: (server: unknown) => void;
  };
  let handler: Handler | undefined;
  registerTriggerElicitationRequestTool({
    server: { getClientCapabilities: () => ({ elicitation: {} }) },
    registerTool: (_name: string, _config: unknown, registered: Handler) => {
      handler = registered;
    },
  });
  if (!handler) throw new Error("the tool was not registered");
  return handler;
}

/** What a person would answer to each of server-everything's fields. */
const answers: Record<string, string> = {
  name: "Ada Lovelace",
  check: "Yes",
  firstLine: "Skip",
  email: "ada@example.com",
  homepage: "https://ada.example",
  birthdate: "1815-12-10",
  integer: "7",
  number: "2.5",
  untitledSingleSelectEnum: "Joey",
  untitledMultipleSelectEnum: "Piano, Drums",
  titledSingleSelectEnum: "Wonder Woman",
  titledMultipleSelectEnum: "Tuna",
  legacyTitledEnum: "Dogs",
};

describe("server-everything's trigger-elicitation-request form", () => {
  it("is asked field by field within Slack's limits, and the answers are a result the server reads", async () => {
    const handler = await triggerElicitationRequest();
    let params: { message: string; requestedSchema: Record<string, unknown> } | undefined;
    const content: Record<string, unknown> = {};
    const result = await handler(
      {},
      {
        async sendRequest(request) {
          params = (request as { params: typeof params }).params;
          if (!params) throw new Error("no params");
          const fields = elicitationFields(params.requestedSchema);
          if ("error" in fields) throw new Error(fields.error);
          expect(fields).toHaveLength(13);
          for (const [index, field] of fields.entries()) {
            const question = fieldQuestion({
              server: "everything",
              message: params.message,
              field,
              position: { index, count: fields.length },
            });
            expect(question.prompt.length).toBeLessThan(2400);
            expect(question.choices.length).toBeLessThanOrEqual(19);
            const read = readFieldAnswer(field as ElicitationField, answers[field.name] ?? "");
            if (read.kind === "value") content[field.name] = read.value;
            else expect(read, field.name).toEqual({ kind: "skip" });
          }
          return { action: "accept", content };
        },
      },
    );
    expect(content).toEqual({
      name: "Ada Lovelace",
      check: true,
      email: "ada@example.com",
      homepage: "https://ada.example",
      birthdate: "1815-12-10",
      integer: 7,
      number: 2.5,
      untitledSingleSelectEnum: "Joey",
      untitledMultipleSelectEnum: ["Piano", "Drums"],
      titledSingleSelectEnum: "hero-3",
      titledMultipleSelectEnum: ["fish-1"],
      legacyTitledEnum: "pet-2",
    });
    const text = result.content.map((part) => part.text).join("\n");
    expect(text).toContain("User provided the requested information");
    expect(text).toContain("- Name: Ada Lovelace");
    expect(text).toContain("- Favorite Integer: 7");
  });
});
