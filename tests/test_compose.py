"""docker-compose.yml cannot be run here (no Docker engine), so check it statically."""

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _resolve(dotted: str):
    module, _, attr = dotted.partition(":")
    obj = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def _command(service: str) -> list[str]:
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, list) else command.split()


def test_the_whole_stack_is_there_with_health_checks():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), name


def test_app_services_get_database_and_redis_and_wait_for_them():
    for name in ("web", "worker", "beat"):
        service = COMPOSE["services"][name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        settings_file = service["environment"]["DJANGO_SETTINGS_MODULE"].replace(".", "/")
        assert (ROOT / f"{settings_file}.py").is_file()


def test_web_command_points_at_the_wsgi_application():
    command = _command("web")
    target = next(part for part in command if ":application" in part)
    assert callable(_resolve(target))
    assert "migrate" in command


def test_worker_and_beat_point_at_the_celery_app_and_scheduler():
    from celery import Celery

    for name in ("worker", "beat"):
        command = _command(name)
        app_module = command[command.index("-A") + 1]
        assert isinstance(importlib.import_module(app_module).celery_app, Celery)
    beat = _command("beat")
    scheduler = _resolve(beat[beat.index("-S") + 1])
    assert scheduler.__name__ == "HeartbeatScheduler"


def test_the_dockerfile_serves_the_same_wsgi_module():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "config.wsgi:application" in dockerfile
    assert (ROOT / "config" / "wsgi.py").is_file()


def test_compose_and_the_dockerfile_serve_with_the_server_settings_make_run_uses():
    assert "gunicorn config.wsgi:application -c config/gunicorn.conf.py" in " ".join(
        _command("web")
    )
    assert '"-c", "config/gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    stack = (ROOT / "scripts" / "stack.py").read_text()
    assert '"-c", "config/gunicorn.conf.py"' in stack


def test_celery_processes_take_one_pooled_connection_each():
    for name in ("worker", "beat"):
        assert COMPOSE["services"][name]["environment"]["DB_POOL_MAX_SIZE"] == "1"
    postgres = COMPOSE["services"]["postgres"]["command"]
    assert "max_connections=100" in postgres
