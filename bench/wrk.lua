-- The requests bench/load.py has wrk send: one shape per run, described by environment
-- variables (wrk gives a script no other way in). Every thread has its own Lua state.
--   WRK_METHOD, WRK_PATH   the request line
--   WRK_HEADERS            "Name: value" lines
--   WRK_BODY               "lead": a new lead per request (unique phone and email); "keyed-lead":
--                          the same with an Idempotency-Key of its own; else none
--   WRK_RUN                a token that keeps this run's emails apart from other runs'
local method = os.getenv("WRK_METHOD") or "GET"
local path = os.getenv("WRK_PATH") or "/"
local body_kind = os.getenv("WRK_BODY") or ""
local run = os.getenv("WRK_RUN") or "run"
local headers = {}
for line in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end
local keyed = body_kind == "keyed-lead"
if keyed then body_kind = "lead" end
if body_kind == "lead" then headers["Content-Type"] = "application/json" end

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local body = nil
  if body_kind == "lead" then
    local i = (tid or 0) * 1000000 + counter
    body = string.format(
      '{"name":"คุณสมชาย ใจดี %d","phone":"08%d-%03d-%04d","email":"wrk%d-%s@example.co.th",' ..
      '"source":"website","company":"บริษัท ทดสอบ %d จำกัด","potential":15000}',
      i, i % 10, (i * 7919) % 1000, (i * 104729) % 10000, i, run, i % 97)
    if keyed then headers["Idempotency-Key"] = string.format("%s-%d", run, i) end
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%f,' ..
    '"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
