# One image for every app; the APP variable picks which one runs (see deploy/start.sh).

# Build: dev dependencies for `nest build`; better-sqlite3 has no prebuilt binary for every
# platform, so node-gyp needs python3, make and g++ here (and only here).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Pruning after the build keeps the compiled better-sqlite3 binary and drops the dev tooling.
RUN npm run build && npm prune --omit=dev

# Runtime: the same base image as the build stage, so the compiled native module matches its libc.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node deploy/start.sh ./start.sh
USER node
CMD ["./start.sh"]
