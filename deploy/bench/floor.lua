-- wrk script: the floor. Same threads, connections, token rotation and Lua work as writes.lua,
-- but GET /timestamp, an endpoint that touches neither the database nor Kafka.
-- Usage: wrk ... -s floor.lua http://host:port -- <tokens file>
local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  i = tid * 7919
end

function request()
  i = i + 1
  local token = tokens[(i % #tokens) + 1]
  return wrk.format("GET", "/timestamp", { ["X-Exosite-CIK"] = token })
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
