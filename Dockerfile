# Production image: gunicorn serves the site (static files through WhiteNoise); the same image
# runs the Celery worker and beat. Every process is started as ./dev serve PROCESS, as natively
# (README "Running in production"). Configuration comes from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PERHEKESKUS_PYTHON=python
WORKDIR /app

# gettext for the translations; PostgreSQL's client programs for ./dev backup and restore.
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Exactly the locked versions, every file checked against its hash.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app perhekeskus
USER perhekeskus

EXPOSE 8000
CMD ["./dev", "serve", "web"]
