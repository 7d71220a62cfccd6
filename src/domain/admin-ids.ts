/**
 * THREADWORK_ADMINS as people and user groups: user ids (`U…`, `W…` on Enterprise Grid) and
 * user group ids (`S…`). Anything else is left out.
 */
export function splitAdminIds(ids: readonly string[]): { users: string[]; usergroups: string[] } {
  return {
    users: ids.filter((id) => /^[UW][A-Z0-9]+$/.test(id)),
    usergroups: ids.filter((id) => /^S[A-Z0-9]+$/.test(id)),
  };
}
