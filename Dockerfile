# One image for every nml binary. Stage 1 builds and runs the whole test
# suite (the same scripts as a developer machine); stage 2 is a slim,
# non-root runtime that works with a read-only root file system.
#
#   docker build -t nml .            (tests run during the build)
#   docker build --build-arg NML_SKIP_TESTS=1 -t nml .

FROM debian:bookworm AS build
ARG NML_SKIP_TESTS=0
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends sudo ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN apt-get update && scripts/bootstrap.sh && rm -rf /var/lib/apt/lists/*
RUN if [ "$NML_SKIP_TESTS" = "1" ]; then scripts/build.sh; else scripts/test.sh; fi
RUN mkdir -p /out && cp build/services/listings/nml-listings build/services/responses/nml-responses \
      build/services/gateway/nml-gateway build/tools/nmlctl build/tools/nml-health-check /out/

FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libpqxx-6.4 libspdlog1.10 libfmt9 libre2-9 libpsl5 \
      publicsuffix libidn2-0 libabsl20220623 libssl3 iso-codes libicu72 \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
COPY data/ /usr/share/nml/data/
# A fixed unprivileged user; nothing is written outside /tmp.
USER 65532:65532
ENV NML_LOG_FORMAT=json
# NML_HEALTH_ADDR says which port this container's service listens on.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["nml-health-check", "--quiet"]
ENTRYPOINT []
CMD ["nml-listings"]
