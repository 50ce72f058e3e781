# syntax=docker/dockerfile:1
# Partnership Monitor: one image for the web server, the Celery worker and beat.
# Build: docker compose build (or docker build -t partnership-monitor .)

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtual environment, exactly as uv.lock pins it, without dev tools ------
FROM ${PYTHON_IMAGE} AS build
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# --- runtime: WeasyPrint's system libraries, the code, collected static files ------------
FROM ${PYTHON_IMAGE} AS runtime
# The system packages of system/packages.txt marked "image": Pango and HarfBuzz(-Subset)
# lay out the PDF reports and subset their fonts, DejaVu and Liberation are those fonts.
COPY system/packages.sh system/packages.txt /tmp/system/
RUN bash /tmp/system/packages.sh install --no-install-recommends image \
    && bash /tmp/system/packages.sh check image \
    && rm -rf /var/lib/apt/lists/* /tmp/system
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    VAR_DIR=/app/var \
    PORT=8000
WORKDIR /app
COPY . .
# Django's system checks (among them reviews.E001/E002: the libraries the reports need)
# pass, and static files are collected (hashed and compressed) once, here; a placeholder
# key only lets the settings load, it signs nothing. The code stays root's; the app user
# may write only the uploads and its scratch directory.
RUN export SECRET_KEY=collectstatic-only VAR_DIR=/tmp/build-var \
    && python manage.py check --fail-level ERROR \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build-var \
    && mkdir -p /app/media /app/var \
    && chown app:app /app/media /app/var
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "ops.probe"]
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
