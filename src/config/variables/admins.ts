import { commaList } from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

/** Who administers Threadwork from Slack besides each workspace's own admins and owners. */
export const adminVariables = [
  variable({
    name: "THREADWORK_ADMINS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description:
      "Slack user ids that may export the audit trail of their own workspace (/threadwork audit), besides the workspace's admins and owners; comma-separated.",
    example: "U012AB3CD,U045EF6GH",
  }),
] as const;
