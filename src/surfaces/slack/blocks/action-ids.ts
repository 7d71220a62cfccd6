/** Every Block Kit action and view id Threadwork uses, in one place. */
export const actionIds = {
  stopAgent: "threadwork_stop_agent",
  stopAll: "threadwork_stop_all",
  answerChoice: "threadwork_answer_choice",
  answerOpen: "threadwork_answer_open",
  /** A question's link button (an MCP server's URL): Slack opens the link and still sends the click. */
  openLink: "threadwork_open_link",
  approve: "threadwork_approve",
  deny: "threadwork_deny",
  alwaysAllow: "threadwork_always_allow",
  budgetExtend: "threadwork_budget_extend",
  budgetStop: "threadwork_budget_stop",
  openSession: "threadwork_open_session",
  feedback: "threadwork_feedback",
  planStart: "threadwork_plan_start",
  planChange: "threadwork_plan_change",
  planCancel: "threadwork_plan_cancel",
  /** A crew board's "Steer" button: opens the steer modal for one agent. */
  steerAgent: "threadwork_steer_agent",
  /** Runs a failed turn again (the failure message's button). */
  retryTurn: "threadwork_retry_turn",
  /** App Home: pause or resume a schedule (value `pause:<id>` or `resume:<id>`). */
  scheduleToggle: "threadwork_schedule_toggle",
  /** App Home: delete a schedule made in Slack (value: its id). */
  scheduleDelete: "threadwork_schedule_delete",
} as const;

export const viewIds = {
  answerModal: "threadwork_answer_modal",
  planChangeModal: "threadwork_plan_change_modal",
  steerModal: "threadwork_steer_modal",
} as const;

/** Block and input ids of the answer modal. */
export const answerInput = { blockId: "answer", actionId: "answer_text" } as const;

/** Block and input ids of the steer modal. */
export const steerInput = { blockId: "steer", actionId: "steer_text" } as const;

/** App Home's buttons that send an admin their workspace's audit trail (the value is the format). */
export const auditIds = { exportFromHome: "threadwork_audit_export" } as const;

/** Channel settings: App Home's button and the settings modal (`/threadwork settings`). */
export const settingsIds = {
  openFromHome: "threadwork_channel_settings",
  modal: "threadwork_channel_settings_modal",
} as const;
