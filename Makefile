# pharos — build, run, test, bench. See README.md.
#
#   make            build/pharos (release, hardened)
#   make run        install missing packages, build, serve on 127.0.0.1:8080
#   make test       install missing packages, build, unit tests (plain and ASan+UBSan), e2e tests,
#                   each on SQLite and on a throw-away PostgreSQL cluster
#   make bench      benchmarks in bench/, printed as a table
#   make fuzz       fuzz targets in tests/fuzz/ (clang + libFuzzer), FUZZ_TIME seconds each
#
# Sources are found by wildcard: a new src/**/*.c file needs no Makefile change.
# Migrations, templates and static files are compiled into the binary by tools/embed.c
# (static files with a gzip copy made there, once).

CC      ?= cc
B       ?= build
PKGS    := libpq libevent libevent_pthreads libevent_openssl libssl sqlite3 jansson libcmark libsodium inih libcurl libcrypto zlib libdeflate libidn2 icu-i18n icu-uc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser

WARN    := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers
HARDEN  := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fstack-clash-protection
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -Isrc -I$(B)/gen $(WARN) $(CFLAGS) $(PKG_CFLAGS)
LDFLAGS_HARD := -pie -Wl,-z,relro,-z,now

SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC       := $(shell find src -name '*.c' | sort)
LIB_SRC   := $(filter-out src/main.c,$(SRC))
EMBED_IN  := $(sort $(wildcard src/store/migrations/*/*.sql) $(shell find templates static locales -type f 2>/dev/null)) \
             src/api/openapi.json
TEST_SRC  := $(wildcard tests/unit/test_*.c)

OBJ       := $(LIB_SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/gen/embedded.o
SAN_OBJ   := $(LIB_SRC:src/%.c=$(B)/asan/obj/%.o) $(B)/asan/obj/gen/embedded.o
UNIT      := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_UNIT  := $(TEST_SRC:tests/unit/%.c=$(B)/asan/tests/%)

.PHONY: all run test unit e2e fuzz bench deps deps-test asan clean format format-check
all: $(B)/pharos

deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

# The list of embedded files is itself a dependency (rewritten only when it changes),
# so adding, removing or renaming a file regenerates the table.
EMBED_LIST := $(B)/gen/embed.list
$(shell mkdir -p $(B)/gen; echo '$(EMBED_IN)' | cmp -s - $(EMBED_LIST) 2>/dev/null || echo '$(EMBED_IN)' > $(EMBED_LIST))
$(B)/gen/embedded.c: tools/embed.c src/core/gzip.c src/core/xalloc.c $(EMBED_IN) $(EMBED_LIST)
	@mkdir -p $(B)/gen $(B)/tools
	$(CC) -O1 -D_GNU_SOURCE -Isrc -o $(B)/tools/embed tools/embed.c src/core/gzip.c src/core/xalloc.c -ldeflate
	$(B)/tools/embed $@ $(EMBED_IN)

$(B)/obj/gen/embedded.o: $(B)/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(HARDEN) -c $< -o $@
$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(HARDEN) -MMD -MP -c $< -o $@
$(B)/libpharos.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/pharos: $(B)/obj/main.o $(B)/libpharos.a
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS_HARD) -o $@ $^ $(PKG_LIBS) -lm

$(B)/asan/obj/gen/embedded.o: $(B)/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -c $< -o $@
$(B)/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -MMD -MP -c $< -o $@
$(B)/asan/libpharos.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/asan/pharos: $(B)/asan/obj/main.o $(B)/asan/libpharos.a
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm
asan: $(B)/asan/pharos

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libpharos.a
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libpharos.a $(PKG_LIBS) -lcmocka -lm
$(B)/asan/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/asan/libpharos.a
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -Itests/unit -o $@ $< $(B)/asan/libpharos.a $(PKG_LIBS) -lcmocka -lm

# The store and app tests run on SQLite and again on a throw-away PostgreSQL cluster.
unit: $(UNIT) $(SAN_UNIT)
	@scripts/pg-cluster.sh run scripts/run-unit.sh $(UNIT) $(SAN_UNIT)

# Fuzz targets: tests/fuzz/fuzz_*.c (libFuzzer entry points) against src/core, the
# template engine and the HTTP connection layer built with clang's fuzzer, address and
# undefined sanitizers. Not part of `make test`.
# Each runs for FUZZ_TIME seconds from tests/fuzz/seeds/NAME (plus what earlier runs
# found, in $(B)/fuzz/corpus/NAME) with tests/fuzz/NAME.dict when there is one.
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 20
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJ    := $(patsubst src/%.c,$(B)/fuzz/obj/%.o,$(wildcard src/core/*.c) src/render/tmpl.c \
                 src/render/tmpl_parse.c $(wildcard src/http/conn*.c) src/http/req.c)
FUZZ_CFLAGS  = -std=c11 -D_GNU_SOURCE -pthread -Isrc -O1 -g -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined $(PKG_CFLAGS)

$(B)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(B)/fuzz/libcore.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/libcore.a
	@echo "  CC $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(B)/fuzz/libcore.a $(PKG_LIBS) -lm

fuzz:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs clang: apt-get install -y clang"; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(B)/fuzz/corpus/$$n; \
	  dict=; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
	  echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	  if $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=$(B)/fuzz/$$n- \
	       $$dict $(B)/fuzz/corpus/$$n tests/fuzz/seeds/$$n >$(B)/fuzz/$$n.log 2>&1; then \
	    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss)' \
	      $(B)/fuzz/$$n.log | sed 's/^/  /'; \
	  else tail -40 $(B)/fuzz/$$n.log; echo "fuzz: $$n FAILED (log: $(B)/fuzz/$$n.log)"; exit 1; fi; \
	done

# Every e2e suite runs on each backend of E2E_BACKENDS: SQLite in the data directory, and
# PostgreSQL on a throw-away cluster (scripts/pg-cluster.sh; a database per data directory),
# as one queue of runs, E2E_JOBS at once (scripts/run-e2e.sh). E2E: files to run instead
# of every suite.
E2E ?=
E2E_BACKENDS ?= sqlite postgresql
E2E_JOBS ?= 4
e2e: $(B)/pharos $(B)/asan/pharos
	@PHAROS_BIN=$(CURDIR)/$(B)/asan/pharos ASAN_OPTIONS=detect_leaks=1 \
	  E2E_BACKENDS="$(E2E_BACKENDS)" E2E_JOBS=$(E2E_JOBS) \
	  $(if $(findstring postgresql,$(E2E_BACKENDS)),scripts/pg-cluster.sh run) \
	  scripts/run-e2e.sh $(E2E)

# The builds and the unit-test binaries compile a job per CPU (a plain `make test` would
# build them one at a time).
NPROC := $(shell nproc 2>/dev/null || echo 2)
test: deps-test format-check
	@$(MAKE) --no-print-directory -j$(NPROC) all asan
	@$(MAKE) --no-print-directory -j$(NPROC) unit
	@$(MAKE) --no-print-directory e2e

run: deps
	@$(MAKE) --no-print-directory all
	$(B)/pharos serve --data ./pharos-data --listen 127.0.0.1:8080

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

format:
	clang-format -i $(SRC) $(shell find src -name '*.h') $(TEST_SRC)

# Fails, naming the files, when a C source has drifted from .clang-format (`make format`).
format-check:
	@clang-format --dry-run -Werror $(SRC) $(shell find src -name '*.h') $(TEST_SRC) 2>/dev/null || \
	  { for f in $(SRC) $(shell find src -name '*.h') $(TEST_SRC); do \
	      clang-format --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "not formatted: $$f (make format)"; \
	    done; exit 1; }

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
