# syntax=docker/dockerfile:1
# Passerelle's container image. Build: `docker build -t passerelle .`; run with PostgreSQL:
# compose.yaml (README, "Deployment"). Node 22, the LTS line oidc-provider supports.
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Build the gateway, the CLI and the patient portal with every dependency.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. The production dependencies alone.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The image: the build (dist/, the portal in dist/portal when it was built), the production
# dependencies, the entrypoint and health check; run as the unprivileged user `node`.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8443 \
    DATA_DIR=/var/lib/passerelle
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/docker-entrypoint.sh scripts/healthcheck.mjs ./scripts/
# The directories the volumes of compose.yaml mount: owned by `node`, so that a new named volume
# is too. TLS material is mounted read-only under /run/passerelle/tls.
RUN mkdir -p /var/lib/passerelle /run/passerelle/keys /run/passerelle/tls \
    && chown node:node /var/lib/passerelle /run/passerelle/keys
USER node
EXPOSE 8443
VOLUME ["/var/lib/passerelle"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "/app/scripts/healthcheck.mjs"]
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
