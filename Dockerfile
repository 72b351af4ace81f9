# syntax=docker/dockerfile:1
# kubefox-gitops: the controller image that deploy/deployment.yaml runs.
#   docker build -t ghcr.io/kubefox/kubefox-gitops:0.1.0 .
# Three stages: compile TypeScript with every dependency, install the production
# dependencies alone, and copy both into a distroless Node.js image that runs as
# a non-root user with nothing else in it (no shell, no npm, no git: Git is read
# by the controller itself over HTTP).

# Node.js 24 LTS in every stage (the runtime's distroless image names the same
# major). .ci/run runs the test suite on this version too, besides the machine's.
ARG NODE_VERSION=24.21

# 1. Compile: `npm run build` (tsc -p tsconfig.build.json) writes dist/, and
#    `npm run build:dashboard` (esbuild) the dashboard's assets into dist/dashboard/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY controller/ controller/
COPY webhooks/ webhooks/
COPY schemas/ schemas/
RUN npm run build
COPY dashboard/ dashboard/
RUN npm run build:dashboard

# 2. Production dependencies only, from the same lockfile.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Run: compiled JavaScript and production dependencies, as user 65532.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
USER 65532:65532
EXPOSE 8080
# Arguments are the command line: `run --repo ...`, `validate DIR`, `render DIR --platform P`.
# V8 flags: grow the old generation by 20% past what is live after a GC (not up
# to 4x), with 4 MB semi-spaces. A sync makes garbage in bursts; without these the
# heap grows ahead of it and peak RSS at 500 components is ~200-240 MB instead of
# ~140 MB. --optimize-for-size saves as much but costs the Git clone twice the time.
# `KUBEFOX_BENCH=memory npm run bench` runs the controller with these same flags.
ENTRYPOINT ["/nodejs/bin/node", "--heap-growing-percent=20", "--max-semi-space-size=4", "/app/dist/controller/cli.js"]
CMD ["--help"]
