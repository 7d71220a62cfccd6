// Plain JavaScript that any Node can read, loaded before the TypeScript sources (the npm
// scripts pass it to --import; the entry points import it first): an older Node gets one
// clear sentence instead of a parse error from deep inside a dependency.

const required = 24;

/** The sentence for a Node that cannot run Threadwork, or undefined when this one can. */
export function unsupportedNodeMessage(version) {
  const major = Number(String(version).split(".")[0]);
  if (major >= required) return undefined;
  return (
    `Threadwork needs Node ${required} or later; this is Node ${version}. ` +
    `\`npm install\` fetches Node ${required} as a dev dependency and the npm scripts (npm start, npm run chat) run on it; ` +
    `otherwise install Node ${required} (nvm install ${required}) or use the Docker image.\n`
  );
}

const message = unsupportedNodeMessage(process.versions.node);
if (message !== undefined) {
  process.stderr.write(message);
  process.exit(1);
}
