# Loa in a container: a Rust builder on Debian bookworm, then a distroless image with the binary,
# a static busybox for the health check, and nothing else: Loa's layer (the binary and busybox)
# is 19.5 MB over distroless's base.
#
#   docker build -t loa .
#   docker run --rm loa --version
#
# The README's "Deploy" section runs it with compose.yaml.

# ---- build -------------------------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder
WORKDIR /build

# busybox-static: one 2 MB statically linked file whose `wget` makes the HEALTHCHECK request in
# the final image, which has no shell and no HTTP client of its own.
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox-static \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, in a layer of their own: with stand-ins for Loa's own sources, the
# dependencies are compiled once and reused until Cargo.toml or Cargo.lock change. Cargo refuses a
# manifest whose declared benches are missing: their stand-ins stay (the image builds no bench).
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches/reminders \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && for bench in benches/acks.rs benches/broadcast.rs benches/reminders/main.rs; do \
        echo 'fn main() {}' > "$bench"; \
    done \
 && cargo build --release --locked --bin loa \
 && rm -rf src

# Loa itself. `touch` makes cargo see the real sources as newer than the stand-ins it built.
COPY src src
COPY migrations migrations
COPY assets assets
# `loa demo` embeds the example plan it seeds the ward with.
COPY examples examples
# The commit `loa --version` names, when the build context has no .git (see .dockerignore):
# `docker build --build-arg LOA_COMMIT=$(git rev-parse --short HEAD) .`
ARG LOA_COMMIT=
ENV LOA_COMMIT=${LOA_COMMIT}
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --bin loa \
 && install -D -m 0755 target/release/loa /out/usr/local/bin/loa \
 && install -D -m 0755 /bin/busybox /out/usr/local/bin/busybox \
 && mkdir -p /out/data

# ---- run ---------------------------------------------------------------------------------------
# glibc and libgcc_s are all the binary links against (rustls with webpki-roots compiled in: no
# OpenSSL and no system CA store; SQLite is bundled; chrono-tz carries its own zone data).
FROM gcr.io/distroless/cc-debian12:nonroot

COPY --from=builder /out/usr/local/bin/ /usr/local/bin/
# The database lives on the volume /data, owned by the image's non-root user (65532, "nonroot"),
# so that a named volume created from it is writable by Loa.
COPY --from=builder --chown=65532:65532 /out/data /data

USER 65532:65532
WORKDIR /data
# Inside the container Loa listens on every address; compose.yaml publishes the ports on the
# host's 127.0.0.1 only.
# NO_COLOR: `docker logs` keeps what Loa writes, without terminal colour codes.
ENV DATABASE_URL=sqlite:///data/loa.db \
    LOA_HTTP=0.0.0.0:9464 \
    LOA_LISTEN=0.0.0.0:8080 \
    NO_COLOR=1
VOLUME ["/data"]
# 8080: Telegram's webhook (only with LOA_WEBHOOK_URL); 9464: /healthz, /readyz, /metrics.
EXPOSE 8080 9464

# /healthz answers 200 while the process runs. The request is made inside the container, so it
# works whatever ports are published; it follows LOA_HTTP only at its default port 9464.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9464/healthz"]

# Loa finishes the sends in flight and stops on SIGTERM (docker stop gives it 10 s by default;
# compose.yaml gives 30 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/loa"]
CMD ["run"]
