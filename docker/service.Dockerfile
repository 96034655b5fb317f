# syntax=docker/dockerfile:1
# Image of one TypeScript service (orders-service, enricher, delivery-service, pizzashop-api, alerts), chosen by build args:
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=delivery-service --build-arg PORT=8084 -t pizzashop/delivery-service .
# SERVICE is the workspace whose src/main.ts is bundled; PORT is the port its HTTP server listens on
# (set the service's own <PREFIX>_HTTP_PORT to the same value), which the HEALTHCHECK probes.
# Build from the repository root, which holds the npm workspaces' lockfile.
ARG NODE_VERSION=24

# Build: install the workspaces from the lockfile, then bundle <SERVICE>/src/main.ts with
# @pizzashop/common and its npm packages into one ESM file, <SERVICE>/dist/main.js.
FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG SERVICE
WORKDIR /app
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY testkit/package.json testkit/
COPY local-stack/package.json local-stack/
COPY orders-service/package.json orders-service/
COPY enricher/package.json enricher/
COPY delivery-service/package.json delivery-service/
COPY pizzashop-api/package.json pizzashop-api/
COPY dashboards/package.json dashboards/
COPY alerts/package.json alerts/
# npm ci's postinstall applies them (patch-package; see docs/decisions.md)
COPY patches/ patches/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN node docker/bundle-service.mjs ${SERVICE}

# Runtime: the bundle carries its dependencies, so no node_modules and no build tools.
# package.json is there for "type": "module".
FROM node:${NODE_VERSION}-bookworm-slim
ARG SERVICE
ARG PORT
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HEALTHCHECK_PORT=${PORT}
WORKDIR /app
COPY --from=build /app/${SERVICE}/package.json ./
COPY --from=build /app/${SERVICE}/dist/ dist/
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTHCHECK_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
