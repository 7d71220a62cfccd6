import { z } from "zod";

/** A link a question asks a person to open (an MCP server's URL elicitation), kept in the request's `action`. */
export interface QuestionLink {
  url: string;
  /** The host as the URL parser reads it (punycode for international names), shown beside the link. */
  host: string;
}

/** Slack refuses longer button URLs. */
const maximumUrlLength = 3000;

/** The link for `url` when a person may be sent there: http or https, a host, not too long. */
export function questionLink(url: string): QuestionLink | undefined {
  if (url.length > maximumUrlLength || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  // `https://trusted.example@elsewhere.example` reads as the wrong host: userinfo is dropped.
  parsed.username = "";
  parsed.password = "";
  const normalized = parsed.toString();
  if (parsed.host === "" || normalized.length > maximumUrlLength) return undefined;
  return { url: normalized, host: parsed.host };
}

const storedSchema = z.object({ link: z.object({ url: z.string(), host: z.string() }) });

/** The link stored with a question, checked again: persisted JSON is not trusted. */
export function parseQuestionLink(action: unknown): QuestionLink | undefined {
  const parsed = storedSchema.safeParse(action);
  if (!parsed.success) return undefined;
  const link = questionLink(parsed.data.link.url);
  return link && link.host === parsed.data.link.host ? link : undefined;
}
