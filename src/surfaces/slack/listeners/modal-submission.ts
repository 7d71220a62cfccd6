import { z } from "zod";
import type { TextInputIds } from "../blocks/text-modal.ts";
import type { ClickTarget } from "./interaction.ts";

const stateSchema = z.object({
  values: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ value: z.string().nullable().optional() })),
  ),
});

/** The modal's `private_metadata`, read back with `schema`; undefined when it does not parse. */
export function modalMetadata<T>(text: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What the person typed in the modal's text input; undefined when blank. */
export function submittedText(state: unknown, input: TextInputIds): string | undefined {
  const parsed = stateSchema.safeParse(state);
  const text = parsed.success ? parsed.data.values[input.blockId]?.[input.actionId]?.value : undefined;
  return text?.trim() ? text : undefined;
}

/** Who sent the modal, and the thread its metadata names, as the click handlers take a target. */
export function submitterTarget(
  body: { user: { id: string; team_id?: string | undefined }; team?: { id: string } | null | undefined },
  where: { channel?: string | undefined; threadTs?: string | undefined },
): ClickTarget {
  return {
    user: body.user.id,
    userTeam: body.user.team_id,
    teamId: body.team?.id,
    channel: where.channel,
    threadTs: where.threadTs,
    messageTs: undefined,
    triggerId: undefined,
  };
}
