# Wenku in a container: `wenku serve` (gunicorn + whitenoise) as a non-root user, the data dir a volume.
#
#   docker build -t wenku .                                   # without LibreOffice (.doc .wps .rtf .odt .ppt … refused)
#   docker build -t wenku --build-arg WITH_LIBREOFFICE=1 .    # with it (about 500 MB more)
#   docker run -p 8000:8000 -v wenku-data:/data -e WENKU_SITE_URL=http://localhost:8000 wenku
#
# compose.yaml runs it with a worker, PostgreSQL and Redis; docs/deploy.md has the rest (nginx, TLS, backups).
# Debian bookworm: its postgresql-client (15) is what `wenku backup`/`restore` run (pg_dump, pg_restore), so the
# PostgreSQL server must be 15 (or a newer client installed from apt.postgresql.org for a newer server).
FROM python:3.11-slim-bookworm

ARG WITH_LIBREOFFICE=0
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WENKU_DATA_DIR=/data \
    WENKU_HOST=0.0.0.0 \
    WENKU_PORT=8000

RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-client tini; \
    if [ "$WITH_LIBREOFFICE" = "1" ]; then \
        apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-impress-nogui fonts-noto-cjk; \
    fi; \
    rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY wenku ./wenku
RUN pip install . && rm -rf /app/wenku

# A user of its own; the data dir belongs to it and nobody else (wenku keeps it 0700).
RUN useradd --system --uid 10001 --user-group --home-dir /home/wenku --create-home wenku \
    && install -d -o wenku -g wenku -m 0700 /data
USER wenku
VOLUME ["/data"]
EXPOSE 8000

# GET /healthz (database, indexes, worker lag, disk) with the site's own Host header, so WENKU_ALLOWED_HOSTS holds.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import os, sys, urllib.parse as p, urllib.request as u; \
host = p.urlsplit(os.environ.get('WENKU_SITE_URL') or 'http://127.0.0.1').netloc; \
url = 'http://127.0.0.1:%s/healthz' % os.environ.get('WENKU_PORT', '8000'); \
sys.exit(u.urlopen(u.Request(url, headers={'Host': host}), timeout=4).status != 200)"

ENTRYPOINT ["tini", "--", "wenku"]
CMD ["serve"]
