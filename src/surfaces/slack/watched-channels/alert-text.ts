import { z } from "zod";

const attachmentSchema = z.looseObject({
  pretext: z.string().optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  fallback: z.string().optional(),
  fields: z.array(z.looseObject({ title: z.string().optional(), value: z.string().optional() })).optional(),
});

const withAttachmentsSchema = z.looseObject({ attachments: z.array(z.unknown()).optional() });

/** Alerts longer than this are cut: enough for any alert, bounded for the prompt and the glob. */
export const maximumAlertCharacters = 8000;

/**
 * What an alert says: its text, then its legacy attachments' pretext, title, text and fields (many
 * integrations post only those, with `text` empty). The fallback is used only for an attachment
 * with nothing else.
 */
export function alertTextOf(text: string, event: unknown): string {
  const parts = text.trim() === "" ? [] : [text.trim()];
  const attachments = withAttachmentsSchema.safeParse(event).data?.attachments ?? [];
  for (const item of attachments) {
    const attachment = attachmentSchema.safeParse(item);
    if (!attachment.success) continue;
    const { pretext, title, text: body, fallback, fields } = attachment.data;
    const fieldLines = (fields ?? []).map((field) => [field.title, field.value].filter(Boolean).join(": "));
    const shown = [pretext, title, body, ...fieldLines].filter((part): part is string => !!part?.trim());
    parts.push(...(shown.length > 0 ? shown : fallback ? [fallback] : []));
  }
  return parts.join("\n").slice(0, maximumAlertCharacters);
}
