from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE702"


def test_runserver_in_deployment_files_is_reported(tmp_path):
    found = findings(tmp_path, {
        "Procfile": """
            release: python manage.py migrate
            web: python manage.py runserver 0.0.0.0:$PORT
        """,
        "Dockerfile": """
            FROM python:3.12 AS build
            RUN pip install -r requirements.txt

            FROM python:3.12-slim AS runtime
            # CMD ["gunicorn", "config.wsgi"]
            CMD python manage.py migrate && \\
                python manage.py runserver 0.0.0.0:8000
        """,
        "docker-compose.yml": """
            services:
              db:
                image: postgres:16
              web:
                build: .
                command:
                  - sh
                  - -c
                  - "python manage.py runserver_plus 0.0.0.0:8000"
            volumes:
              data:
        """,
        "docker/Dockerfile": """
            FROM python:3.12-slim
            ENTRYPOINT ["python", "manage.py", "runserver", "0.0.0.0:8000"]
        """,
        "deploy/shop.service": """
            [Service]
            ExecStart=/srv/venv/bin/django-admin runserver --settings=config.settings
        """,
    }, CODE)
    messages = sorted(f.message for f in found)
    assert len(found) == 5, messages
    expected = ["Procfile: process `web` starts Django's development server (runserver)",
                "Dockerfile: CMD of stage `runtime` starts", "docker/Dockerfile: ENTRYPOINT starts",
                "docker-compose.yml: service `web` starts Django's development server (runserver_plus)",
                "deploy/shop.service: ExecStart starts"]
    assert all(any(m.startswith(e) for m in messages) for e in expected), messages
    procfile = next(f for f in found if "Procfile" in f.message)
    assert (procfile.span.start.line, procfile.span.start.column) == (1, 22)


def test_development_files_services_and_stages_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "Procfile": "web: gunicorn config.wsgi\n# dev: python manage.py runserver\n",
        "Procfile.dev": "web: python manage.py runserver\n",
        "Dockerfile.dev": "CMD python manage.py runserver\n",
        "docker/local/Dockerfile": "CMD python manage.py runserver\n",
        "Dockerfile": """
            FROM python:3.12 AS dev
            CMD ["python", "manage.py", "runserver"]

            FROM python:3.12 AS production
            CMD ["gunicorn", "config.wsgi"]
        """,
        "docker-compose.override.yml": """
            services:
              web:
                command: python manage.py runserver
        """,
        "docker-compose.yml": """
            services:
              web:
                command: gunicorn config.wsgi
              web-dev:
                command: python manage.py runserver 0.0.0.0:8000
              debug:
                profiles: ["development"]
                command: python manage.py runserver
              tools:
                command: python manage.py runserver  # noqa: DJE702
        """,
    }, CODE)
