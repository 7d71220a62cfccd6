import { describe, expect, it } from "vitest";
import { readChatArguments } from "../../src/application/chat-arguments.ts";

describe("npm run chat arguments", () => {
  it("take --session and --as, with a space or an equals sign, and leave the rest for --help and refusals", () => {
    expect(readChatArguments(["--session", "sess_1", "--as=U0OWNER"])).toEqual({
      session: "sess_1",
      as: "U0OWNER",
      rest: [],
    });
    expect(readChatArguments(["--help", "--session=sess_1", "extra"])).toEqual({
      session: "sess_1",
      rest: ["--help", "extra"],
    });
    expect(readChatArguments([])).toEqual({ rest: [] });
  });

  it("name a flag given without its value", () => {
    expect(readChatArguments(["--session"]).problem).toMatch(/^--session needs a value/);
    expect(readChatArguments(["--session", "--as", "U1"]).problem).toMatch(/^--session needs a value/);
    expect(readChatArguments(["--as="]).problem).toMatch(/^--as needs a value/);
  });
});
