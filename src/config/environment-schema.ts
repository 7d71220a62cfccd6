import { z } from "zod";
import { parsedVariables } from "./environment-variables.ts";

type ParsedVariables = (typeof parsedVariables)[number];

type Shape = { [Entry in ParsedVariables as Entry["name"]]: Entry["parser"] };

/** Every variable the table gives a parser, read at once. */
export const environmentSchema = z.object(
  Object.fromEntries(parsedVariables.map((entry) => [entry.name, entry.parser])) as Shape,
);

export type Environment = z.infer<typeof environmentSchema>;
