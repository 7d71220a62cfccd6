# Threadwork: one process serving Slack (Socket Mode or HTTP) and running the agents.
# Pinned to the Node release the node devDependency pins (package.json), so the image runs what the
# tests ran. For a reproducible build, pin the digest too: FROM node:24.21.0-slim@sha256:<digest from
# `docker buildx imagetools inspect node:24.21.0-slim`>.
FROM node:24.21.0-slim

# git for the agents' workspaces; ca-certificates for https clones and the Slack and model APIs;
# bubblewrap for the command sandbox, which THREADWORK_SANDBOX=required (the default) needs:
# without a usable bwrap, run_command refuses (docs/sandbox.md says what the host must allow).
# tini runs as PID 1: it forwards SIGTERM to Node and reaps the orphaned grandchildren that
# commands leave behind (Fly Machines have no `docker run --init`).
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates bubblewrap tini \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production

# The `node` devDependency only pins Node 24 for development; the base image already is Node 24.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY src ./src
COPY migrations ./migrations
# The configuration file (repositories, MCP servers, prices; never secrets) when the build context has
# one: the glob copies nothing when it is absent. Threadwork reads ./threadwork.config.json from /app;
# a file mounted elsewhere is named with THREADWORK_CONFIG, and a name that finds no file stops start-up.
COPY manifest.json threadwork.config.jso[n] ./

# Embedded database and workspaces live on a volume mounted here (see fly.toml).
RUN mkdir -p /data && chown node:node /data
ENV THREADWORK_DATA_DIR=/data PORT=3000
# Not root: the kernel applies the per-command process limit (RLIMIT_NPROC) only to other users,
# and bwrap runs unprivileged through a user namespace.
USER node
EXPOSE 3000

# Unhealthy when /healthz answers anything but 200 (the database or queue is down), or nothing in 5 s.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node 24 runs the TypeScript sources directly (type stripping); there is no build step.
# --liftoff-only: V8 keeps the embedded database's WebAssembly on its baseline compiler; optimising
# it costs ~500 MiB of RSS for no measured speed-up (docs/benchmark.md, issue 14).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--liftoff-only", "src/main.ts"]
