# make run: set up, migrate, seed the demo when empty, serve on $(PORT).
# make test: set up (Chromium included) and run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app app
export VELAI_DB ?= instance/velai.db
# Behind a proxy (FLASK_PROXY_COUNT set and not 0, e.g. nginx with deploy/nginx.conf)
# gunicorn listens on loopback only: a client reaching it directly could otherwise forge
# X-Forwarded-For and -Proto. BIND=host:port overrides.
ifneq ($(filter-out 0,$(FLASK_PROXY_COUNT)),)
BIND ?= 127.0.0.1:$(PORT)
else
BIND ?= 0.0.0.0:$(PORT)
endif

# deploy/gunicorn.conf.py: gthread alone, sync workers behind a proxy (why: see there).
GUNICORN_RUN := $(BIN)/gunicorn -c deploy/gunicorn.conf.py -b $(BIND) --access-logfile - \
	'app:create_app()'

.PHONY: setup run test bench bench-data bench-volume load translations chromium front-tools clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel -q compile -d translations

setup: $(BIN)/.installed translations

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

run: setup instance/secret_key
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	@echo "Velai on http://$(BIND)/  (demo logins are in README.md)"
	@# With VELAI_REPLICA (a directory or s3://bucket/path) Litestream replicates the
	@# database continuously and runs gunicorn as its child (deploy/litestream.yml).
	@export FLASK_SECRET_KEY=$$(cat instance/secret_key); \
	if [ -n "$$VELAI_REPLICA" ]; then \
		case "$$VELAI_REPLICA" in \
			*://*) url="$$VELAI_REPLICA" ;; \
			*) mkdir -p "$$VELAI_REPLICA" && url="file://$$(realpath "$$VELAI_REPLICA")" ;; \
		esac; \
		echo "Replicating $(VELAI_DB) to $$url (Litestream)"; \
		export VELAI_DB_PATH="$$(realpath "$(VELAI_DB)")" VELAI_REPLICA_URL="$$url" \
			VELAI_REPLICA_ENDPOINT="$${VELAI_REPLICA_ENDPOINT:-}"; \
		exec $(BIN)/litestream replicate -config deploy/litestream.yml -exec "$(GUNICORN_RUN)"; \
	else \
		exec $(GUNICORN_RUN); \
	fi

# Browser tests need Debian's Chromium; install it when we may, else say how.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; \
		elif [ "$$CI" = true ]; then \
			echo "Chromium missing: run 'sudo apt-get install chromium fonts-noto-core'"; exit 1; \
		else \
			echo "Chromium missing: browser tests will be skipped. Install: sudo apt-get install chromium fonts-noto-core"; \
		fi; \
	fi

# nginx (the production front, tests/test_nginx.py) and wrk (make load), from Debian.
front-tools:
	@if [ ! -x /usr/sbin/nginx ] || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] \
			|| ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx \
				libnginx-mod-http-brotli-static wrk; \
		elif [ "$$CI" = true ]; then \
			echo "nginx or wrk missing: run 'sudo apt-get install nginx libnginx-mod-http-brotli-static wrk'"; exit 1; \
		else \
			echo "nginx or wrk missing: the nginx test will be skipped. Install: sudo apt-get install nginx libnginx-mod-http-brotli-static wrk"; \
		fi; \
	fi

# axe-core for the browser tests' accessibility checks (from the npm registry).
AXE := .cache/axe-core/axe.min.js
$(AXE):
	mkdir -p .cache/axe-core && cd .cache/axe-core && npm pack --silent axe-core@4.14.1 && tar xzf axe-core-4.14.1.tgz && cp package/axe.min.js . && rm -rf package axe-core-4.14.1.tgz

# Settings in pyproject.toml. TEST_WORKERS=0 runs in one process (pytest-xdist).
TEST_WORKERS ?= auto
test: setup chromium front-tools $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

bench: setup chromium
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.speech
	$(BIN)/python -m bench.media

# Import 100,000 rows and export 100,000 answers: time and peak memory (a few seconds).
bench-data: setup
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.speech

# A centre of 450 annotators, 90+ days, over 10 million answers: built once into .cache/
# (bench/volume_build.py, several minutes), then every supervisor page, a week's payout
# and the task cycle measured on a copy (bench/volume.py; a copy takes some GB of disk).
bench-volume: setup
	$(BIN)/python -m bench.volume

# A company's day: hello ceiling, task page, task cycles under load (bench/loadtest.py).
# LOAD_SECONDS=60 LOAD_CONNECTIONS=16 LOAD_PAGE_SECONDS=10 by default.
load: setup front-tools
	$(BIN)/python -m bench.loadtest

clean:
	rm -rf $(VENV) static/build translations/*/LC_MESSAGES/*.mo
