#!/usr/bin/env bash
# bench/30_fanout.sh — notification fan-out (issue 5, SPEC §10): one incident update to
# 100,000 confirmed e-mail subscribers (into a local SMTP sink counting messages) and
# 10,000 SMS subscribers (into the local Twilio fake). Reports the time until the last
# message is accepted, messages per second, the publishing API call with 10 and with
# 110,000 subscribers (it must not grow), and the server's peak RSS. Fails when a
# delivery fails or a channel misses its SLA (5 min e-mail, 2 min SMS).
# FANOUT_EMAILS, FANOUT_SMS, FANOUT_CONCURRENCY override the sizes. See bench/run.sh
# for the contract.
set -euo pipefail
cd "$(dirname "$0")/.."
export PHAROS_BIN=${PHAROS_BIN:-build/pharos}
exec node bench/30_fanout.mjs
