FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && rm -rf build
COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused:6379/0 \
    python manage.py collectstatic --no-input
RUN useradd --system --uid 10001 desk && chown -R desk /app
USER desk
EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.conf.py"]
