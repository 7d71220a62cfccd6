import type { AnyTool } from "../../domain/tool.ts";
import { readContextTool, writeContextTool } from "./context-tools.ts";
import { nameSessionTool } from "./session-tools.ts";
import { cancelAgentTool, listAgentsTool, messageAgentTool, spawnAgentTool } from "./supervisor-tools.ts";
import { readToolOutputTool } from "./tool-output-tools.ts";
import { askUserTool, finishTool, reportProgressTool } from "./worker-tools.ts";

/** The registry: a new tool is one entry here (or one in the extra lists the runtime is given). */
export const supervisorTools: AnyTool[] = [
  spawnAgentTool,
  messageAgentTool,
  listAgentsTool,
  cancelAgentTool,
  nameSessionTool,
  readContextTool,
  writeContextTool,
  readToolOutputTool,
];

export const workerTools: AnyTool[] = [
  askUserTool,
  reportProgressTool,
  readContextTool,
  writeContextTool,
  readToolOutputTool,
  finishTool,
];
