-- wrk script: the Exosite device API with the devices' own tokens. Every request carries the next
-- device's token (X-Exosite-CIK), rotating over all of them (threads start at different devices),
-- on keep-alive connections. The mode is the only difference between the runs it makes:
--   write      POST /onep:v1/stack/alias data_in={"t":<unique n>}: a durable device write
--   floor      GET /timestamp: the same connections, token rotation and Lua work, but an endpoint
--              that touches neither the database nor Kafka
--   postfloor  POST /bench/post-floor with the write's very headers and body, read and discarded
--              (204 on the event loop): what receiving a write costs, without storing it
-- Usage: wrk ... -s device-api.lua http://host:port -- <tokens file, one token per line> <write|floor|postfloor>
-- Prints one RESULT line: ok, non2xx, seconds, p50/p90/p99/max ms, socket errors.
local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  mode = args[2]
  if mode ~= "write" and mode ~= "floor" and mode ~= "postfloor" then
    io.stderr:write("device-api.lua: the mode (second argument after --) must be write, floor or postfloor, not " .. tostring(mode) .. "\n")
    os.exit(2)
  end
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  i = tid * 7919          -- threads start at different devices
  n = 0
end

function request()
  i = i + 1
  local token = tokens[(i % #tokens) + 1]
  if mode == "floor" then
    return wrk.format("GET", "/timestamp", { ["X-Exosite-CIK"] = token })
  end
  n = n + 1
  -- {"t":<tid*10^9+n>} form-encoded: unique per request, so no two writes carry the same value
  local body = "data_in=%7B%22t%22%3A" .. string.format("%d", tid * 1000000000 + n) .. "%7D"
  return wrk.format("POST", mode == "postfloor" and "/bench/post-floor" or "/onep:v1/stack/alias",
    { ["X-Exosite-CIK"] = token, ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }, body)
end

-- No response() callback: wrk does not call it for bodiless answers (204), and it would slow wrk.
-- wrk counts status >= 400 in errors.status; nothing here answers 3xx, so the rest are 2xx.
function done(summary, latency, requests)
  local e = summary.errors
  local total_bad = e.status
  local total_ok = summary.requests - e.status
  io.write(string.format("RESULT ok=%d non2xx=%d seconds=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    total_ok, total_bad, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect + e.read + e.write + e.timeout))
end
