# pharos — build, run, test, bench. See README.md.
#
#   make            build/pharos (release, hardened)
#   make run        install missing packages, build, serve on 127.0.0.1:8080
#   make test       install missing packages, build, unit tests (plain and ASan+UBSan), e2e tests
#   make bench      benchmarks in bench/, printed as a table
#
# Sources are found by wildcard: a new src/**/*.c file needs no Makefile change.
# Migrations, templates and static files are compiled into the binary by tools/embed.c.

CC      ?= cc
B       ?= build
PKGS    := libevent libevent_pthreads sqlite3 jansson libcmark libsodium inih libcurl libcrypto
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wno-unused-parameter
HARDEN  := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fstack-clash-protection
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -Isrc -I$(B)/gen $(WARN) $(CFLAGS) $(PKG_CFLAGS)
LDFLAGS_HARD := -pie -Wl,-z,relro,-z,now

SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC       := $(shell find src -name '*.c' | sort)
LIB_SRC   := $(filter-out src/main.c,$(SRC))
EMBED_IN  := $(sort $(wildcard src/store/migrations/*.sql) $(shell find templates static -type f 2>/dev/null))
TEST_SRC  := $(wildcard tests/unit/test_*.c)

OBJ       := $(LIB_SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/gen/embedded.o
SAN_OBJ   := $(LIB_SRC:src/%.c=$(B)/asan/obj/%.o) $(B)/asan/obj/gen/embedded.o
UNIT      := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_UNIT  := $(TEST_SRC:tests/unit/%.c=$(B)/asan/tests/%)

.PHONY: all run test unit e2e bench deps deps-test asan clean format
all: $(B)/pharos

deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

$(B)/gen/embedded.c: tools/embed.c $(EMBED_IN)
	@mkdir -p $(B)/gen $(B)/tools
	$(CC) -O1 -o $(B)/tools/embed tools/embed.c
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

unit: $(UNIT) $(SAN_UNIT)
	@scripts/run-unit.sh $(UNIT) $(SAN_UNIT)

E2E ?= tests/e2e/
e2e: $(B)/pharos $(B)/asan/pharos
	PHAROS_BIN=$(CURDIR)/$(B)/asan/pharos ASAN_OPTIONS=detect_leaks=1 \
	  node --test --test-concurrency=2 $(E2E)

test: deps-test
	@$(MAKE) --no-print-directory all asan
	@$(MAKE) --no-print-directory unit
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

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
