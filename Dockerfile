# syntax=docker/dockerfile:1
# The Fly.io image: LiteFS mounts the replicated SQLite directory, then runs rabbithole.
#   docker build --build-arg RUN_TESTS=1 --build-arg RABBITHOLE_VERSION=1.2.3 .

# ── build ───────────────────────────────────────────────────────────────────────────────
# Runs on the builder's own platform: `bun build --compile` cross-compiles, so an arm64 image
# is built without emulating arm64.
FROM --platform=$BUILDPLATFORM oven/bun:1.4.5 AS build
WORKDIR /app

# Dependencies first: this layer is reused until the lockfile changes.
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile

COPY . .

# Off by default: `fly deploy` builds on every push and GitHub already ran the tests.
# No lint here: Biome reads .gitignore and .git stays out of the build context.
ARG RUN_TESTS=0
RUN if [ "$RUN_TESTS" = "1" ]; then bun run typecheck && bun run test; fi

# Set by BuildKit to the image's architecture: amd64 or arm64, as in the release names.
ARG TARGETARCH
# Empty means package.json's version (scripts/build.ts).
ARG RABBITHOLE_VERSION=""
RUN bun run build "linux-${TARGETARCH:-amd64}" \
  && mv "dist/rabbithole-linux-${TARGETARCH:-amd64}" /rabbithole

# ── runtime ─────────────────────────────────────────────────────────────────────────────
FROM debian:bookworm-slim

# fuse3 for the LiteFS mount, ca-certificates for Consul and the Anthropic API, sqlite3 to
# inspect the database over `fly ssh console`.
RUN apt-get update -y \
  && apt-get install -y --no-install-recommends ca-certificates fuse3 sqlite3 \
  && rm -rf /var/lib/apt/lists/*

# Pinned to the release the cluster tests run (test/deploy/litefs.test.ts, .ci/run builds v0.5.14).
COPY --from=flyio/litefs:0.5.14 /usr/local/bin/litefs /usr/local/bin/litefs
COPY --from=build /rabbithole /usr/local/bin/rabbithole
COPY etc/litefs.yml /etc/litefs.yml

# The database lives in the LiteFS mount whatever starts the image; fly.toml says the same.
ENV DATABASE_URL="sqlite:///litefs/rabbithole.db"

# LiteFS runs as root (it mounts FUSE), waits for the cluster, runs the `exec` commands of
# /etc/litefs.yml and forwards SIGINT/SIGTERM to rabbithole.
ENTRYPOINT ["litefs", "mount"]
