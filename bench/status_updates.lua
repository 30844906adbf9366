-- wrk script for bench/10_status_updates.sh: eStatus-style status updates
--   PUT /admin/api/v1/service/put/{id}/{status}/   with Authorization-Token
--
-- Every request must really change a status, so that each 200 is one committed
-- row in service_status_log. To get that:
--   * each wrk thread owns its own share of the services (no two threads ever
--     write the same service) and cycles through them in order;
--   * on lap L a service is set to CYCLE[L % 4]: four statuses, none of them
--     under_maintenance, which the shell script sets every service to before
--     each run. An update can only be a no-op if it overtakes, or is overtaken
--     by, the update of the same service four laps away: with 100 services over
--     2 threads that is 200 requests of its thread, while a thread has only
--     c/t requests in flight.
--
-- Environment: BENCH_TOKEN, BENCH_IDS (comma-separated service ids), BENCH_THREADS (-t).
-- done() prints one line: "RESULT key=value …" for the shell script to parse.

local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

local function split(s)
   local out = {}
   for part in string.gmatch(s or "", "[^,]+") do
      table.insert(out, part)
   end
   return out
end

function init(args)
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
   local ids = split(os.getenv("BENCH_IDS"))
   owned = {}
   for i, id in ipairs(ids) do
      if (i - 1) % nthreads == tid then
         table.insert(owned, id)
      end
   end
   if #owned == 0 then
      error("thread " .. tid .. " owns no service: BENCH_IDS has " .. #ids .. " ids")
   end
   cycle = { "degraded_performance", "partial_outage", "major_outage", "operational" }
   headers = { ["Authorization-Token"] = os.getenv("BENCH_TOKEN") }
   k = 0
end

function request()
   local n = #owned
   local id = owned[(k % n) + 1]
   local status = cycle[math.floor(k / n) % #cycle + 1]
   k = k + 1
   return wrk.format("PUT", "/admin/api/v1/service/put/" .. id .. "/" .. status .. "/", headers)
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   -- wrk counts a response with a status above 399 in errors.status; this
   -- endpoint answers 200 or an error, so requests - errors.status are the 2xx.
   local ok = summary.requests - e.status
   io.write(string.format(
      "RESULT requests=%d ok=%d non2xx=%d socket_errors=%d timeouts=%d seconds=%.3f " ..
      "rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      summary.requests, ok, e.status, e.connect + e.read + e.write, e.timeout, secs,
      summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
end
