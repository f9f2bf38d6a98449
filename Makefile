# make run: set up, migrate, seed the demo when empty, serve on $(PORT).
# make test: set up (Chromium included) and run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app app
export VELAI_DB ?= instance/velai.db
# Behind a proxy (FLASK_PROXY_COUNT set and not 0) gunicorn listens on loopback only: a
# client reaching it directly could otherwise forge X-Forwarded-For and -Proto.
ifneq ($(filter-out 0,$(FLASK_PROXY_COUNT)),)
BIND ?= 127.0.0.1:$(PORT)
else
BIND ?= 0.0.0.0:$(PORT)
endif

.PHONY: setup run test bench bench-data translations chromium clean

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
	FLASK_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/gunicorn -k gthread -w 2 --threads 4 \
		--keep-alive 75 -b $(BIND) --access-logfile - 'app:create_app()'

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

# axe-core for the browser tests' accessibility checks (from the npm registry).
AXE := .cache/axe-core/axe.min.js
$(AXE):
	mkdir -p .cache/axe-core && cd .cache/axe-core && npm pack --silent axe-core@4.14.1 && tar xzf axe-core-4.14.1.tgz && cp package/axe.min.js . && rm -rf package axe-core-4.14.1.tgz

test: setup chromium $(AXE)
	$(BIN)/python -m pytest -q

bench: setup chromium
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.imports

# Import 100,000 rows and export 100,000 answers: time and peak memory (a few seconds).
bench-data: setup
	$(BIN)/python -m bench.imports

clean:
	rm -rf $(VENV) static/build translations/*/LC_MESSAGES/*.mo
