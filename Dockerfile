# dealscout in a container: a static binary on distroless/static, run as a
# non-root user, the database on the /data volume.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t dealscout .
#   docker run -d --name dealscout -p 127.0.0.1:8080:8080 -v dealscout-data:/data \
#     -e DEALSCOUT_ADMIN_PASSWORD_FILE=/run/secrets/admin_password ... dealscout
#
# See README.md, "In a container".

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# CGO off: a static binary that needs no libc. distroless/static has a CA
# bundle; the binary also embeds golang.org/x/crypto/x509roots/fallback
# (cmd/roots.go), used only where the system has no roots, so TLS verifies
# even on an image without one (scratch).
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/dealscout/dealscout/cmd.version=${VERSION} -X github.com/dealscout/dealscout/cmd.commit=${COMMIT} -X github.com/dealscout/dealscout/cmd.date=${DATE}" \
      -o /out/dealscout . \
 && /out/dealscout version \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dealscout /usr/local/bin/dealscout
# The volume's mount point, owned by the image's non-root user (65532), so a
# new named volume starts out writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV DEALSCOUT_DB=/data/dealscout.db \
    DEALSCOUT_ADDR=0.0.0.0:8080 \
    DEALSCOUT_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
# No shell or curl in the image: the binary asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/dealscout", "healthcheck", "--timeout", "3s"]
ENTRYPOINT ["/usr/local/bin/dealscout"]
CMD ["serve"]
