# One image for every nml binary. Stage `build` compiles and runs the whole
# test suite (the same scripts as a developer machine); stage `runtime` is a
# slim, non-root image that works with a read-only root file system.
#
#   DOCKER_BUILDKIT=1 docker build --network host \
#     --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t nml .
#   ... --build-arg NML_SKIP_TESTS=1 ...   (compile only)
#
# The runtime stage takes its binaries from `build`, or, with
# --build-arg NML_BINARIES=host, from .docker-out/ (scripts/image.sh puts the
# host's own build there): the container tests use that to save compiling
# twice, and the runtime stage is the same either way. BuildKit builds only
# the stages the target needs.
ARG NML_BINARIES=build

FROM debian:bookworm AS build
ARG NML_SKIP_TESTS=0
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends sudo ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The `ca` secret: a CA bundle for npm where the network goes through a
# TLS-inspecting proxy. Mounted for this step only, never in a layer.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
    && apt-get update && scripts/bootstrap.sh && rm -rf /var/lib/apt/lists/*
RUN if [ "$NML_SKIP_TESTS" = "1" ]; then scripts/build.sh; \
    else NML_SKIP_CONTAINERS=1 scripts/test.sh; fi
RUN mkdir -p /out && install -s -m 0755 build/services/listings/nml-listings \
      build/services/responses/nml-responses build/services/gateway/nml-gateway \
      build/tools/nmlctl build/tools/nml-health-check /out/

FROM scratch AS host
COPY .docker-out/ /out/

FROM ${NML_BINARIES} AS binaries

FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libpqxx-6.4 libspdlog1.10 libfmt9 libre2-9 libpsl5 \
      publicsuffix libidn2-0 libabsl20220623 libssl3 iso-codes libicu72 \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY --from=binaries /out/ /usr/local/bin/
COPY data/ /usr/share/nml/data/
# A fixed unprivileged user; nothing is written outside /tmp.
USER 65532:65532
ENV NML_LOG_FORMAT=json
# NML_HEALTH_ADDR says which port this container's service listens on.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["nml-health-check", "--quiet"]
ENTRYPOINT []
CMD ["nml-listings"]
