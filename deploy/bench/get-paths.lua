-- wrk script: GET requests rotating over a list of paths, with one bearer token.
-- Usage: wrk ... -s get-paths.lua http://host:port -- <paths file, one path per line> <token>
-- Prints one RESULT line with the 2xx count and p50/p95/p99 latency.
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  headers = { ["Authorization"] = "Bearer " .. args[2], ["Accept"] = "application/json" }
  i = tid * 7919 -- threads start at different paths
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT ok=%d non2xx=%d seconds=%.3f rate=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    summary.requests - e.status, e.status, summary.duration / 1e6, (summary.requests - e.status) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout))
end
