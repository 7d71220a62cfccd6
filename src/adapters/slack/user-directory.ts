import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const userSchema = z.object({
  user: z.object({
    name: z.string().optional(),
    real_name: z.string().optional(),
    profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
});

/** Display names by user id, from `users.info`, cached for the life of the process. */
export class UserDirectory {
  private readonly names = new Map<string, Promise<string>>();
  private readonly api: SlackApi;

  constructor(api: SlackApi) {
    this.api = api;
  }

  nameOf(userId: string): Promise<string> {
    let name = this.names.get(userId);
    if (!name) {
      name = this.lookUp(userId);
      this.names.set(userId, name);
    }
    return name;
  }

  private async lookUp(userId: string): Promise<string> {
    try {
      const parsed = userSchema.safeParse(await this.api.call("users.info", { user: userId }));
      if (!parsed.success) return userId;
      const user = parsed.data.user;
      return user.profile?.display_name || user.profile?.real_name || user.real_name || user.name || userId;
    } catch {
      // An unknown or deactivated user still has an id worth showing; retry on a later lookup.
      this.names.delete(userId);
      return userId;
    }
  }
}
