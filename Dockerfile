# Production image: migrations, then uvicorn workers. Put it behind a TLS-terminating proxy
# and give it GIAMNGHEO_DATABASE_URL (PostgreSQL) and GIAMNGHEO_SECRET_KEY.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GIAMNGHEO_ENV=production \
    GIAMNGHEO_SECURE_COOKIES=true

RUN useradd --create-home --uid 10001 giamngheo
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY web ./web
COPY migrations ./migrations
RUN pip install -e . && mkdir -p var && chown giamngheo:giamngheo var

USER giamngheo
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"

CMD ["giamngheo", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
