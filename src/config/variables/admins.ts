import { commaList } from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

/** Threadwork's own admins, besides each workspace's Slack admins and owners. */
export const adminVariables = [
  variable({
    name: "THREADWORK_ADMINS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description:
      "Slack user ids (U...) or user group ids (S...) who administer Threadwork besides workspace admins and owners, comma-separated: they set spend limits and get spend alerts.",
    example: "U012AB3CD,S0123ABCD",
  }),
] as const;
