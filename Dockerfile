# VisitLedger's service, for Cloud Run (docs/deploy.md). Node 24 runs the TypeScript sources
# directly (type stripping): there is no build step, only the production dependencies.
# Pin the base image by digest when you release (docs/deploy.md, "The image").
ARG NODE_IMAGE=node:24-slim

# Production dependencies, exactly as the lockfile has them. No install scripts: no
# dependency of the service needs one, so no compiler is needed either.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# Nothing installs packages at run time: npm, npx, corepack and yarn go, with their own dependencies.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1
WORKDIR /app
# Owned by root and only readable by the service's user: the code cannot rewrite itself.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY shared ./shared
COPY service/src ./service/src
# The add-on's sidebar, which the public demo (VISITLEDGER_PUBLIC_DEMO=1) serves at /demo/sidebar.
COPY addon/src/sidebar/Sidebar.html ./addon/src/sidebar/Sidebar.html
USER node
EXPOSE 8080
# As `npm run start:prod`: the flag is explained in service/src/server.ts.
CMD ["node", "--max-semi-space-size=2", "service/src/server.ts"]
