# LOCAL STAND-IN for the official postgres image, built by scripts/deploy/standins/build.sh
# from Debian packages when no image registry is reachable. Its server is the Debian release's
# PostgreSQL (15 on Debian 12), not the version of the tag it stands in for. It honours the
# contract docker-compose.yml relies on: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB,
# initdb on first start into PGDATA=/var/lib/postgresql/<major>/docker (the 18+ layout, volume
# /var/lib/postgresql), password (SCRAM) authentication over TCP, pg_isready and psql on PATH.
ARG BASE
FROM ${BASE}
ARG STANDIN_FOR
RUN mkdir -p /etc/postgresql-common \
    && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb \
    && major=$(ls /usr/lib/postgresql) \
    && ln -s /usr/lib/postgresql/"$major"/bin/* /usr/local/bin/ \
    && echo "$major" > /usr/local/share/postgres-major \
    && mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql \
    && chmod 3777 /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
LABEL org.opencontainers.image.title="stand-in for ${STANDIN_FOR}" \
      org.opencontainers.image.description="LOCAL STAND-IN built from Debian packages (Debian's PostgreSQL major, not the tag's); not the official image" \
      tokentap.standin="${STANDIN_FOR}"
ENV LANG=C.UTF-8
VOLUME /var/lib/postgresql
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
