# syntax=docker/dockerfile:1
# One image for every process of Datamingle: `docker run IMAGE gateway|orders|catalog|inventory`,
# `docker run IMAGE migrate`, `docker run IMAGE admin <command...>` (deploy/docker/entrypoint.cjs).
#
# glibc base (Debian bookworm), not Alpine: @kurrent/kurrentdb-client loads the native addon
# @kurrent/bridge-linux-x64-gnu. Build: docker build -t datamingle:0.1.0 .  (see deploy/README.md)
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /src

# package.json + package-lock.json + every workspace's package.json, so that the npm ci layers
# below stay cached while only sources change.
FROM base AS manifests
COPY . .
RUN node deploy/docker/layout.cjs manifests /src /out

# Compile every workspace (tsc -b) and bundle the dashboard (Vite) with the full dependency tree,
# then collect the dist folders (apps/dashboard/dist included).
FROM base AS build
COPY --from=manifests /out/ ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && node deploy/docker/layout.cjs dist /src /out

# Production dependencies only. --ignore-scripts: the only production install scripts are the
# embedded PostgreSQL binaries' (pruned below, npm start only) and protobufjs' (a version notice).
FROM base AS prod-deps
WORKDIR /app
COPY --from=manifests /out/ ./
COPY deploy/docker/layout.cjs /tmp/layout.cjs
RUN npm ci --omit=dev --ignore-scripts \
 && node /tmp/layout.cjs prune /app \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 datamingle \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin datamingle
WORKDIR /app
ENV NODE_ENV=production
# Files stay owned by root and read-only for the app user (readOnlyRootFilesystem-friendly).
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
COPY deploy/docker/ deploy/docker/
USER 10001:10001
# gateway 8080; orders/catalog/inventory transport 4001-4003, probes 4101-4103
EXPOSE 8080 4001 4002 4003 4101 4102 4103
ENTRYPOINT ["/usr/bin/tini", "--", "node", "deploy/docker/entrypoint.cjs"]
CMD ["gateway"]
