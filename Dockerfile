# SPDX-License-Identifier: MIT
#
# Ghostwire's container image (docs/deploy.md#container-image). Two stages:
#   build    Node 20 on Debian: npm ci (C addon + TypeScript), the web UI when web/ exists,
#            `npm run package` (dist/ghostwire, one executable) and the runtime root file
#            system from scripts/image.sh --rootfs-only;
#   runtime  FROM scratch: only /ghostwire (with file capabilities), the shared libraries it
#            needs, passwd/group/services and an empty /tmp. No shell, no package manager.
# Build:   docker build -t ghostwire .
# Offline (no registry, from a locally built dist/ghostwire): scripts/image.sh builds the same
# runtime stage — it copies everything from `FROM scratch AS runtime` on, verbatim.
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libcap2-bin binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund \
 && if [ -f web/package.json ]; then npm --prefix web ci --no-audit --no-fund && npm --prefix web run build; fi \
 && node scripts/package.mjs \
 && scripts/image.sh --rootfs-only /rootfs

FROM scratch AS runtime
COPY --from=build /rootfs/ /
# nobody: the capabilities come from /ghostwire's file capabilities (deploy/capabilities),
# raised at exec when the container's bounding set holds them (cap_add); docs/deploy.md
USER 65534:65534
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/ghostwire", "healthcheck"]
ENTRYPOINT ["/ghostwire"]
CMD ["serve", "--http", "[::]:5000"]
