# Threadwork: one process serving Slack (Socket Mode or HTTP) and running the agents.
FROM node:24-slim

# git for the agents' workspaces; ca-certificates for https clones and the Slack and model APIs.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production

# The `node` devDependency only pins Node 24 for development; the base image already is Node 24.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY src ./src
COPY migrations ./migrations
COPY manifest.json ./

# Embedded database and workspaces live on a volume mounted here (see fly.toml).
RUN mkdir -p /data && chown node:node /data
ENV THREADWORK_DATA_DIR=/data PORT=3000
USER node
EXPOSE 3000

# Node 24 runs the TypeScript sources directly (type stripping); there is no build step.
CMD ["node", "src/main.ts"]
