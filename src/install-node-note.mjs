// Plain JavaScript that any Node can read: the postinstall script. npm may run on an older Node
// than the Node 24 the npm scripts use (the `node` dev dependency). Instead of npm's page of
// EBADENGINE warnings (.npmrc keeps npm's log to errors), that Node gets one sentence.

const required = 24;

/** The sentence for npm running on a Node older than Threadwork's, or undefined. `userAgent` is npm's. */
export function installNodeNote(userAgent) {
  const version = /\bnode\/v(\d+[.\d]*)/.exec(String(userAgent ?? ""))?.[1];
  if (version === undefined || Number(version.split(".")[0]) >= required) return undefined;
  return (
    `Threadwork runs on Node ${required}; npm ran on Node ${version}, so npm start, npm run chat and the other ` +
    `npm scripts run on the Node ${required} this install fetched (node_modules/.bin/node).\n`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const note = installNodeNote(process.env.npm_config_user_agent);
  if (note !== undefined) process.stdout.write(note);
}
