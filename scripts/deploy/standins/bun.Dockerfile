# LOCAL STAND-IN for oven/bun:<version>-slim, built by scripts/deploy/standins/build.sh from
# Debian packages and this machine's bun binary when no image registry is reachable. It has
# what the official slim image gives the tokentap Dockerfiles: bun (and bunx, node) on PATH,
# user bun (uid/gid 1000) with /home/bun, ca-certificates, the same entrypoint. Not for
# production: the official image is built on another Debian release.
ARG BASE
FROM ${BASE}
ARG BUN_VERSION
ARG STANDIN_FOR
LABEL org.opencontainers.image.title="stand-in for ${STANDIN_FOR}" \
      org.opencontainers.image.description="LOCAL STAND-IN built from Debian packages and bun ${BUN_VERSION}; not the official image" \
      tokentap.standin="${STANDIN_FOR}"
ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 \
    BUN_INSTALL_BIN=/usr/local/bin \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bun-node-fallback-bin
COPY bun /usr/local/bin/bun
COPY bun-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh \
    && mkdir -p /usr/local/bun-node-fallback-bin \
    && ln -s /usr/local/bin/bun /usr/local/bun-node-fallback-bin/node \
    && ln -s /usr/local/bin/bun /usr/local/bin/bunx \
    && groupadd bun --gid 1000 \
    && useradd bun --uid 1000 --gid bun --shell /bin/sh --create-home \
    && bun --version
WORKDIR /home/bun/app
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["/usr/local/bin/bun"]
